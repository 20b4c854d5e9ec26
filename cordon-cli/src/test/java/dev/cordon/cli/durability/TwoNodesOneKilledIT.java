package dev.cordon.cli.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.harness.Postgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Two PCE nodes on one PostgreSQL; node A provisions in a loop and is killed with {@code kill -9} in the middle of
 * it. Node B then serves the newest committed version, whose content is the one the database holds, every version
 * A acknowledged is there, and simulated VENs long-polling B through the VEN protocol all converge on that version.
 */
class TwoNodesOneKilledIT {
    static final int VENS = 5;

    @Test
    void theSurvivorServesTheNewestCommittedVersionAndVensConverge() throws Exception {
        String url = Postgres.jdbcUrl();
        Path dir = Files.createTempDirectory("cordon-two-nodes-");
        List<Thread> pollers = new ArrayList<>();
        try (PceProcess a = new PceProcess(dir.resolve("a"), url); PceProcess b = new PceProcess(dir.resolve("b"), url)) {
            a.start();
            b.start(false);
            String key = a.ownerKey();
            Api viaA = new Api(a.base(), key);
            Api viaB = new Api(b.base(), key);
            String label = viaA.post("/orgs/1/labels", "{\"key\":\"role\",\"value\":\"web\"}").json().path("href").asText();
            String profile = viaA.post("/orgs/1/pairing_profiles", "{\"name\":\"p\",\"enforcement_mode\":\"full\","
                    + "\"labels\":[{\"href\":\"" + label + "\"}]}").json().path("href").asText();
            String code = viaA.post(profile + "/pairing_key", "{}").json().path("activation_code").asText();
            String rs = viaA.post("/orgs/1/sec_policy/draft/rule_sets", "{\"name\":\"web\",\"scopes\":[[]]}")
                    .json().path("href").asText();
            Api.Answer v1 = viaA.post("/orgs/1/sec_policy", "{\"update_description\":\"first\"}");
            assertThat(v1.status()).as(v1.body()).isEqualTo(201);

            // simulated VENs, activated on B and long-polling B
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Map<Integer, Long> venVersion = new ConcurrentHashMap<>();
            for (int i = 0; i < VENS; i++) {
                HttpResponse<String> act = http.send(HttpRequest.newBuilder(URI.create(b.base() + "/ven/activate"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                "{\"activation_code\":\"" + code + "\",\"hostname\":\"ven-" + i + "\",\"interfaces\":"
                                        + "[{\"name\":\"eth0\",\"address\":\"10.9.0." + (i + 1) + "\"}],\"os_type\":"
                                        + "\"linux\",\"ven_type\":\"server\",\"version\":\"test\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(act.statusCode()).as(act.body()).isEqualTo(201);
                String token = Api.JSON.readTree(act.body()).path("agent_token").asText();
                int id = i;
                Thread t = new Thread(() -> poll(http, b.base(), token, id, venVersion), "ven-" + i);
                t.setDaemon(true);
                t.start();
                pollers.add(t);
            }

            // A provisions as fast as it can; it is killed in the middle of it
            AckLedger ledger = new AckLedger();
            Thread provisioner = new Thread(() -> {
                for (int i = 0; ; i++) {
                    try {
                        String d = "provision " + i;
                        viaA.post(rs + "/sec_rules", "{\"providers\":[{\"actors\":\"ams\"}],\"consumers\":[{\"actors\":"
                                + "\"ams\"}],\"ingress_services\":[{\"proto\":6,\"port\":" + (3000 + i) + "}]}");
                        Api.Answer v = viaA.post("/orgs/1/sec_policy", "{\"update_description\":\"" + d + "\"}");
                        if (v.status() == 201) {
                            var ack = Api.JSON.createObjectNode();
                            ack.set("created_at", v.json().path("created_at"));
                            ack.set("object_counts", v.json().path("object_counts"));
                            ack.put("description", d);
                            ledger.versions.put(v.json().path("version").asLong(), ack);
                        }
                    } catch (Exception e) {
                        return; // A is gone
                    }
                }
            }, "provisioner");
            provisioner.start();
            Thread.sleep(ThreadLocalRandom.current().nextLong(1500, 3000));
            a.kill9();
            provisioner.join(60_000);

            AckLedger.Verdict v = ledger.verify(viaB);
            assertThat(v.problems()).isEmpty();
            JsonNode versions = viaB.get("/orgs/1/sec_policy?max_results=1").json();
            long newest = versions.get(0).path("version").asLong();
            long acked = ledger.versions.keySet().stream().mapToLong(Long::longValue).max().orElse(1);
            assertThat(newest).as("B serves at least the newest version A acknowledged").isGreaterThanOrEqualTo(acked);
            // B's active policy is that newest version, with the content the database holds for it
            // (hrefs name the version as asked for: "active" there, the number here)
            assertThat(viaB.get("/orgs/1/sec_policy/active/rule_sets").body()
                    .replace("/sec_policy/active/", "/sec_policy/" + newest + "/"))
                    .isEqualTo(viaB.get("/orgs/1/sec_policy/" + newest + "/rule_sets").body());
            long t0 = System.nanoTime();
            while (!venVersion.values().stream().allMatch(x -> x == newest) || venVersion.size() < VENS) {
                assertThat(System.nanoTime() - t0).as("every VEN on B gets version %d (they have %s)", newest, venVersion)
                        .isLessThan(Duration.ofSeconds(90).toNanos());
                Thread.sleep(100);
            }
            System.out.printf("two nodes: A killed after %d acknowledged provisions; B serves version %d (newest"
                            + " acknowledged %d), %d VENs on B converged in %.1fs, lost=%d%n", ledger.versions.size(),
                    newest, acked, VENS, (System.nanoTime() - t0) / 1e9, v.lost());
        } finally {
            for (Thread t : pollers) t.interrupt();
            PceProcess.deleteTree(dir);
        }
    }

    /** One VEN's loop: long-poll B for a policy differing from what it has, note the version it got. */
    private static void poll(HttpClient http, String base, String token, int id, Map<Integer, Long> got) {
        String hash = "";
        while (!Thread.currentThread().isInterrupted()) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/ven/policy?known_hash="
                                + hash + "&wait_seconds=10")).header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    JsonNode p = Api.JSON.readTree(r.body());
                    hash = p.path("hash").asText();
                    got.put(id, p.path("version").asLong());
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }
}
