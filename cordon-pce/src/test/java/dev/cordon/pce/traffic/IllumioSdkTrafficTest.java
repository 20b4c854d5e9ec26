package dev.cordon.pce.traffic;

import static dev.cordon.pce.traffic.TrafficClient.batch;
import static dev.cordon.pce.traffic.TrafficClient.flow;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.harness.PceHarness;
import dev.cordon.pce.traffic.TrafficClient.Ven;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The official Illumio Python SDK ({@code ../shared/vendor/illumio-py}, unmodified) reads the flows VENs reported:
 * {@code PolicyComputeEngine.get_traffic_flows_async} with a {@code TrafficQuery} returns every one, each with the
 * decision its end reported. Under {@code CI=true} a missing python3 or python3-requests fails the test.
 */
class IllumioSdkTrafficTest {
    static Path sdk() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("../shared/vendor/illumio-py").normalize();
            if (Files.isDirectory(candidate.resolve("illumio")) && Files.exists(p.resolve("pom.xml"))) return candidate;
        }
        throw new IllegalStateException("Cannot find ../shared/vendor/illumio-py beside the project root");
    }

    @Test
    void getTrafficFlowsAsyncReturnsEveryReportedFlowWithItsDecision() throws Exception {
        Path tmp = Files.createTempDirectory("cordon-sdk-traffic");
        try (PceHarness pce = PceHarness.h2()) {
            TrafficClient c = new TrafficClient(pce);
            Ven web = c.activate(List.of(), "full", "10.88.0.1");
            Ven db = c.activate(List.of(), "visibility_only", "10.88.0.2");
            String t0 = "2026-01-01T10:00:00Z";
            String t1 = "2026-01-01T10:01:00Z";
            List<Map<String, Object>> fromWeb = List.of(
                    flow("outbound", web.ip(), db.ip(), 6, 5432, "allowed", null, 4, t0, t1),
                    flow("outbound", web.ip(), "203.0.113.10", 6, 443, "blocked", null, 1, t0, t1),
                    flow("outbound", web.ip(), "198.51.100.3", 17, 53, "unknown", null, 2, t0, t1));
            List<Map<String, Object>> fromDb = List.of(
                    flow("inbound", db.ip(), web.ip(), 6, 5432, "allowed", null, 4, t0, t1),
                    flow("inbound", db.ip(), "198.51.100.9", 6, 22, "potentially_blocked", null, 1, t0, t1));
            assertThat(c.send(web, batch(1, fromWeb), true).status()).isEqualTo(200);
            assertThat(c.send(db, batch(1, fromDb), true).status()).isEqualTo(200);
            List<Map<String, Object>> want = new ArrayList<>();
            for (Map<String, Object> f : fromWeb) want.add(expected(f));
            for (Map<String, Object> f : fromDb) want.add(expected(f));
            Path expected = tmp.resolve("expected.json");
            Files.writeString(expected, TrafficClient.M.writeValueAsString(Map.of("start", "2026-01-01T09:00:00Z",
                    "end", "2026-01-01T11:00:00Z", "flows", want, "blocked_only", 1)));

            Path script = tmp.resolve("sdk_traffic.py");
            for (String name : List.of("sdk_traffic.py", "sdk_session.py")) {
                try (InputStream in = getClass().getResourceAsStream("/traffic/" + name)) {
                    Files.write(tmp.resolve(name), in.readAllBytes());
                }
            }
            ProcessBuilder pb = new ProcessBuilder("python3", script.toString(), "http://127.0.0.1",
                    Integer.toString(pce.server.port()), Files.readString(pce.server.ownerKeyFile()).trim(),
                    expected.toString());
            pb.environment().put("PYTHONPATH", sdk().toString());
            pb.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // ../shared is read-only input: no __pycache__ there
            pb.environment().remove("REQUESTS_CA_BUNDLE");
            pb.environment().remove("CURL_CA_BUNDLE");
            pb.redirectErrorStream(true);
            Process p;
            try {
                p = pb.start();
            } catch (java.io.IOException e) {
                Assumptions.assumeTrue("true".equals(System.getenv("CI")), "python3 is not installed");
                throw new AssertionError("python3 is not installed (apt-get install -y python3 python3-requests)", e);
            }
            try {
                assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the SDK script finished").isTrue();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.exitValue() == 3) {
                    Assumptions.assumeTrue("true".equals(System.getenv("CI")), out);
                    throw new AssertionError("The SDK needs python3-requests: " + out);
                }
                assertThat(p.exitValue()).as(out).isZero();
                String last = out.strip().lines().reduce((a, b) -> b).orElse("{}");
                JsonNode seen = TrafficClient.M.readTree(last);
                assertThat(seen.get("seen")).hasSize(5);
                assertThat(seen.get("blocked").asInt()).isEqualTo(1);
                assertThat(seen.get("dst_workloads").toString()).contains(db.workloadHref());
            } finally {
                p.destroyForcibly();
            }
        } finally {
            try (var files = Files.walk(tmp)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** What the SDK must show for a summary: oriented source → destination, the reporting end's decision. */
    static Map<String, Object> expected(Map<String, Object> f) {
        boolean inbound = f.get("direction").equals("inbound");
        return Map.of("src", inbound ? f.get("peer_ip") : f.get("local_ip"), "dst", inbound ? f.get("local_ip") : f.get("peer_ip"),
                "port", f.get("port"), "proto", f.get("proto"), "direction", f.get("direction"), "decision", f.get("decision"));
    }
}
