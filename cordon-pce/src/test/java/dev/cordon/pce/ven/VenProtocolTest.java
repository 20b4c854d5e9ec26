package dev.cordon.pce.ven;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.Api.Resp;
import dev.cordon.pce.harness.PceHarness;
import dev.cordon.policy.compile.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The VEN protocol of API.md: activation with pairing keys, agent tokens, the policy long poll, heartbeats, events. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VenProtocolTest {
    PceHarness pce;
    Api api;

    @BeforeAll
    void start() {
        pce = PceHarness.h2();
        api = pce.owner;
    }

    @AfterAll
    void stop() {
        pce.close();
    }

    static String unique(String s) {
        return s + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    String label(String key, String value) {
        return api.post("/orgs/1/labels", Map.of("key", key, "value", value)).body().get("href").asText();
    }

    String profile(Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", unique("servers"), "enforcement_mode", "full"));
        body.putAll(extra);
        Resp r = api.post("/orgs/1/pairing_profiles", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.body().get("href").asText();
    }

    String code(String profile) {
        Resp r = api.post(profile + "/pairing_key", Map.of());
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.body().get("activation_code").asText();
    }

    Resp activate(String code, String hostname, String address) {
        return pce.anonymous.post("/ven/activate", Map.of("activation_code", code, "hostname", hostname,
                "interfaces", List.of(Map.of("name", "eth0", "address", address)), "os_type", "linux",
                "ven_type", "server", "version", "0.1.0"));
    }

    Api agent(Resp activation) {
        return pce.anonymous.withAuthorization("Bearer " + activation.body().get("agent_token").asText());
    }

    @Test
    void activationCreatesAManagedWorkloadWithTheProfilesLabelsAndMode() {
        String role = label("role", unique("web"));
        String p = profile(Map.of("labels", List.of(Map.of("href", role))));
        Resp a = activate(code(p), unique("web1"), "10.20.0.1");
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        assertThat(a.body().get("agent_token").asText()).isNotBlank();
        JsonNode w = api.get(a.body().get("workload").get("href").asText()).body();
        assertThat(w.get("managed").asBoolean()).isTrue();
        assertThat(w.get("enforcement_mode").asText()).isEqualTo("full");
        assertThat(w.get("labels").get(0).get("href").asText()).isEqualTo(role);
        assertThat(w.get("ven").get("href").asText()).isEqualTo(a.body().get("ven").get("href").asText());
        assertThat(w.get("agent").get("status").get("security_policy_sync_state").asText()).isEqualTo("syncing");
        assertThat(api.get("/orgs/1/events?event_type=agent.activate").body().size()).isGreaterThanOrEqualTo(1);
        assertThat(api.get("/orgs/1/events?event_type=pairing_profile.create_pairing_key").body().size()).isGreaterThanOrEqualTo(1);
    }

    /** "applied" means the policy the PCE last served: while a VEN holds a newer one unapplied it is "syncing". */
    @Test
    void aServedButUnappliedPolicyShowsAsSyncing() {
        Resp a = activate(code(profile(Map.of())), unique("sy"), "10.20.7.1");
        Api ven = agent(a);
        String workload = a.body().get("workload").get("href").asText();
        String h1 = ven.get("/ven/policy").body().get("hash").asText();
        ven.post("/ven/heartbeat", Map.of("applied_hash", h1, "sync_state", "applied"));
        assertThat(syncState(workload)).isEqualTo("applied");

        assertThat(api.put(workload, Map.of("enforcement_mode", "selective")).status()).isEqualTo(204);
        Resp next = ven.get("/ven/policy?known_hash=" + h1 + "&wait_seconds=5");
        assertThat(next.status()).isEqualTo(200);
        String h2 = next.body().get("hash").asText();
        assertThat(h2).isNotEqualTo(h1);
        assertThat(syncState(workload)).as("served %s, the VEN still reports %s", h2, h1).isEqualTo("syncing");
        ven.post("/ven/heartbeat", Map.of("applied_hash", h2, "sync_state", "applied"));
        assertThat(syncState(workload)).isEqualTo("applied");
    }

    String syncState(String workload) {
        return api.get(workload).body().path("agent").path("status").path("security_policy_sync_state").asText();
    }

    @Test
    void vensCarryTheFourStamps() {
        Resp a = activate(code(profile(Map.of())), unique("st"), "10.20.6.1");
        JsonNode ven = api.get(a.body().get("ven").get("href").asText()).body();
        for (String f : List.of("created_at", "updated_at", "created_by", "updated_by")) {
            assertThat(ven.hasNonNull(f)).as(f + " in " + ven).isTrue();
        }
    }

    @Test
    void usedUpOrExpiredPairingKeysAre401() {
        String once = code(profile(Map.of("allowed_uses_per_key", 1)));
        assertThat(activate(once, unique("h"), "10.20.1.1").status()).isEqualTo(201);
        assertThat(activate(once, unique("h"), "10.20.1.2").status()).isEqualTo(401);
        String shortLived = code(profile(Map.of("key_lifespan", 60)));
        pce.clock.advance(Duration.ofMinutes(2));
        assertThat(activate(shortLived, unique("h"), "10.20.1.3").status()).isEqualTo(401);
        assertThat(activate("not-a-code", unique("h"), "10.20.1.4").status()).isEqualTo(401);
        assertThat(api.post("/orgs/1/pairing_profiles", Map.of("name", unique("p"), "key_lifespan", -5)).token())
                .isEqualTo("invalid_key_lifespan");
    }

    /**
     * Activations at once share transactions (GroupWrites); one spending a used-up key must fail alone, and every
     * other one must get its own VEN, workload and working token, with the key spent exactly as often as it allows.
     */
    @Test
    void concurrentActivationsSpendAKeyExactlyAsOftenAsItAllowsAndEachGetsItsOwnToken() throws Exception {
        String p = profile(Map.of("allowed_uses_per_key", 5));
        String code = code(p);
        String host = unique("burst");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(12);
        try {
            List<CompletableFuture<Resp>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                calls.add(CompletableFuture.supplyAsync(() -> activate(code, host + "-" + n, "10.20.4." + (n + 1)), pool));
            }
            List<Resp> answers = calls.stream().map(CompletableFuture::join).toList();
            List<Resp> ok = answers.stream().filter(r -> r.status() == 201).toList();
            assertThat(ok).as(answers.toString()).hasSize(5);
            assertThat(answers.stream().filter(r -> r.status() == 401)).as(answers.toString()).hasSize(7);
            assertThat(ok.stream().map(r -> r.body().get("agent_token").asText()).distinct()).hasSize(5);
            assertThat(ok.stream().map(r -> r.body().get("workload").get("href").asText()).distinct()).hasSize(5);
            for (Resp a : ok) {
                assertThat(agent(a).post("/ven/heartbeat", Map.of("applied_hash", "abc", "sync_state", "applied")).status())
                        .isEqualTo(204);
            }
            assertThat(api.get("/orgs/1/workloads?hostname=" + host).body()).hasSize(5);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void policyIsServedWithTheControlPlaneAndLongPollsAnswerSoonAfterAProvision() throws Exception {
        String role = label("role", unique("db"));
        Resp a = activate(code(profile(Map.of("labels", List.of(Map.of("href", role))))), unique("db1"), "10.20.2.1");
        Api ven = agent(a);
        Resp first = ven.get("/ven/policy");
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        JsonNode policy = first.body();
        assertThat(policy.get("workload").get("href").asText()).isEqualTo(a.body().get("workload").get("href").asText());
        assertThat(policy.get("control_plane").toString()).contains("\"port\":" + pce.server.port());
        String hash = policy.get("hash").asText();

        Resp unchanged = ven.get("/ven/policy?known_hash=" + hash + "&wait_seconds=1");
        assertThat(unchanged.status()).isEqualTo(304);

        CompletableFuture<Resp> poll = CompletableFuture.supplyAsync(() -> ven.get("/ven/policy?known_hash=" + hash + "&wait_seconds=30"));
        Thread.sleep(300); // let the poll park on the server
        assertThat(poll).isNotDone();
        String any = api.get("/orgs/1/sec_policy/draft/ip_lists?name=Any").body().get(0).get("href").asText();
        Resp rs = api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", unique("db"),
                "scopes", List.of(List.of()),
                "rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", role))),
                        "consumers", List.of(Map.of("ip_list", Map.of("href", any))),
                        "ingress_services", List.of(Map.of("proto", 6, "port", 5432))))));
        assertThat(rs.status()).as(rs.toString()).isEqualTo(201);
        assertThat(api.post("/orgs/1/sec_policy", Map.of("update_description", "db access")).status()).isEqualTo(201);
        // the poll asked to wait 30 s: a 200 now (not a 304 at the end of the wait) is the provision waking it;
        // how soon is measured by `cordon bench pce`, not asserted here
        Resp changed = poll.get(25, TimeUnit.SECONDS);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.body().get("hash").asText()).isNotEqualTo(hash);
    }

    @Test
    void parkedPollsOfOneClassGetTheirOwnPolicyBytesAndARelabelReanswersOnlyTheRelabelledVen() throws Exception {
        String role = label("role", unique("cache"));
        String elsewhere = label("role", unique("cache-other"));
        String clients = label("role", unique("cache-clients")); // no VEN has it: A's policy does not depend on B's
        String code = code(profile(Map.of("labels", List.of(Map.of("href", role)))));
        Resp a = activate(code, unique("c1"), "10.20.6.1");
        Resp b = activate(code, unique("c2"), "10.20.6.2");
        Api venA = agent(a);
        Api venB = agent(b);
        String hashA = venA.get("/ven/policy").body().get("hash").asText();
        String hashB = venB.get("/ven/policy").body().get("hash").asText();
        CompletableFuture<Resp> pollA = longPoll(venA, hashA, 30);
        CompletableFuture<Resp> pollB = longPoll(venB, hashB, 30);
        awaitParked(2);
        assertThat(api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", unique("cache"), "scopes", List.of(List.of()),
                "rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", role))),
                        "consumers", List.of(Map.of("label", Map.of("href", clients))),
                        "ingress_services", List.of(Map.of("proto", 6, "port", 8443)))))).status()).isEqualTo(201);
        assertThat(api.post("/orgs/1/sec_policy", Map.of("update_description", "cache")).status()).isEqualTo(201);
        Resp changedA = pollA.get(10, TimeUnit.SECONDS);
        Resp changedB = pollB.get(10, TimeUnit.SECONDS);
        assertThat(changedA.status()).isEqualTo(200);
        assertThat(changedB.status()).isEqualTo(200);
        // each body is exactly its own policy's JSON, though both were built from one serialisation of the class
        assertThat(changedA.raw().body()).isEqualTo(policyJson(a));
        assertThat(changedB.raw().body()).isEqualTo(policyJson(b));
        assertThat(changedA.header("Content-Type")).isEqualTo("application/json");
        assertThat(changedA.header("Content-Length")).isEqualTo(String.valueOf(policyJson(a).getBytes(StandardCharsets.UTF_8).length));
        assertThat(changedA.body().get("workload").get("href").asText()).isEqualTo(a.body().get("workload").get("href").asText());
        assertThat(afterHash(changedA)).isEqualTo(afterHash(changedB)).contains("8443");

        CompletableFuture<Resp> unchangedA = longPoll(venA, changedA.body().get("hash").asText(), 2);
        CompletableFuture<Resp> relabelledB = longPoll(venB, changedB.body().get("hash").asText(), 30);
        awaitParked(2);
        String workloadB = b.body().get("workload").get("href").asText();
        assertThat(api.put(workloadB, Map.of("labels", List.of(Map.of("href", elsewhere)))).status()).isEqualTo(204);
        Resp afterRelabel = relabelledB.get(10, TimeUnit.SECONDS);
        assertThat(afterRelabel.status()).isEqualTo(200);
        assertThat(afterRelabel.raw().body()).isEqualTo(policyJson(b));
        assertThat(afterRelabel.body().get("inbound")).isEmpty();
        assertThat(unchangedA.get(10, TimeUnit.SECONDS).status()).isEqualTo(304);
    }

    CompletableFuture<Resp> longPoll(Api ven, String knownHash, int waitSeconds) {
        return CompletableFuture.supplyAsync(() -> ven.get("/ven/policy?known_hash=" + knownHash + "&wait_seconds=" + waitSeconds));
    }

    /** Waits (at most 10 s) until {@code n} long polls are parked on the PCE. */
    void awaitParked(int n) throws InterruptedException {
        for (int i = 0; i < 1000 && pce.server.vens().polls().waitingCount() < n; i++) Thread.sleep(10);
        assertThat(pce.server.vens().polls().waitingCount()).isGreaterThanOrEqualTo(n);
    }

    /** What the PCE holds as this VEN's policy, serialised the plain way. */
    String policyJson(Resp activation) {
        Vens vens = pce.server.vens();
        Agent agent = vens.tokens().authenticate("Bearer " + activation.body().get("agent_token").asText());
        return dev.cordon.pce.core.Json.write(vens.polls().policyFor(agent, new Endpoint("127.0.0.1", pce.server.port())));
    }

    static String afterHash(Resp r) {
        String body = r.raw().body();
        return body.substring(body.indexOf(",\"enforcement_mode\""));
    }

    @Test
    void heartbeatsSetTheSyncStateAndAgentEventsReachTheOrgEvents() {
        Resp a = activate(code(profile(Map.of())), unique("app1"), "10.20.3.1");
        Api ven = agent(a);
        Resp hb = ven.post("/ven/heartbeat", Map.of("applied_hash", "abc", "sync_state", "applied",
                "health", List.of(Map.of("type", "iptables", "severity", "info", "message", "ok"))));
        assertThat(hb.status()).isEqualTo(204);
        JsonNode status = api.get(a.body().get("workload").get("href").asText()).body().get("agent").get("status");
        assertThat(status.get("security_policy_sync_state").asText()).isEqualTo("applied");
        assertThat(status.get("last_heartbeat_on").asText()).isNotBlank();
        assertThat(status.get("agent_health").get(0).get("type").asText()).as("the PCE shows the VEN's health").isEqualTo("iptables");
        // what a foreign firewall makes impossible (SPEC §6) is health like any other, shown as sent
        ven.post("/ven/heartbeat", Map.of("applied_hash", "abc", "sync_state", "applied", "health", List.of(Map.of(
                "type", "coexistence_exclusive_impossible", "severity", "error", "message", "table inet owned stays"))));
        JsonNode shown = api.get(a.body().get("workload").get("href").asText()).body().get("agent").get("status").get("agent_health");
        assertThat(shown.get(0).get("type").asText()).isEqualTo("coexistence_exclusive_impossible");
        assertThat(shown.get(0).get("severity").asText()).isEqualTo("error");
        assertThat(ven.post("/ven/heartbeat", Map.of("sync_state", "dancing")).token()).isEqualTo("invalid_sync_state");
        assertThat(ven.post("/ven/heartbeat", Map.of("sync_state", "applied", "health", "x")).token()).isEqualTo("invalid_health");
        assertThat(ven.post("/ven/events", List.of(Map.of("event_type", "agent.tampering", "info", "x"))).token())
                .isEqualTo("invalid_event_info");

        Resp ev = ven.post("/ven/events", List.of(Map.of("event_type", "agent.tampering", "status", "success",
                "info", Map.of("table", "filter", "change", "foreign rule in INPUT"))));
        assertThat(ev.status()).isEqualTo(204);
        JsonNode e = api.get("/orgs/1/events?event_type=agent.tampering").body().get(0);
        assertThat(e.get("created_by").get("agent").get("href").asText()).isEqualTo(a.body().get("ven").get("href").asText());
        assertThat(e.get("info").get("table").asText()).isEqualTo("filter");
        assertThat(ven.post("/ven/events", List.of(Map.of("event_type", "user.login"))).status()).isEqualTo(406);
    }

    @Test
    void suspendedOrUnpairedVensAndBadTokensAre401() {
        Resp a = activate(code(profile(Map.of())), unique("s1"), "10.20.4.1");
        Api ven = agent(a);
        String venHref = a.body().get("ven").get("href").asText();
        assertThat(ven.get("/ven/policy").status()).isEqualTo(200);
        assertThat(api.put(venHref, Map.of("status", "suspended")).status()).isEqualTo(204);
        assertThat(ven.get("/ven/policy").status()).isEqualTo(401);
        assertThat(api.put(venHref, Map.of("status", "active")).status()).isEqualTo(204);
        assertThat(ven.get("/ven/policy").status()).isEqualTo(200);
        assertThat(api.put(venHref, Map.of("status", "gone")).token()).isEqualTo("invalid_ven_status");
        assertThat(api.delete(venHref).status()).isEqualTo(204);
        assertThat(ven.get("/ven/policy").status()).isEqualTo(401);
        assertThat(api.get(a.body().get("workload").get("href").asText()).status()).isEqualTo(404);
        assertThat(pce.anonymous.withAuthorization("Bearer nope.nope").get("/ven/policy").status()).isEqualTo(401);
        assertThat(pce.anonymous.get("/ven/policy").status()).isEqualTo(401);
    }

    @Test
    void unpairTellsTheVenHowToRestoreItsFirewallAndAnswersItsParkedPollAtOnce() throws Exception {
        Resp a = activate(code(profile(Map.of())), unique("u1"), "10.20.5.1");
        Resp b = activate(code(profile(Map.of())), unique("u2"), "10.20.5.2");
        Api venA = agent(a);
        String hrefA = a.body().get("ven").get("href").asText();
        String hrefB = b.body().get("ven").get("href").asText();
        String hash = venA.get("/ven/policy").body().get("hash").asText();

        // bad requests change nothing
        assertThat(api.put("/orgs/1/vens/unpair", Map.of("vens", List.of(Map.of("href", hrefA)), "firewall_restore", "disable"))
                .token()).isEqualTo("invalid_firewall_restore");
        assertThat(api.put("/orgs/1/vens/unpair", Map.of("vens", List.of())).token()).isEqualTo("vens_required");
        assertThat(api.put("/orgs/1/vens/unpair", Map.of("vens", List.of("x"))).token()).isEqualTo("invalid_ven_reference");
        assertThat(api.put("/orgs/1/vens/unpair", Map.of("vens", List.of(Map.of("href", hrefA)), "color", "red")).status())
                .isEqualTo(406);
        Resp missing = api.put("/orgs/1/vens/unpair", Map.of("vens", List.of(Map.of("href", hrefA),
                Map.of("href", "/orgs/1/vens/no-such-ven"))));
        assertThat(missing.token()).isEqualTo("ven_not_found");
        assertThat(api.get(hrefA).status()).as("all or nothing: A is still paired").isEqualTo(200);

        // a parked long poll is answered as soon as its VEN is unpaired; the next request learns how to restore
        CompletableFuture<Resp> parked = CompletableFuture.supplyAsync(
                () -> venA.get("/ven/policy?known_hash=" + hash + "&wait_seconds=60"));
        awaitParked(1);
        long t0 = System.nanoTime();
        assertThat(api.put("/orgs/1/vens/unpair", Map.of("vens", List.of(Map.of("href", hrefA), Map.of("href", hrefB)),
                "firewall_restore", "saved")).status()).isEqualTo(204);
        Resp answered = parked.get(30, TimeUnit.SECONDS);
        System.out.printf("parked poll answered %d ms after the unpair%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(answered.status()).as("answered before its 60 s wait, not by the wait ending").isIn(304, 401);
        Resp told = venA.get("/ven/policy");
        assertThat(told.status()).isEqualTo(401);
        assertThat(told.token()).isEqualTo("ven_unpaired_saved");
        assertThat(told.body().get(0).get("message").asText()).contains("firewall_restore saved").contains("activate");
        assertThat(agent(b).post("/ven/heartbeat", Map.of("sync_state", "applied")).token()).isEqualTo("ven_unpaired_saved");
        assertThat(api.get(hrefA).status()).isEqualTo(404);
        assertThat(api.get(a.body().get("workload").get("href").asText()).status()).isEqualTo(404);
        JsonNode ev = api.get("/orgs/1/events?event_type=ven.unpair").body();
        assertThat(ev.findValues("firewall_restore").stream().map(JsonNode::asText)).contains("saved");

        // DELETE unpairs with firewall_restore default
        Resp c = activate(code(profile(Map.of())), unique("u3"), "10.20.5.3");
        assertThat(api.delete(c.body().get("ven").get("href").asText()).status()).isEqualTo(204);
        assertThat(agent(c).get("/ven/policy").token()).isEqualTo("ven_unpaired_default");
    }

    @Test
    void silentVensGetAMissedHeartbeatConditionAndEvent() {
        Resp a = activate(code(profile(Map.of())), unique("quiet"), "10.20.5.1");
        String venHref = a.body().get("ven").get("href").asText();
        agent(a).post("/ven/heartbeat", Map.of("sync_state", "applied"));
        pce.clock.advance(Duration.ofMinutes(6));
        assertThat(pce.server.vens().heartbeats().check()).isGreaterThanOrEqualTo(1);
        JsonNode ven = api.get(venHref).body();
        assertThat(ven.get("conditions").get(0).get("type").asText()).isEqualTo("agent.missed_heartbeats");
        assertThat(api.get("/orgs/1/events?event_type=agent.missed_heartbeats").body().toString()).contains(venHref);
        agent(a).post("/ven/heartbeat", Map.of("sync_state", "applied"));
        assertThat(api.get(venHref).body().get("conditions")).isEmpty();
        assertThat(api.get("/orgs/1/vens").header("X-Total-Count")).isNotNull();
    }
}
