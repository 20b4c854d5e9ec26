package dev.cordon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package arrows of docs/design/dataplane.md, read from the main sources' imports (ArchUnit is not among the
 * build's dependencies yet; this reads the same facts): no package cycles, the root package and the plan know no
 * backend, and only {@code dataplane.backend} (and the bench) names a backend.
 */
class PackageArrowsTest {
    private static final Path MAIN = Path.of("src/main/java/dev/cordon/dataplane");
    private static final Pattern IMPORT = Pattern.compile(
            "^import (?:static )?dev\\.cordon\\.dataplane\\.([a-z]\\w*(?:\\.[a-z]\\w*)*)\\.[A-Z]\\w*(?:\\.\\w+)*;", Pattern.MULTILINE);
    private static final Map<String, Set<String>> deps = new TreeMap<>();

    @BeforeAll
    static void read() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                // the root package is named "" here; imports of root types are not edges (the root imports nothing)
                String pkg = MAIN.relativize(f.getParent()).toString().replace('/', '.');
                Set<String> out = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) if (!m.group(1).equals(pkg)) out.add(m.group(1));
            }
        }
    }

    @Test
    void thereAreNoPackageCycles() {
        List<String> cycles = new ArrayList<>();
        for (String start : deps.keySet()) {
            if (reaches(start, start, new TreeSet<>())) cycles.add(start);
        }
        assertThat(cycles).as("packages on a cycle; imports: %s", deps).isEmpty();
    }

    @Test
    void theRootPackageDependsOnNoneOfItsSubpackages() {
        assertThat(deps.getOrDefault("", Set.of())).isEmpty();
    }

    @Test
    void thePlanAndTheSharedPackagesKnowNoBackend() {
        for (String shared : List.of("", "plan", "exec", "conntrack")) {
            assertThat(deps.getOrDefault(shared, Set.of())).as(shared).noneMatch(d -> d.startsWith("iptables"));
        }
    }

    @Test
    void onlyTheFactoryAndTheBenchNameABackend() {
        deps.forEach((pkg, out) -> {
            if (pkg.startsWith("iptables") || pkg.equals("backend") || pkg.equals("bench")) return;
            assertThat(out).as(pkg).noneMatch(d -> d.startsWith("iptables"));
        });
        assertThat(deps.get("backend")).contains("iptables");
    }

    private static boolean reaches(String from, String target, Set<String> seen) {
        for (String next : deps.getOrDefault(from, Set.of())) {
            if (next.equals(target)) return true;
            if (seen.add(next) && reaches(next, target, seen)) return true;
        }
        return false;
    }
}
