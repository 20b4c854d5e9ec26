package dev.cordon.policy;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.cordon.policy.arch.ModuleRules;

/** cordon-policy depends on no other cordon module, and its packages depend one way. */
@AnalyzeClasses(packages = "dev.cordon.policy", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule packagesHaveNoCycles = ModuleRules.noPackageCycles("policy");

    @ArchTest
    static final ArchRule areasHaveNoCycles = ModuleRules.noAreaCycles("policy");

    @ArchTest
    static final ArchRule usesNoOtherModule = ModuleRules.followsTheModuleMap("policy");
}
