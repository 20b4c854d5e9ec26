package dev.cordon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.policy.testing.Scenarios;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every concrete {@code ./cordon} example in the docs runs, through the real jar: shell blocks are scanned for
 * commands; {@code policy.json} stands for the seed-precedence scenario. A command written as {@code $ ./cordon ...}
 * must also print every line documented under it. Syntax lines (with {@code [optional]} parts, {@code a|b}
 * alternatives or UPPERCASE placeholders) and commands that change the host or run servers are not examples.
 */
class DocsExamplesIT {
    private static final List<String> DOCS = List.of("README.md", "docs/cli.md", "docs/user-guide.md");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\b[A-Z][A-Z_:]{2,}\\b");
    private static final List<String> NOT_EXAMPLES = List.of(" apply ", " pce", " ven", " bench", "demo");

    record Example(String doc, String command, List<String> output) {}

    @TestFactory
    Stream<DynamicTest> everyConcreteCordonExampleInTheDocsRuns() throws Exception {
        List<Example> examples = new ArrayList<>();
        Path root = Path.of(System.getProperty("cordon.root", ".."));
        for (String doc : DOCS) examples.addAll(scan(doc, Files.readAllLines(root.resolve(doc))));
        assertThat(examples).as("examples found in %s", DOCS).hasSizeGreaterThanOrEqualTo(5);
        return examples.stream().map(e -> DynamicTest.dynamicTest(e.doc() + ": " + e.command(), () -> run(e)));
    }

    private static List<Example> scan(String doc, List<String> lines) {
        List<Example> out = new ArrayList<>();
        boolean inShell = false;
        Example current = null;
        for (String line : lines) {
            if (line.startsWith("```")) {
                inShell = !inShell && line.startsWith("```sh");
                current = null;
                continue;
            }
            if (!inShell) continue;
            String t = line.strip();
            boolean prompt = t.startsWith("$ ./cordon ");
            if (prompt || t.startsWith("./cordon ")) {
                String cmd = (prompt ? t.substring(2) : t).replaceFirst("\\s+#.*$", "").strip();
                current = null;
                if (cmd.contains("[") || cmd.contains("|") || PLACEHOLDER.matcher(cmd).find()
                        || NOT_EXAMPLES.stream().anyMatch(x -> (cmd + " ").contains(x))) continue;
                current = new Example(doc, cmd, new ArrayList<>());
                out.add(current);
                if (!prompt) current = null;
            } else if (current != null && !t.isEmpty()) {
                current.output().add(t);
            }
        }
        return out;
    }

    private static void run(Example e) throws Exception {
        String seed = Scenarios.folder().resolve("seed-precedence.json").toString();
        List<String> argv = new ArrayList<>(List.of("java", "-jar", System.getProperty("cordon.jar")));
        for (String a : e.command().substring("./cordon ".length()).split("\\s+")) {
            argv.add(a.equals("policy.json") || a.endsWith("seed-precedence.json") ? seed : a);
        }
        Process p = new ProcessBuilder(argv).start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("exit code of `%s`: %s", e.command(), stderr).isZero();
        String normalized = stdout.replaceAll("\\s+", " ");
        for (String expected : e.output()) {
            assertThat(normalized).as("output of `%s`", e.command()).contains(expected.replaceAll("\\s+", " "));
        }
    }
}
