package dev.cordon.cli;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.cordon.policy.arch.ModuleRules;

/** The command may use every module (ARCHITECTURE.md); its own packages (the root and
 * {@code cli.demo} today) depend one way. */
@AnalyzeClasses(packages = "dev.cordon.cli", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule packagesHaveNoCycles = ModuleRules.noPackageCycles("cli");
}
