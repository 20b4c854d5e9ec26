package dev.cordon.cli.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real {@code cordon pce} process from the built jar (plain HTTP on loopback), which a test may kill -9. */
final class PceProcess implements AutoCloseable {
    private final Path data;
    private final String dbUrl;
    private final int port;
    private Process process;
    /** Seconds the last start took until /health answered. */
    double startSeconds;

    PceProcess(Path data, String dbUrl) {
        this.data = data;
        this.dbUrl = dbUrl;
        this.port = freePort();
    }

    String base() {
        return "http://127.0.0.1:" + port + "/api/v2";
    }

    Path data() {
        return data;
    }

    long pid() {
        return process.pid();
    }

    /** Starts the PCE and waits (generously, 90 s) until it answers /health and its owner key is written. */
    PceProcess start() throws Exception {
        return start(true);
    }

    /** {@code firstNode} false: a further node on a database another node created (it writes no owner key). */
    PceProcess start(boolean firstNode) throws Exception {
        String jar = System.getProperty("cordon.jar");
        assertThat(jar).as("system property cordon.jar (run through failsafe)").isNotNull();
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx512m", "-jar", jar, "pce", "--data", data.toString(),
                "--listen", "127.0.0.1:" + port, "--plain-http"));
        if (dbUrl != null) cmd.addAll(List.of("--db-url", dbUrl));
        long t0 = System.nanoTime();
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolveSibling(data.getFileName() + ".log").toFile()))
                .start();
        HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(90)) {
            assertThat(process.isAlive()).as("the PCE exited during start; its log: %s", log()).isTrue();
            try {
                HttpResponse<Void> r = c.send(HttpRequest.newBuilder(URI.create(base() + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200 && (!firstNode || Files.exists(data.resolve("owner-api-key")))) {
                    startSeconds = (System.nanoTime() - t0) / 1e9;
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the PCE did not answer /health within 90 s; its log: " + log());
    }

    String ownerKey() throws IOException {
        return Files.readString(data.resolve("owner-api-key")).trim();
    }

    String log() {
        try {
            return Files.readString(data.resolveSibling(data.getFileName() + ".log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGKILL: no shutdown hook, no flush, nothing. */
    void kill9() throws Exception {
        if (process == null) return;
        new ProcessBuilder("kill", "-9", Long.toString(process.pid())).inheritIO().start().waitFor();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        process = null;
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            process = null;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Removes a test's directory tree (data directories, logs). */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
