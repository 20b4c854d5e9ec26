package dev.cordon.pce.ven;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.Api.Resp;
import dev.cordon.pce.harness.PceHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Offline workloads (SPEC §10) through the real API and VEN protocol: a VEN silent past its workload's timer makes
 * the workload offline (stored {@code online: false}, event, its address out of peers' policy, parked peers woken),
 * the next heartbeat brings it back, and a workload whose timer is never ({@code -1}) stays online however long its
 * VEN is silent. A VEN that says goodbye is judged by its goodbye timer from the goodbye on (still in policy until
 * then, offline after it with the same isolation, back with its next heartbeat), and a goodbye timer of never keeps
 * its workload online though its disconnected timer has long passed. Time is the harness's clock, moved by the test;
 * the sweep runs on its own timer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OfflineWorkloadsTest {
    static final long FAST_SECONDS = 3;
    static final long GOODBYE_SECONDS = 2;
    PceHarness pce;
    Api api;
    String fast;
    String never;
    /** Disconnected timer an hour, goodbye timer {@link #GOODBYE_SECONDS}. */
    String bye;
    /** Disconnected timer {@link #FAST_SECONDS}, goodbye timer never. */
    String byeNever;

    @BeforeAll
    void start() {
        // label hrefs are known only once the PCE runs: the timers look the labels up by value through the API
        List<String> fastLabels = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> neverLabels = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> byeLabels = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> byeNeverLabels = new java.util.concurrent.CopyOnWriteArrayList<>();
        pce = PceHarness.h2(c -> c.withOfflineTimers(org -> new OfflineTimers.Org() {
            @Override
            public long disconnectedSeconds(Set<String> labels, String venType) {
                if (labels.stream().anyMatch(fastLabels::contains)) return FAST_SECONDS;
                if (labels.stream().anyMatch(neverLabels::contains)) return OfflineTimers.NEVER;
                if (labels.stream().anyMatch(byeNeverLabels::contains)) return FAST_SECONDS;
                return 3600;
            }

            @Override
            public long goodbyeSeconds(Set<String> labels, String venType) {
                if (labels.stream().anyMatch(byeLabels::contains)) return GOODBYE_SECONDS;
                if (labels.stream().anyMatch(byeNeverLabels::contains)) return OfflineTimers.NEVER;
                return disconnectedSeconds(labels, venType);
            }
        }));
        api = pce.owner;
        fast = label("role", "fast");
        never = label("role", "never");
        bye = label("role", "bye");
        byeNever = label("role", "bye-never");
        fastLabels.add(fast);
        neverLabels.add(never);
        byeLabels.add(bye);
        byeNeverLabels.add(byeNever);
    }

    @AfterAll
    void stop() {
        pce.close();
    }

    static String unique(String s) {
        return s + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    String label(String key, String value) {
        Resp r = api.post("/orgs/1/labels", Map.of("key", key, "value", unique(value)));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.body().get("href").asText();
    }

    Resp activate(String labelHref, String address) {
        Resp p = api.post("/orgs/1/pairing_profiles", Map.of("name", unique("p"), "enforcement_mode", "full",
                "labels", List.of(Map.of("href", labelHref))));
        assertThat(p.status()).as(p.toString()).isEqualTo(201);
        String code = api.post(p.body().get("href").asText() + "/pairing_key", Map.of()).body()
                .get("activation_code").asText();
        Resp a = pce.anonymous.post("/ven/activate", Map.of("activation_code", code, "hostname", unique("h"),
                "interfaces", List.of(Map.of("name", "eth0", "address", address)), "os_type", "linux",
                "ven_type", "server", "version", "0.1.0"));
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        return a;
    }

    Api agent(Resp activation) {
        return pce.anonymous.withAuthorization("Bearer " + activation.body().get("agent_token").asText());
    }

    void heartbeat(Api ven) {
        Resp r = ven.post("/ven/heartbeat", Map.of("applied_hash", "", "sync_state", "applied", "health", List.of()));
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
    }

    void goodbye(Api ven, String appliedHash) {
        java.util.Map<String, Object> body = new java.util.HashMap<>();
        body.put("reason", "shutdown");
        body.put("applied_hash", appliedHash);
        Resp r = ven.post("/ven/goodbye", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
    }

    boolean online(String workload) {
        JsonNode w = api.get(workload).body();
        assertThat(w.has("online")).as("online in %s", w).isTrue();
        return w.get("online").asBoolean();
    }

    /** Waits for the sweep (it runs about every second with a 3 s timer); the condition, not the time, is asserted. */
    void awaitSweep(String what, java.util.function.BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("the offline sweep never made " + what);
            pce.server.vens().heartbeats().offline().sweep();
            Thread.sleep(20);
        }
    }

    List<JsonNode> events(String type, String workload) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : api.get("/orgs/1/events?event_type=" + type + "&max_results=1000").body()) {
            if (workload.equals(e.path("info").path("workload").asText())) out.add(e);
        }
        return out;
    }

    /** Provisions a rule: the never-timer label's workloads (the database) serve 5432/tcp to {@code consumerLabel}'s. */
    void provisionDatabaseAllowed(String consumerLabel, String name) {
        Resp rs = api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", unique(name),
                "scopes", List.of(List.of()),
                "rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", never))),
                        "consumers", List.of(Map.of("label", Map.of("href", consumerLabel))),
                        "ingress_services", List.of(Map.of("proto", 6, "port", 5432)),
                        "unscoped_consumers", true))));
        assertThat(rs.status()).as(rs.toString()).isEqualTo(201);
        assertThat(api.post("/orgs/1/sec_policy", Map.of("update_description", name + " test")).status()).isEqualTo(201);
    }

    boolean allowed(String srcIp, String dstWorkload) {
        Resp r = api.get("/orgs/1/sec_policy/active/policy_check?src_external_ip=" + srcIp + "&dst_workload="
                + dstWorkload + "&port=5432&protocol=6");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.body().get("decision").get("allowed").asBoolean();
    }

    @Test
    void aSilentVenTakesItsWorkloadOutOfPeersPolicyUntilItsNextHeartbeat() throws Exception {
        // the client carries the fast timer, the database the never timer
        Resp client = activate(fast, "10.31.0.1");
        Resp db = activate(never, "10.31.0.2");
        String clientWl = client.body().get("workload").get("href").asText();
        String dbWl = db.body().get("workload").get("href").asText();
        provisionDatabaseAllowed(fast, "offline");
        Api clientVen = agent(client);
        Api dbVen = agent(db);
        heartbeat(clientVen);
        heartbeat(dbVen);
        Resp dbPolicy = dbVen.get("/ven/policy");
        assertThat(dbPolicy.raw().body()).contains("10.31.0.1");
        assertThat(allowed("10.31.0.1", dbWl)).isTrue();
        assertThat(online(clientWl)).isTrue();

        // the database's VEN waits with its current policy: going offline must wake it at once, not after 20 s
        String known = dbPolicy.body().get("hash").asText();
        CompletableFuture<Resp> parked = CompletableFuture.supplyAsync(() ->
                dbVen.get("/ven/policy?known_hash=" + known + "&wait_seconds=20"));
        Thread.sleep(200); // let the poll park (if it has not, it is answered at once all the same)

        pce.clock.advance(Duration.ofSeconds(FAST_SECONDS + 2));
        heartbeat(dbVen); // the never-timer VEN beats on; the client's VEN stays silent
        awaitSweep("the client offline", () -> !online(clientWl));
        Resp woken = parked.get(30, TimeUnit.SECONDS);
        assertThat(woken.status()).as("the parked poll is answered with the new policy, not 304 after its wait")
                .isEqualTo(200);
        assertThat(woken.raw().body()).doesNotContain("10.31.0.1");
        assertThat(dbVen.get("/ven/policy").raw().body()).doesNotContain("10.31.0.1");
        assertThat(allowed("10.31.0.1", dbWl)).as("policy_check follows the isolation").isFalse();
        assertThat(online(dbWl)).isTrue();
        List<JsonNode> off = events("workload.offline", clientWl);
        assertThat(off).hasSize(1);
        assertThat(off.get(0).get("severity").asText()).isEqualTo("warning");
        assertThat(off.get(0).get("info").get("timeout_seconds").asLong()).isEqualTo(FAST_SECONDS);
        assertThat(off.get(0).get("created_by").has("system")).isTrue();
        // the workload's own VEN is not cut off: it still gets a policy (its peers' addresses included)
        Resp own = clientVen.get("/ven/policy");
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.raw().body()).contains("10.31.0.2");
        // the export keeps the offline workload whole (interfaces and online), so it imports back unchanged
        Resp export = api.get("/orgs/1/sec_policy/active/export");
        assertThat(export.status()).isEqualTo(200);
        JsonNode exported = null;
        for (JsonNode w : export.body().get("workloads")) if (clientWl.equals(w.path("href").asText())) exported = w;
        assertThat(exported).isNotNull();
        assertThat(exported.get("online").asBoolean(true)).isFalse();
        assertThat(exported.get("interfaces").get(0).get("address").asText()).isEqualTo("10.31.0.1");
        // a PUT does not bring it back (online is the PCE's): only a heartbeat does
        Resp put = api.put(clientWl, Map.of("description", "still away", "online", true));
        assertThat(put.status()).as(put.toString()).isEqualTo(204);
        assertThat(online(clientWl)).isFalse();
        pce.server.vens().heartbeats().offline().sweep();
        assertThat(events("workload.offline", clientWl)).as("one event per episode").hasSize(1);

        heartbeat(clientVen);
        assertThat(online(clientWl)).isTrue();
        assertThat(dbVen.get("/ven/policy").raw().body()).contains("10.31.0.1");
        assertThat(allowed("10.31.0.1", dbWl)).isTrue();
        List<JsonNode> on = events("workload.online", clientWl);
        assertThat(on).hasSize(1);
        assertThat(on.get(0).get("severity").asText()).isEqualTo("info");
        assertThat(api.get(clientWl).body().get("interfaces").get(0).get("address").asText())
                .as("the stored addresses were never touched").isEqualTo("10.31.0.1");
    }

    @Test
    void aWorkloadWhoseTimerIsNeverStaysOnlineHoweverLongItsVenIsSilent() throws Exception {
        Resp quiet = activate(never, "10.31.1.1");
        Resp probe = activate(fast, "10.31.1.2");
        String quietWl = quiet.body().get("workload").get("href").asText();
        String probeWl = probe.body().get("workload").get("href").asText();
        pce.clock.advance(Duration.ofDays(30));
        // the fast workload going offline shows a sweep ran after the move
        awaitSweep("the fast-timer workload offline", () -> !online(probeWl));
        assertThat(online(quietWl)).isTrue();
        assertThat(events("workload.offline", quietWl)).isEmpty();
        heartbeat(agent(probe));
        assertThat(online(probeWl)).isTrue();
    }

    @Test
    void aVenThatSaidGoodbyeIsJudgedByItsGoodbyeTimerFromTheGoodbyeOn() throws Exception {
        Resp client = activate(bye, "10.31.3.1");
        Resp db = activate(never, "10.31.3.2");
        String clientWl = client.body().get("workload").get("href").asText();
        String venHref = client.body().get("ven").get("href").asText();
        String dbWl = db.body().get("workload").get("href").asText();
        provisionDatabaseAllowed(bye, "goodbye");
        Api clientVen = agent(client);
        Api dbVen = agent(db);
        heartbeat(clientVen);
        heartbeat(dbVen);
        assertThat(api.get(venHref).body().get("last_goodbye_at").isNull()).as("no goodbye yet, shown as null").isTrue();
        assertThat(allowed("10.31.3.1", dbWl)).isTrue();

        pce.clock.advance(Duration.ofMillis(1));
        goodbye(clientVen, "h-client");
        JsonNode ven = api.get(venHref).body();
        assertThat(java.time.Instant.parse(ven.get("last_goodbye_at").asText()))
                .isEqualTo(pce.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(ven.has("cordon_goodbye_pending")).as("the PCE's own flag is not shown").isFalse();
        List<JsonNode> said = new ArrayList<>();
        for (JsonNode e : api.get("/orgs/1/events?event_type=agent.goodbye&max_results=1000").body()) {
            if (venHref.equals(e.path("created_by").path("agent").path("href").asText())) said.add(e);
        }
        assertThat(said).hasSize(1);
        assertThat(said.get(0).get("info").get("reason").asText()).isEqualTo("shutdown");
        assertThat(said.get(0).get("info").get("applied_hash").asText()).isEqualTo("h-client");
        assertThat(said.get(0).get("info").get("goodbye_timeout_seconds").asLong()).isEqualTo(GOODBYE_SECONDS);
        // before the goodbye timer has passed the workload stays in policy (Illumio: "not yet removed from policy")
        pce.server.vens().heartbeats().offline().sweep();
        assertThat(online(clientWl)).isTrue();
        assertThat(allowed("10.31.3.1", dbWl)).isTrue();

        // past the goodbye timer, far short of the disconnected timer (an hour): offline, isolated, as a silence
        pce.clock.advance(Duration.ofSeconds(GOODBYE_SECONDS + 1));
        heartbeat(dbVen);
        awaitSweep("the goodbye-timer workload offline", () -> !online(clientWl));
        assertThat(allowed("10.31.3.1", dbWl)).as("policy_check follows the isolation").isFalse();
        assertThat(dbVen.get("/ven/policy").raw().body()).doesNotContain("10.31.3.1");
        List<JsonNode> off = events("workload.offline", clientWl);
        assertThat(off).hasSize(1);
        assertThat(off.get(0).get("info").get("cause").asText()).isEqualTo("goodbye");
        assertThat(off.get(0).get("info").get("timeout_seconds").asLong()).isEqualTo(GOODBYE_SECONDS);
        assertThat(off.get(0).get("info").get("last_goodbye_at").asText()).isEqualTo(ven.get("last_goodbye_at").asText());
        // a VEN that stopped on purpose is not missing heartbeats
        pce.clock.advance(Duration.ofMinutes(10));
        heartbeat(dbVen);
        pce.server.vens().heartbeats().check();
        assertThat(api.get(venHref).body().get("conditions")).as("no missed-heartbeats condition").isEmpty();

        // the next heartbeat (the VEN started again) ends the goodbye and brings the workload back
        heartbeat(clientVen);
        assertThat(online(clientWl)).isTrue();
        assertThat(allowed("10.31.3.1", dbWl)).isTrue();
        assertThat(events("workload.online", clientWl)).hasSize(1);
        assertThat(api.get(venHref).body().get("last_goodbye_at").asText()).as("kept: when it last said goodbye")
                .isEqualTo(ven.get("last_goodbye_at").asText());
        // and from now on its silence is judged by the disconnected timer again (an hour): 5 s is nothing
        pce.clock.advance(Duration.ofSeconds(5));
        pce.server.vens().heartbeats().offline().sweep();
        assertThat(online(clientWl)).isTrue();
    }

    @Test
    void aGoodbyeTimerOfNeverKeepsTheWorkloadOnlineThoughItsDisconnectedTimerPassed() throws Exception {
        Resp away = activate(byeNever, "10.31.4.1");
        Resp probe = activate(fast, "10.31.4.2");
        String awayWl = away.body().get("workload").get("href").asText();
        String probeWl = probe.body().get("workload").get("href").asText();
        heartbeat(agent(away));
        pce.clock.advance(Duration.ofMillis(1));
        goodbye(agent(away), null);
        pce.clock.advance(Duration.ofSeconds(FAST_SECONDS * 10));
        // the fast workload going offline shows a sweep ran after the move
        awaitSweep("the fast-timer workload offline", () -> !online(probeWl));
        assertThat(online(awayWl)).as("its goodbye timer is never: the disconnected timer no longer applies").isTrue();
        assertThat(events("workload.offline", awayWl)).isEmpty();
        heartbeat(agent(probe));
    }

    @Test
    void aGoodbyeIsCheckedLikeEveryVenRequest() {
        Resp a = activate(bye, "10.31.5.1");
        Api ven = agent(a);
        Resp unknown = ven.post("/ven/goodbye", Map.of("reason", "shutdown", "when", "now"));
        assertThat(unknown.status()).isEqualTo(406);
        assertThat(unknown.token()).isEqualTo("unknown_field");
        Resp reason = ven.post("/ven/goodbye", Map.of("reason", "bored"));
        assertThat(reason.status()).isEqualTo(406);
        assertThat(reason.token()).isEqualTo("invalid_goodbye_reason");
        assertThat(reason.body().get(0).get("message").asText()).contains("shutdown");
        Resp typed = ven.post("/ven/goodbye", Map.of("reason", "shutdown", "applied_hash", 7));
        assertThat(typed.status()).isEqualTo(406);
        assertThat(typed.token()).isEqualTo("invalid_field_type");
        assertThat(ven.post("/ven/goodbye", List.of()).token()).isEqualTo("invalid_body");
        assertThat(pce.anonymous.post("/ven/goodbye", Map.of("reason", "shutdown")).status()).as("no token").isEqualTo(401);
        assertThat(pce.anonymous.withAuthorization("Bearer nope.nope").post("/ven/goodbye", Map.of()).status())
                .isEqualTo(401);
        assertThat(api.get(a.body().get("ven").get("href").asText()).body().get("last_goodbye_at").isNull())
                .as("nothing refused was recorded").isTrue();
        // the reason may be left out (shutdown)
        Resp plain = ven.post("/ven/goodbye", Map.of());
        assertThat(plain.status()).as(plain.toString()).isEqualTo(204);
    }

    @Test
    void unmanagedWorkloadsAreAlwaysOnline() {
        Resp w = api.post("/orgs/1/workloads", Map.of("name", unique("um"), "online", false,
                "interfaces", List.of(Map.of("name", "eth0", "address", "10.31.2.1"))));
        assertThat(w.status()).as(w.toString()).isEqualTo(201);
        assertThat(w.body().get("online").asBoolean()).as("online in a body is the PCE's: accepted, ignored").isTrue();
        assertThat(online(w.body().get("href").asText())).isTrue();
    }

    @Test
    void fixedAndPerOrgTimers() {
        assertThat(OfflineTimers.fixed(Duration.ofMinutes(5)).forOrg(1).disconnectedSeconds(Set.of(), "server"))
                .isEqualTo(300);
        assertThat(OfflineTimers.fixed(null).forOrg(1).disconnectedSeconds(Set.of(), "server"))
                .isEqualTo(OfflineTimers.NEVER);
        record Settings(long d, long g) {
            long disconnected(Set<String> l, String t) {
                return t.equals("endpoint") ? OfflineTimers.NEVER : d;
            }

            long goodbye(Set<String> l, String t) {
                return g;
            }
        }
        OfflineTimers t = OfflineTimers.perOrg(org -> new Settings(org * 10L, 7), Settings::disconnected, Settings::goodbye);
        assertThat(t.forOrg(2).disconnectedSeconds(Set.of(), "server")).isEqualTo(20);
        assertThat(t.forOrg(2).disconnectedSeconds(Set.of(), "endpoint")).isEqualTo(OfflineTimers.NEVER);
        assertThat(t.forOrg(3).goodbyeSeconds(Set.of(), "server")).isEqualTo(7);
    }
}
