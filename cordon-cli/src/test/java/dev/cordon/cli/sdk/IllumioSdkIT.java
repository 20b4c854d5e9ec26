package dev.cordon.cli.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Illumio's official Python SDK ({@code ../shared/vendor/illumio-py}, unmodified) runs its own integration suite
 * ({@code tests/integration/test_intg_*.py}, {@code pytest --integration}) against a real {@code cordon pce} started
 * from the built jar. Every SDK test becomes one JUnit test here, so a report names exactly what broke.
 *
 * <p>Every SDK test must pass, except those of the two container files: Cordon does not support Kubernetes
 * clusters, and those tests must fail on the PCE's {@code 404 ... not supported} answer (not on anything else).
 *
 * <p>Nothing is written into {@code ../shared}: the SDK runs from a copy in a temporary directory (pytest plugins
 * such as pytest-benchmark write into their root directory), with no byte code ({@code PYTHONDONTWRITEBYTECODE}) and
 * no pytest cache; the test checks the vendored folder is unchanged afterwards. The inherited CA bundle variables are removed so requests talks to the loopback PCE as the
 * SDK expects. Python 3 with requests and pytest is required (scripts/test installs python3-requests and
 * python3-pytest); without them the test fails, never skips.
 */
class IllumioSdkIT {
    /** Files whose tests are allowed to (and must) fail with the PCE's "not supported" 404. */
    static final List<String> UNSUPPORTED_FILES = List.of("test_intg_container_clusters",
            "test_intg_container_workload_profiles");

    @TestFactory
    Stream<DynamicNode> theIllumioSdkIntegrationSuitePassesAgainstARealPce() throws Exception {
        Path root = Path.of(System.getProperty("cordon.root", "..")).toAbsolutePath().normalize();
        Path sdk = root.resolve("../shared/vendor/illumio-py").normalize();
        assertThat(sdk.resolve("tests/integration/conftest.py")).as("the vendored SDK (../shared/vendor/illumio-py)")
                .exists();
        Python.requireRequestsAndPytest();
        Map<String, String> before = SdkFolder.fingerprint(sdk);
        Path tmp = Files.createTempDirectory("cordon-sdk-it");
        String example = DocExample.sdkExample(root.resolve("docs/api.md"));
        SdkRun run;
        SdkRun exampleRun;
        try (SdkPce pce = SdkPce.start(tmp.resolve("pce"))) {
            Path copy = SdkFolder.copyTree(sdk, tmp.resolve("illumio-py"));
            exampleRun = SdkRun.script(copy, tmp, pce, example);
            run = SdkRun.pytest(copy, tmp, pce);
        } finally {
            // keep nothing behind, also when the start or the run failed
            SdkFolder.deleteTree(tmp);
        }
        Map<String, String> after = SdkFolder.fingerprint(sdk);
        List<JunitCase> cases = run.cases();
        System.out.println(Summary.of(cases, UNSUPPORTED_FILES));

        List<DynamicNode> nodes = new ArrayList<>();
        nodes.add(DynamicTest.dynamicTest("pytest ran the whole suite and left ../shared as it was", () -> {
            assertThat(before).as("files of ../shared/vendor/illumio-py after the run").isEqualTo(after);
            assertThat(cases).as("SDK tests in the junit report; pytest said:\n%s", run.outputTail()).hasSizeGreaterThan(50);
            assertThat(run.exitCode()).as("pytest's exit code (0 all passed, 1 some failed); it said:\n%s",
                    run.outputTail()).isIn(0, 1);
        }));
        nodes.add(DynamicTest.dynamicTest("the SDK example of docs/api.md runs and prints what it says", () -> {
            assertThat(exampleRun.exitCode()).as("the example's exit code; it said:\n%s", exampleRun.output()).isZero();
            assertThat(exampleRun.output()).contains("provisioned version").contains("3 workloads read asynchronously");
        }));
        Map<String, List<DynamicTest>> byFile = new TreeMap<>();
        for (JunitCase c : cases) {
            boolean unsupported = UNSUPPORTED_FILES.contains(c.file());
            byFile.computeIfAbsent(c.file(), f -> new ArrayList<>()).add(DynamicTest.dynamicTest(c.name(), () -> {
                if (unsupported) {
                    assertThat(c.outcome()).as("%s::%s should fail on the PCE's 404 (Kubernetes is not supported)",
                            c.file(), c.name()).isIn(JunitCase.Outcome.FAILED, JunitCase.Outcome.ERROR);
                    assertThat(c.detail()).as("why %s::%s failed", c.file(), c.name()).contains("404")
                            .contains("not_supported");
                } else {
                    assertThat(c.outcome()).as("%s::%s: %s", c.file(), c.name(), c.detail())
                            .isEqualTo(JunitCase.Outcome.PASSED);
                }
            }));
        }
        byFile.forEach((file, tests) -> nodes.add(DynamicContainer.dynamicContainer(file, tests)));
        return nodes.stream();
    }

    /** Python 3 with the two modules the SDK and its tests import. */
    static final class Python {
        private Python() {}

        static void requireRequestsAndPytest() throws Exception {
            String problem;
            try {
                Process p = new ProcessBuilder("python3", "-c", "import requests, pytest").redirectErrorStream(true)
                        .start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                problem = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : out.strip();
            } catch (java.io.IOException e) {
                problem = "python3 is not on PATH";
            }
            if (problem != null) {
                throw new AssertionError("the Illumio SDK suite needs Python 3 with requests and pytest (" + problem
                        + "): apt-get install -y python3 python3-requests python3-pytest (scripts/test does)"
                        + ("true".equals(System.getenv("CI")) ? ". CI=true: this test must run." : ""));
            }
        }
    }
}
