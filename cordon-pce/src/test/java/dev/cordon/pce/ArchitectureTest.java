package dev.cordon.pce;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.cordon.policy.arch.ModuleRules;

/**
 * The PCE uses the policy module only, its packages depend one way, and the services know nothing of HTTP: only
 * the server's wiring ({@link PceServer}) and {@code pce.api} itself use {@code pce.api}; what both share is
 * {@code pce.core}, which depends on no other PCE package.
 */
@AnalyzeClasses(packages = "dev.cordon.pce", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule packagesHaveNoCycles = ModuleRules.noPackageCycles("pce");

    @ArchTest
    static final ArchRule areasHaveNoCycles = ModuleRules.noAreaCycles("pce");

    @ArchTest
    static final ArchRule usesPolicyOnly = ModuleRules.followsTheModuleMap("pce");

    @ArchTest
    static final ArchRule servicesDoNotUseTheHttpLayer = noClasses()
            .that().resideInAPackage("dev.cordon.pce..")
            .and().resideOutsideOfPackages("dev.cordon.pce", "dev.cordon.pce.api..")
            .should().dependOnClassesThat().resideInAPackage("dev.cordon.pce.api..")
            .because("services are used by HTTP, never the other way round; what both need is in pce.core");

    @ArchTest
    static final ArchRule coreDependsOnNoOtherPcePackage = noClasses()
            .that().resideInAPackage("dev.cordon.pce.core..")
            .should().dependOnClassesThat(resideInAPackage("dev.cordon.pce..")
                    .and(not(resideInAPackage("dev.cordon.pce.core.."))));
}
