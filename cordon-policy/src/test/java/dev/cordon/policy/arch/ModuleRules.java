package dev.cordon.policy.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;
import java.util.Map;

/**
 * The module map of ARCHITECTURE.md as ArchUnit rules, shared by every module's {@code ArchitectureTest} (this class
 * ships in cordon-policy's test jar, which every other module's tests use). Each module's test analyses its own main
 * classes only, so a rule speaks of that module and of the modules it may use.
 */
public final class ModuleRules {
    /**
     * The other cordon modules each module may use: {@code policy ← dataplane ← ven}; {@code policy ← pce};
     * {@code protocol} (the VEN protocol's wire records) uses none and is used by pce and ven; cli all.
     */
    private static final Map<String, List<String>> MAY_USE = Map.of(
            "policy", List.of(),
            "protocol", List.of(),
            "dataplane", List.of("policy"),
            "pce", List.of("policy", "protocol"),
            "ven", List.of("policy", "dataplane", "protocol"),
            "cli", List.of("policy", "dataplane", "protocol", "pce", "ven"));

    private ModuleRules() {}

    /** No cycle between the module's packages (each package on its own, the module's root package included). */
    public static ArchRule noPackageCycles(String module) {
        String root = "dev.cordon." + check(module);
        // a pattern such as dev.cordon.pce.(**) would leave out the root package, so the slices are assigned here
        SliceAssignment eachPackage = new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                String p = c.getPackageName();
                return p.equals(root) || p.startsWith(root + ".") ? SliceIdentifier.of(p) : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "the packages of cordon-" + module;
            }
        };
        return slices().assignedFrom(eachPackage)
                .should().beFreeOfCycles()
                .because("packages of cordon-" + module + " depend one way (ARCHITECTURE.md)");
    }

    /**
     * No cycle between the module's areas, an area being a top-level package with all its subpackages, so two
     * subpackages of different areas cannot hide a cycle between the areas.
     */
    public static ArchRule noAreaCycles(String module) {
        return slices().matching("dev.cordon." + check(module) + ".(*)..").namingSlices("area $1")
                .should().beFreeOfCycles()
                .because("areas of cordon-" + module + " depend one way (ARCHITECTURE.md)");
    }

    /** The module uses no cordon module the module map does not let it use. */
    public static ArchRule followsTheModuleMap(String module) {
        String[] forbidden = MAY_USE.keySet().stream()
                .filter(m -> !m.equals(module) && !MAY_USE.get(check(module)).contains(m))
                .sorted().map(m -> "dev.cordon." + m + "..").toArray(String[]::new);
        if (forbidden.length == 0) {
            throw new IllegalArgumentException("cordon-" + module + " may use every module: there is no arrow to check");
        }
        return noClasses().that().resideInAPackage("dev.cordon." + module + "..")
                .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                .because("ARCHITECTURE.md: policy ← dataplane ← ven; policy ← pce; protocol ← pce, ven; cli uses all");
    }

    private static String check(String module) {
        if (!MAY_USE.containsKey(module)) throw new IllegalArgumentException("no cordon module '" + module + "'");
        return module;
    }
}
