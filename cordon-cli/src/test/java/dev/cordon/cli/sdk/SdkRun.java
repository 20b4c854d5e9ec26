package dev.cordon.cli.sdk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** One {@code python3 -m pytest --integration} run of the SDK's integration files, read back into memory. */
record SdkRun(int exitCode, List<JunitCase> cases, String output) {
    /** Generous: the suite takes well under a minute; a hang must still end the build. */
    private static final long TIMEOUT_MINUTES = 15;

    /**
     * The vendored copy may lack {@code illumio/_version.py} (setuptools_scm writes it at install time), which
     * {@code illumio.util} imports. This plugin, loaded with {@code -p} before the SDK's conftest, supplies that one
     * module in memory when the file is absent, so the SDK itself runs unmodified and nothing is written there.
     */
    private static final String SHIM = """
            import os, sys, types
            if not os.path.exists(os.path.join(os.environ["CORDON_SDK_DIR"], "illumio", "_version.py")):
                _m = types.ModuleType("illumio._version")
                _m.version = _m.__version__ = "1.1.3"
                sys.modules["illumio._version"] = _m
            """;

    static Path shim(Path tmp) throws Exception {
        Path shim = Files.createDirectories(tmp.resolve("shim"));
        Files.writeString(shim.resolve("cordon_sdk_shim.py"), SHIM);
        return shim;
    }

    /** The inherited environment without what would change how requests or pytest behave, plus the SDK's path. */
    static void environment(Map<String, String> env, Path sdk, Path shim) {
        // a CA bundle in the environment overrides requests' verify settings; the PCE here is the loopback one
        env.remove("REQUESTS_CA_BUNDLE");
        env.remove("CURL_CA_BUNDLE");
        env.keySet().removeIf(k -> k.startsWith("ILLUMIO_") || k.startsWith("PYTEST_"));
        env.put("CORDON_SDK_DIR", sdk.toString());
        env.put("PYTHONPATH", shim + ":" + sdk + ":" + sdk.resolve("tests/integration"));
        env.put("PYTHONDONTWRITEBYTECODE", "1");
    }

    /** Runs a script (the docs' SDK example) with the SDK importable; exit code and output. */
    static SdkRun script(Path sdk, Path tmp, SdkPce pce, String text) throws Exception {
        Path shim = shim(tmp);
        Path file = tmp.resolve("example.py");
        Files.writeString(file, text);
        Path out = tmp.resolve("example.log");
        ProcessBuilder pb = new ProcessBuilder("python3", "-c", "import sys, runpy, cordon_sdk_shim;"
                + " runpy.run_path(sys.argv[1], run_name='__main__')", file.toString())
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        environment(pb.environment(), sdk, shim);
        pb.environment().put("DATA", pce.data().toString());
        pb.environment().put("PCE_HOST", "http://127.0.0.1");
        pb.environment().put("PCE_PORT", Integer.toString(pce.port));
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("the SDK example did not finish within 5 minutes: " + Files.readString(out));
        }
        return new SdkRun(p.exitValue(), List.of(), Files.readString(out));
    }

    static SdkRun pytest(Path sdk, Path tmp, SdkPce pce) throws Exception {
        Path shim = shim(tmp);
        Path junit = tmp.resolve("junit.xml");
        Path out = tmp.resolve("pytest.log");
        List<String> files;
        try (Stream<Path> s = Files.list(sdk.resolve("tests/integration"))) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("test_intg_") && n.endsWith(".py"))
                    .sorted().map(n -> "tests/integration/" + n).toList();
        }
        List<String> cmd = new ArrayList<>(List.of("python3", "-m", "pytest", "--integration", "-p", "cordon_sdk_shim",
                "-p", "no:cacheprovider", "-p", "no:benchmark", "--basetemp", tmp.resolve("pytest-tmp").toString(), "-rfE",
                "--junitxml", junit.toString()));
        cmd.addAll(files);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(sdk.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        Map<String, String> env = pb.environment();
        environment(env, sdk, shim);
        String key = pce.ownerKey();
        env.put("ILLUMIO_PCE_HOST", "http://127.0.0.1");
        env.put("ILLUMIO_PCE_PORT", Integer.toString(pce.port));
        env.put("ILLUMIO_PCE_ORG_ID", "1");
        env.put("ILLUMIO_API_KEY_USERNAME", key.substring(0, key.indexOf(':')));
        env.put("ILLUMIO_API_KEY_SECRET", key.substring(key.indexOf(':') + 1));
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("pytest did not finish within " + TIMEOUT_MINUTES + " minutes; it said:\n"
                    + tail(Files.readString(out)) + "\nthe PCE's log:\n" + tail(pce.log()));
        }
        String output = Files.readString(out);
        if (!Files.exists(junit)) {
            throw new AssertionError("pytest wrote no junit report (exit " + p.exitValue() + "); it said:\n" + tail(output));
        }
        return new SdkRun(p.exitValue(), JunitCase.read(junit), output);
    }

    String outputTail() {
        return tail(output);
    }

    private static String tail(String s) {
        return s.length() > 6000 ? "..." + s.substring(s.length() - 6000) : s;
    }
}
