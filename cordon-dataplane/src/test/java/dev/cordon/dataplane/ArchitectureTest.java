package dev.cordon.dataplane;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.cordon.policy.arch.ModuleRules;

/**
 * The module map (dataplane uses policy only) and the package arrows of docs/design/dataplane.md: no package cycles,
 * the root package knows none of its subpackages, the plan and the shared packages know no backend, and only
 * {@code dataplane.backend} (the factory) and the bench name a backend.
 */
@AnalyzeClasses(packages = "dev.cordon.dataplane", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String BACKEND = "dev.cordon.dataplane.iptables..";
    private static final String NFT = "dev.cordon.dataplane.nftables..";

    @ArchTest
    static final ArchRule packagesHaveNoCycles = ModuleRules.noPackageCycles("dataplane");

    @ArchTest
    static final ArchRule areasHaveNoCycles = ModuleRules.noAreaCycles("dataplane");

    @ArchTest
    static final ArchRule usesPolicyOnly = ModuleRules.followsTheModuleMap("dataplane");

    @ArchTest
    static final ArchRule theRootPackageDependsOnNoneOfItsSubpackages = noClasses()
            .that().resideInAPackage("dev.cordon.dataplane")
            .should().dependOnClassesThat(resideInAPackage("dev.cordon.dataplane..")
                    .and(not(resideInAPackage("dev.cordon.dataplane"))));

    @ArchTest
    static final ArchRule thePlanAndTheSharedPackagesKnowNoBackend = noClasses()
            .that().resideInAnyPackage("dev.cordon.dataplane", "dev.cordon.dataplane.plan..",
                    "dev.cordon.dataplane.exec..", "dev.cordon.dataplane.conntrack..", "dev.cordon.dataplane.foreign..",
                    "dev.cordon.dataplane.watch..")
            .should().dependOnClassesThat().resideInAnyPackage(BACKEND, NFT);

    @ArchTest
    static final ArchRule onlyTheFactoryAndTheBenchNameABackend = noClasses()
            .that().resideInAPackage("dev.cordon.dataplane..")
            .and().resideOutsideOfPackages(BACKEND, "dev.cordon.dataplane.backend", "dev.cordon.dataplane.bench")
            .should().dependOnClassesThat().resideInAPackage(BACKEND);

    @ArchTest
    static final ArchRule onlyTheFactoryAndTheBenchNameTheNftablesBackend = noClasses()
            .that().resideInAPackage("dev.cordon.dataplane..")
            .and().resideOutsideOfPackages(NFT, "dev.cordon.dataplane.backend", "dev.cordon.dataplane.bench")
            .should().dependOnClassesThat().resideInAPackage(NFT);

    /** The factory does name the backend: the rules above see real dependencies, not an empty import. */
    @ArchTest
    static void theFactoryNamesTheBackend(JavaClasses classes) {
        assertThat(classes.that(resideInAPackage("dev.cordon.dataplane.backend")).stream()
                .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
                .map(d -> d.getTargetClass().getPackageName()))
                .contains("dev.cordon.dataplane.iptables", "dev.cordon.dataplane.nftables");
    }
}
