package dev.cordon.protocol;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.cordon.policy.arch.ModuleRules;

/** The wire records use nothing of Cordon's and nothing but the JDK and Jackson, so both sides can share them. */
@AnalyzeClasses(packages = "dev.cordon.protocol", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule packagesHaveNoCycles = ModuleRules.noPackageCycles("protocol");

    @ArchTest
    static final ArchRule usesNoOtherCordonModule = ModuleRules.followsTheModuleMap("protocol");

    @ArchTest
    static final ArchRule usesOnlyTheJdkAndJackson = classes()
            .that().resideInAPackage("dev.cordon.protocol..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.cordon.protocol..", "java..",
                    "com.fasterxml.jackson..")
            .because("cordon-protocol depends on Jackson only (both the VEN and the PCE use it)");
}
