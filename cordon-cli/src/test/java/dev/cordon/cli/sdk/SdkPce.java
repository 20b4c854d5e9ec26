package dev.cordon.cli.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real {@code cordon pce} from the built jar, plain HTTP on loopback, as the SDK suite's server. */
final class SdkPce implements AutoCloseable {
    private final Path data;
    private final Path log;
    final int port;
    private Process process;

    private SdkPce(Path data, int port) {
        this.data = data;
        this.log = data.resolveSibling("pce.log");
        this.port = port;
    }

    static SdkPce start(Path data) throws Exception {
        String jar = System.getProperty("cordon.jar");
        assertThat(jar).as("system property cordon.jar (run through failsafe)").isNotNull();
        SdkPce pce = new SdkPce(data, freePort());
        pce.process = new ProcessBuilder(List.of("java", "-Xmx512m", "-jar", jar, "pce", "--data", data.toString(),
                "--listen", "127.0.0.1:" + pce.port, "--plain-http")).redirectErrorStream(true)
                .redirectOutput(pce.log.toFile()).start();
        try {
            pce.awaitHealthy();
        } catch (Throwable t) {
            pce.close();
            throw t;
        }
        return pce;
    }

    private void awaitHealthy() throws Exception {
        HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("the PCE exited during start; its log: %s", log()).isTrue();
            try {
                HttpResponse<Void> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/v2/health")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200 && Files.exists(data.resolve("owner-api-key"))) return;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the PCE did not answer /health within 120 s; its log: " + log());
    }

    Path data() {
        return data;
    }

    /** {@code auth_username:secret} of the owner's key the first start wrote. */
    String ownerKey() throws IOException {
        return Files.readString(data.resolve("owner-api-key")).trim();
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
