package dev.cordon.ven;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.cordon.policy.arch.ModuleRules;

/**
 * The agent uses policy and dataplane only (it talks to the PCE over HTTP, never through its classes), knows no
 * firewall backend (it asks the dataplane's facade and factory), and its packages depend one way.
 */
@AnalyzeClasses(packages = "dev.cordon.ven", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule packagesHaveNoCycles = ModuleRules.noPackageCycles("ven");

    @ArchTest
    static final ArchRule areasHaveNoCycles = ModuleRules.noAreaCycles("ven");

    @ArchTest
    static final ArchRule usesPolicyAndDataplaneOnly = ModuleRules.followsTheModuleMap("ven");

    @ArchTest
    static final ArchRule knowsNoBackend = noClasses()
            .that().resideInAPackage("dev.cordon.ven..")
            .should().dependOnClassesThat().resideInAPackage("dev.cordon.dataplane.iptables..")
            .because("the VEN knows no backend: dataplane.backend picks one");
}
