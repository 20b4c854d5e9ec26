package dev.cordon.ven.e2e;

import static dev.cordon.ven.e2e.Fleet.await;
import static dev.cordon.ven.e2e.Fleet.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.kernel.Lab;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.PceHarness;
import dev.cordon.pce.ven.OfflineTimers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Offline isolation with real VENs in network namespaces (SPEC §10): the client's VEN goes silent (stopped without a
 * goodbye, as a crash looks to the PCE); once its 3 s disconnected timer has passed (the PCE's clock is moved) the PCE
 * marks the client offline, the database's VEN is told at once and its firewall refuses the client's connection; the
 * client's VEN starts again from its state directory, its first heartbeat brings the workload back, and the
 * connection works again. Then the goodbye: the client's VEN stops gracefully (as on SIGTERM), so it says goodbye
 * and stays in policy; its disconnected timer is now an hour and its goodbye timer 2 s, so only the goodbye can take
 * it offline when the clock moves 3 s: offline, refused, and back once the VEN starts again. The database's workload
 * has the never timer.
 */
class OfflineIsolationE2ETest {
    @Test
    void aSilentVensWorkloadIsIsolatedUntilItsNextHeartbeat() throws Exception {
        Set<String> fastLabels = new CopyOnWriteArraySet<>();
        AtomicBoolean goodbyePhase = new AtomicBoolean();
        OfflineTimers timers = org -> new OfflineTimers.Org() {
            @Override
            public long disconnectedSeconds(Set<String> labels, String venType) {
                if (!labels.stream().anyMatch(fastLabels::contains)) return OfflineTimers.NEVER;
                return goodbyePhase.get() ? 3600 : 3;
            }

            @Override
            public long goodbyeSeconds(Set<String> labels, String venType) {
                return labels.stream().anyMatch(fastLabels::contains) ? 2 : OfflineTimers.NEVER;
            }
        };
        try (Fleet fleet = new Fleet(() -> PceHarness.h2(c -> c.withOfflineTimers(timers)))) {
            Api api = fleet.api();
            String client = api.post("/orgs/1/labels", Map.of("key", "role", "value", "offline-client")).body()
                    .get("href").asText();
            String db = api.post("/orgs/1/labels", Map.of("key", "role", "value", "offline-db")).body()
                    .get("href").asText();
            fastLabels.add(client);
            check(api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "offline", "scopes", List.of(List.of()),
                    "rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", db))),
                            "consumers", List.of(Map.of("label", Map.of("href", client))),
                            "ingress_services", List.of(Map.of("proto", 6, "port", 5432)),
                            "unscoped_consumers", true)))), 201);
            long version = fleet.provision("offline isolation");
            Lab.Host a = fleet.lab.host("10.78.0.1");
            Lab.Host b = fleet.lab.host("10.78.0.2");
            b.listen(Set.of("tcp:5432"));
            String clientCode = fleet.activationCode("offline-client", "full", List.of(client));
            Fleet.Ven clientVen = fleet.start("client", a, "client", clientCode);
            Fleet.Ven dbVen = fleet.start("db", b, "db", fleet.activationCode("offline-db", "full", List.of(db)));
            await(Duration.ofSeconds(30), "both VENs enforcing version " + version,
                    () -> clientVen.version() >= version && dbVen.version() >= version);
            String workload = clientVen.agent.identity().orElseThrow().workloadHref();
            await(Duration.ofSeconds(20), "the client reaching the database", () -> a.reaches("10.78.0.2", 5432, "tcp"));

            clientVen.agent.stop();
            clientVen.thread.join(10_000);
            assertThat(clientVen.thread.isAlive()).as("the client's VEN stopped").isFalse();
            long t0 = System.nanoTime();
            fleet.pce.clock.advance(Duration.ofSeconds(10));
            await(Duration.ofSeconds(60), "the client offline", () -> !online(api, workload));
            long offlineMs = (System.nanoTime() - t0) / 1_000_000;
            await(Duration.ofSeconds(60), "the database's firewall refusing the offline client",
                    () -> !a.reaches("10.78.0.2", 5432, "tcp"));
            long isolatedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(fleet.events("workload.offline")).anyMatch(e -> workload.equals(e.path("info").path("workload").asText()));
            assertThat(online(api, dbVen.agent.identity().orElseThrow().workloadHref())).as("never timer").isTrue();

            long t1 = System.nanoTime();
            Fleet.Ven back = fleet.start("client", a, "client", clientCode); // same state directory: no new pairing
            await(Duration.ofSeconds(60), "the client online again", () -> online(api, workload));
            await(Duration.ofSeconds(60), "the client reaching the database again",
                    () -> a.reaches("10.78.0.2", 5432, "tcp"));
            long backMs = (System.nanoTime() - t1) / 1_000_000;
            assertThat(back.agent.identity().orElseThrow().workloadHref()).isEqualTo(workload);
            assertThat(fleet.events("workload.online")).anyMatch(e -> workload.equals(e.path("info").path("workload").asText()));
            System.out.println("offline isolation: clock moved to offline in " + offlineMs + " ms, to isolation enforced in "
                    + isolatedMs
                    + " ms, VEN restart to connection restored in " + backMs + " ms");
            Timings.record("offline", "isolation enforced " + isolatedMs + " ms after the timer passed; connection back "
                    + backMs + " ms after the VEN started again");

            // the goodbye: the client's VEN stops gracefully (what its SIGTERM hook calls; VenCrashE2ETest sends a
            // real SIGTERM to a child `cordon ven` and sees its goodbye); only the goodbye timer (2 s) can act on a
            // 3 s move now
            goodbyePhase.set(true);
            String venHref = back.venHref();
            back.agent.stopGracefully();
            back.thread.join(10_000);
            assertThat(back.thread.isAlive()).as("the client's VEN stopped").isFalse();
            await(Duration.ofSeconds(30), "the client's goodbye recorded", () -> !goodbyes(fleet, venHref).isEmpty());
            assertThat(goodbyes(fleet, venHref)).as("one goodbye, said as the VEN stopped").hasSize(1);
            assertThat(online(api, workload)).as("in policy until the goodbye timer has passed").isTrue();
            assertThat(a.reaches("10.78.0.2", 5432, "tcp")).isTrue();
            long t2 = System.nanoTime();
            fleet.pce.clock.advance(Duration.ofSeconds(3));
            await(Duration.ofSeconds(60), "the client offline after its goodbye timer", () -> !online(api, workload));
            await(Duration.ofSeconds(60), "the database's firewall refusing the client that said goodbye",
                    () -> !a.reaches("10.78.0.2", 5432, "tcp"));
            long byeIsolatedMs = (System.nanoTime() - t2) / 1_000_000;
            assertThat(fleet.events("workload.offline")).anyMatch(e -> workload.equals(e.path("info").path("workload").asText())
                    && e.path("info").path("cause").asText().equals("goodbye")
                    && e.path("info").path("timeout_seconds").asLong() == 2);
            long t3 = System.nanoTime();
            Fleet.Ven again = fleet.start("client", a, "client", clientCode);
            await(Duration.ofSeconds(60), "the client online again after its goodbye", () -> online(api, workload));
            await(Duration.ofSeconds(60), "the client reaching the database after its goodbye",
                    () -> a.reaches("10.78.0.2", 5432, "tcp"));
            long byeBackMs = (System.nanoTime() - t3) / 1_000_000;
            assertThat(again.venHref()).isEqualTo(venHref);
            System.out.println("offline after a goodbye: isolation enforced " + byeIsolatedMs + " ms after the goodbye"
                    + " timer passed, connection back " + byeBackMs + " ms after the VEN started again");
            Timings.record("goodbye", "isolation enforced " + byeIsolatedMs + " ms after the goodbye timer passed;"
                    + " connection back " + byeBackMs + " ms after the VEN started again");
        }
    }

    static List<com.fasterxml.jackson.databind.JsonNode> goodbyes(Fleet fleet, String venHref) {
        List<com.fasterxml.jackson.databind.JsonNode> out = new java.util.ArrayList<>();
        for (var e : fleet.events("agent.goodbye")) {
            if (venHref.equals(e.path("created_by").path("agent").path("href").asText())) out.add(e);
        }
        return out;
    }

    static boolean online(Api api, String workload) {
        Api.Resp r = api.get(workload);
        check(r, 200);
        return r.body().path("online").asBoolean(true);
    }
}
