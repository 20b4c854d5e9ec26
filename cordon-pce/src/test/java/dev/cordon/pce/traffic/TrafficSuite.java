package dev.cordon.pce.traffic;

import dev.cordon.pce.traffic.store.TrafficTable;
import dev.cordon.pce.traffic.store.TrafficRetention;

import static dev.cordon.pce.traffic.TrafficClient.batch;
import static dev.cordon.pce.traffic.TrafficClient.flow;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.PceHarness;
import dev.cordon.pce.traffic.TrafficClient.Reply;
import dev.cordon.pce.traffic.TrafficClient.Ven;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Traffic visibility through the real PCE and its database: VENs (real agent tokens) upload flow batches on
 * {@code POST /api/v2/ven/traffic}; Explorer's async queries return them in Illumio's shapes. Each test uses its own
 * hour of 2026-01-01 (start_date/end_date), so the tests share one PCE without seeing each other's flows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TrafficSuite {
    static final String WEB = "/orgs/1/labels/1001";
    static final String DB = "/orgs/1/labels/1002";
    static final String SHOP = "/orgs/1/labels/1003";
    static final String INTERNET = "/orgs/1/sec_policy/draft/ip_lists/901";
    static final String RULE = "/orgs/1/sec_policy/draft/rule_sets/500/sec_rules/1";
    static final String DOC = """
            {"labels": [
               {"href": "/orgs/1/labels/1001", "key": "role", "value": "web"},
               {"href": "/orgs/1/labels/1002", "key": "role", "value": "db"},
               {"href": "/orgs/1/labels/1003", "key": "app", "value": "shop"}],
             "label_groups": [{"href": "/orgs/1/sec_policy/draft/label_groups/700", "name": "tiers", "key": "role",
                "labels": [{"href": "/orgs/1/labels/1002"}]}],
             "ip_lists": [{"href": "/orgs/1/sec_policy/draft/ip_lists/900", "name": "Any (0.0.0.0/0 and ::/0)",
                "ip_ranges": [{"from_ip": "0.0.0.0/0"}, {"from_ip": "::/0"}]},
                {"href": "/orgs/1/sec_policy/draft/ip_lists/901", "name": "internet-test",
                "ip_ranges": [{"from_ip": "203.0.113.0/24"}, {"from_ip": "2001:db8::/32"}]}],
             "rule_sets": [{"href": "/orgs/1/sec_policy/draft/rule_sets/500", "name": "shop", "enabled": true,
                "scopes": [[{"label": {"href": "/orgs/1/labels/1003"}}]],
                "rules": [{"href": "/orgs/1/sec_policy/draft/rule_sets/500/sec_rules/1", "enabled": true,
                   "providers": [{"label": {"href": "/orgs/1/labels/1002"}}],
                   "consumers": [{"label": {"href": "/orgs/1/labels/1001"}}],
                   "ingress_services": [{"proto": 6, "port": 5432}]}]}]}
            """;

    PceHarness pce;
    TrafficClient c;
    Ven web;
    Ven db;
    String owner;

    protected abstract PceHarness start();

    protected abstract PceHarness start(dev.cordon.pce.Limits limits);

    @BeforeAll
    void up() {
        pce = start();
        c = new TrafficClient(pce);
        owner = c.ownerAuth();
        Api.Resp imported = pce.owner.post("/orgs/1/sec_policy/draft/import", DOC);
        assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
        Api.Resp prov = pce.owner.post("/orgs/1/sec_policy", Map.of("update_description", "shop"));
        assertThat(prov.status()).as(prov.toString()).isEqualTo(201);
        web = c.activate(List.of(WEB, SHOP), "full", "10.77.0.1");
        db = c.activate(List.of(DB, SHOP), "visibility_only", "10.77.0.2");
    }

    @AfterAll
    void down() {
        if (pce != null) pce.close();
    }

    static String at(int hour, int minute) {
        return String.format("2026-01-01T%02d:%02d:00Z", hour, minute);
    }

    static Map<String, Object> window(int hour) {
        Map<String, Object> q = new HashMap<>();
        q.put("query_name", "q-" + UUID.randomUUID());
        q.put("start_date", at(hour, 0));
        q.put("end_date", at(hour, 59));
        q.put("sources", Map.of("include", List.of(List.of()), "exclude", List.of()));
        q.put("destinations", Map.of("include", List.of(List.of()), "exclude", List.of()));
        q.put("services", Map.of("include", List.of(), "exclude", List.of()));
        q.put("policy_decisions", List.of());
        q.put("max_results", 100000);
        return q;
    }

    static JsonNode only(List<JsonNode> flows, String direction, int port) {
        List<JsonNode> m = flows.stream().filter(f -> f.get("flow_direction").asText().equals(direction)
                && f.path("service").path("port").asInt(-1) == port).toList();
        assertThat(m).as("%s flow to port %d in %s", direction, port, flows).hasSize(1);
        return m.get(0);
    }

    @Test
    void bothEndsOfEveryDecisionComeBackInIllumiosShape() {
        String t0 = at(1, 5);
        String t1 = at(1, 6);
        // web -> db:5432 allowed by the rule, reported by both ends
        assertThat(c.send(web, batch(1, List.of(
                flow("outbound", web.ip(), db.ip(), 6, 5432, "allowed", RULE, 3, t0, t1),
                flow("outbound", web.ip(), "203.0.113.9", 6, 443, "blocked", null, 1, t0, t1),
                flow("outbound", web.ip(), "10.99.0.9", 17, 53, "unknown", null, 2, t0, t1))), false).status()).isEqualTo(200);
        Reply ack = c.send(db, batch(1, List.of(
                flow("inbound", db.ip(), web.ip(), 6, 5432, "allowed", RULE, 3, t0, t1),
                flow("inbound", db.ip(), web.ip(), 6, 22, "potentially_blocked", null, 1, t0, t1))), false);
        assertThat(ack.status()).as(ack.text()).isEqualTo(200);
        // the highest seq stored for this VEN (the other tests' batches count too)
        assertThat(ack.body().get("acknowledged_seq").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(ack.body().get("flows_stored").asInt()).isEqualTo(2);

        List<JsonNode> flows = c.flows(owner, window(1));
        assertThat(flows).hasSize(5);
        JsonNode out = only(flows, "outbound", 5432);
        JsonNode in = only(flows, "inbound", 5432);
        for (JsonNode f : List.of(out, in)) {
            assertThat(f.get("src").get("ip").asText()).isEqualTo(web.ip());
            assertThat(f.get("dst").get("ip").asText()).isEqualTo(db.ip());
            assertThat(f.get("src").get("workload").get("href").asText()).isEqualTo(web.workloadHref());
            assertThat(f.get("dst").get("workload").get("href").asText()).isEqualTo(db.workloadHref());
            assertThat(f.get("dst").get("workload").get("enforcement_mode").asText()).isEqualTo("visibility_only");
            assertThat(f.get("src").get("workload").get("labels").toString()).contains(WEB).contains("\"value\":\"web\"");
            assertThat(f.get("service").get("proto").asInt()).isEqualTo(6);
            assertThat(f.get("num_connections").asLong()).isEqualTo(3);
            assertThat(f.get("policy_decision").asText()).isEqualTo("allowed");
            assertThat(f.get("rule").get("href").asText()).isEqualTo("/orgs/1/sec_policy/2/rule_sets/500/sec_rules/1");
            assertThat(f.get("state").asText()).isEqualTo("closed");
            assertThat(f.get("timestamp_range").get("first_detected").asText()).isEqualTo(t0);
            assertThat(f.get("timestamp_range").get("last_detected").asText()).isEqualTo(t1);
        }
        // bytes as the destination sees them: the source's out is the destination's in
        assertThat(out.get("dst_bi").asLong()).isEqualTo(2000);
        assertThat(out.get("dst_bo").asLong()).isEqualTo(1000);
        assertThat(in.get("dst_bi").asLong()).isEqualTo(1000);
        assertThat(in.get("dst_bo").asLong()).isEqualTo(2000);
        JsonNode blocked = only(flows, "outbound", 443);
        assertThat(blocked.get("policy_decision").asText()).isEqualTo("blocked");
        assertThat(blocked.get("rule").isNull()).isTrue();
        assertThat(blocked.get("dst").has("workload")).isFalse();
        assertThat(blocked.get("dst").get("ip_lists").toString()).contains("/orgs/1/sec_policy/active/ip_lists/901")
                .contains("internet-test");
        JsonNode unknown = only(flows, "outbound", 53);
        assertThat(unknown.get("policy_decision").asText()).isEqualTo("unknown");
        assertThat(unknown.get("decision_reason").asText()).isEqualTo("accepted_outside_cordon");
        assertThat(only(flows, "inbound", 22).get("policy_decision").asText()).isEqualTo("potentially_blocked");
    }

    @Test
    void filtersSelectByLabelGroupWorkloadIpListAddressServiceAndDecision() {
        String t0 = at(2, 1);
        String t1 = at(2, 2);
        c.send(web, batch(2, List.of(
                flow("outbound", web.ip(), db.ip(), 6, 5432, "allowed", RULE, 1, t0, t1),
                flow("outbound", web.ip(), "203.0.113.7", 6, 8443, "blocked", null, 1, t0, t1),
                flow("outbound", web.ip(), "198.51.100.4", 17, 5353, "blocked", null, 1, t0, t1))), false);
        c.send(db, batch(2, List.of(
                flow("inbound", db.ip(), "198.51.100.5", 6, 22, "potentially_blocked", null, 1, t0, t1))), false);

        Map<String, Object> q = window(2);
        q.put("destinations", Map.of("include", List.of(List.of(Map.of("label", Map.of("href", DB)))), "exclude", List.of()));
        assertThat(c.flows(owner, q)).hasSize(2).allMatch(f -> f.get("dst").get("ip").asText().equals(db.ip()));

        q = window(2);
        q.put("destinations", Map.of("include", List.of(List.of(Map.of("label_group",
                Map.of("href", "/orgs/1/sec_policy/active/label_groups/700")))), "exclude", List.of()));
        assertThat(c.flows(owner, q)).hasSize(2);

        q = window(2);
        q.put("sources", Map.of("include", List.of(List.of(Map.of("workload", Map.of("href", web.workloadHref())))),
                "exclude", List.of()));
        q.put("services", Map.of("include", List.of(Map.of("proto", 6, "port", 8000, "to_port", 9000)), "exclude", List.of()));
        List<JsonNode> ranged = c.flows(owner, q);
        assertThat(ranged).hasSize(1);
        assertThat(ranged.get(0).get("service").get("port").asInt()).isEqualTo(8443);

        q = window(2);
        q.put("destinations", Map.of("include", List.of(List.of(Map.of("ip_list",
                Map.of("href", "/orgs/1/sec_policy/active/ip_lists/901")))), "exclude", List.of()));
        assertThat(c.flows(owner, q)).hasSize(1).allMatch(f -> f.get("dst").get("ip").asText().equals("203.0.113.7"));

        q = window(2);
        q.put("sources", Map.of("include", List.of(List.of(Map.of("ip_address", "198.51.100.5"))), "exclude", List.of()));
        assertThat(c.flows(owner, q)).hasSize(1);

        q = window(2);
        q.put("policy_decisions", List.of("blocked"));
        q.put("services", Map.of("include", List.of(), "exclude", List.of(Map.of("proto", 17))));
        assertThat(c.flows(owner, q)).hasSize(1).allMatch(f -> f.get("service").get("port").asInt() == 8443);

        q = window(2);
        q.put("sources", Map.of("include", List.of(List.of(Map.of("actors", "ams"))), "exclude",
                List.of(Map.of("label", Map.of("href", WEB)))));
        assertThat(c.flows(owner, q)).isEmpty();

        // OR: flows from web, or to db
        q = window(2);
        q.put("sources", Map.of("include", List.of(List.of(Map.of("label", Map.of("href", WEB)))), "exclude", List.of()));
        q.put("destinations", Map.of("include", List.of(List.of(Map.of("label", Map.of("href", DB)))), "exclude", List.of()));
        q.put("sources_destinations_query_op", "or");
        assertThat(c.flows(owner, q)).hasSize(4);
        q.put("sources_destinations_query_op", "and");
        assertThat(c.flows(owner, q)).hasSize(1);

        q = window(2);
        q.put("max_results", 2);
        Reply done = c.runQuery(owner, q);
        assertThat(done.body().get("matches_count").asLong()).isEqualTo(4);
        assertThat(done.body().get("flows_count").asLong()).isEqualTo(2);
        assertThat(c.flows(owner, q)).hasSize(2);
    }

    @Test
    void aResentBatchIsStoredOnceAndGzipIsAccepted() {
        String t0 = at(3, 1);
        Map<String, Object> b = batch(3, List.of(flow("outbound", web.ip(), db.ip(), 6, 5432, "allowed", RULE, 5, t0, t0)));
        Reply first = c.send(web, b, true);
        assertThat(first.status()).as(first.text()).isEqualTo(200);
        assertThat(first.body().get("duplicate").asBoolean()).isFalse();
        Reply again = c.send(web, b, true);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("duplicate").asBoolean()).isTrue();
        assertThat(again.body().get("acknowledged_seq").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(again.body().get("flows_stored").asInt()).isZero();
        List<JsonNode> flows = c.flows(owner, window(3));
        assertThat(flows).hasSize(1);
        assertThat(flows.get(0).get("num_connections").asLong()).isEqualTo(5);
        // the same seq from another VEN is another batch
        assertThat(c.send(db, batch(3, List.of(flow("inbound", db.ip(), web.ip(), 6, 5432, "allowed", RULE, 5, t0, t0))),
                false).body().get("duplicate").asBoolean()).isFalse();
        assertThat(c.flows(owner, window(3))).hasSize(2);
    }

    /**
     * Two groups are written at once: the same batch sent by several threads at once (a VEN's resend racing its
     * original) is stored once, every answer is 200, exactly one says it stored the rows, and other VENs' batches
     * in the same groups are stored.
     */
    @Test
    void theSameBatchSentAtOnceIsStoredOnceBesideOtherVensBatches() throws Exception {
        String t0 = at(10, 1);
        List<Map<String, Object>> flows = new ArrayList<>();
        for (int i = 0; i < 200; i++) flows.add(flow("outbound", web.ip(), "10.79.0." + (i % 250), 6, 1000 + i, "blocked", null, 1, t0, t0));
        Map<String, Object> same = batch(50, flows);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Reply>> sent = new ArrayList<>();
            for (int i = 0; i < 6; i++) sent.add(pool.submit(() -> c.send(web, same, true)));
            for (int i = 0; i < 2; i++) {
                long seq = 50 + i;
                sent.add(pool.submit(() -> c.send(db, batch(seq, List.of(flow("inbound", db.ip(), "10.79.1." + seq, 6,
                        2000 + (int) seq, "allowed", RULE, 1, t0, t0))), false)));
            }
            int fresh = 0;
            for (int i = 0; i < sent.size(); i++) {
                Reply r = sent.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(r.status()).as(r.text()).isEqualTo(200);
                if (i < 6 && !r.body().get("duplicate").asBoolean()) fresh++;
            }
            assertThat(fresh).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(c.flows(owner, window(10))).hasSize(202);
    }

    @Test
    void aRestartedPceKeepsEveryAcknowledgedBatch() {
        PceHarness own = start();
        PceHarness again = null;
        try {
            TrafficClient oc = new TrafficClient(own);
            Ven v = oc.activate(List.of(), "full", "10.78.0.1");
            String t0 = at(4, 0);
            List<Map<String, Object>> flows = new ArrayList<>();
            for (int i = 0; i < 50; i++) flows.add(flow("outbound", v.ip(), "10.78.1." + i, 6, 80, "blocked", null, 1, t0, t0));
            Map<String, Object> b = batch(1, flows);
            assertThat(oc.send(v, b, true).body().get("acknowledged_seq").asLong()).isEqualTo(1);
            again = own.restarted();
            TrafficClient ac = new TrafficClient(again);
            assertThat(ac.flows(ac.ownerAuth(), window(4))).hasSize(50);
            Reply resent = ac.send(v, b, false);
            assertThat(resent.status()).as(resent.text()).isEqualTo(200);
            assertThat(resent.body().get("duplicate").asBoolean()).isTrue();
            assertThat(resent.body().get("acknowledged_seq").asLong()).isEqualTo(1);
            assertThat(ac.flows(ac.ownerAuth(), window(4))).hasSize(50);
            // the restarted PCE goes on storing (on H2 it hands out the flow ids itself, from the highest stored)
            Reply next = ac.send(v, batch(2, List.of(flow("outbound", v.ip(), "10.78.2.1", 6, 80, "blocked", null, 1,
                    t0, t0))), false);
            assertThat(next.status()).as(next.text()).isEqualTo(200);
            assertThat(next.body().get("acknowledged_seq").asLong()).isEqualTo(2);
            assertThat(ac.flows(ac.ownerAuth(), window(4))).hasSize(51);
        } finally {
            if (again != null) again.close();
            else own.close();
        }
    }

    @Test
    void retentionDeletesOldDaysAndTheCapTheOldestRows() {
        try (PceHarness own = start(dev.cordon.pce.Limits.DEFAULTS.withTraffic(30, 1000))) {
            TrafficClient oc = new TrafficClient(own);
            Ven v = oc.activate(List.of(), "full", "10.79.0.1");
            Instant now = own.clock.instant();
            String old = now.minus(Duration.ofDays(31)).toString();
            String recent = now.minus(Duration.ofMinutes(5)).toString();
            List<Map<String, Object>> oldFlows = new ArrayList<>();
            for (int i = 0; i < 10; i++) oldFlows.add(flow("outbound", v.ip(), "10.79.1." + i, 6, 80, "blocked", null, 1, old, old));
            oc.send(v, batch(1, oldFlows), false);
            TrafficTable table = own.server.traffic().table();
            assertThat(table.flowCount()).isEqualTo(10);
            own.server.traffic().retention().sweep();
            assertThat(table.flowCount()).isZero();
            // the acknowledged seq outlives the rows it carried
            assertThat(table.acknowledged(v.venHref())).isEqualTo(1);

            for (int s = 2; s <= 4; s++) {
                List<Map<String, Object>> many = new ArrayList<>();
                for (int i = 0; i < 500; i++) many.add(flow("outbound", v.ip(), "10.79." + s + "." + (i % 250), 6, 1000 + i, "blocked", null, 1, recent, recent));
                assertThat(oc.send(v, batch(s, many), true).status()).isEqualTo(200);
            }
            assertThat(table.flowCount()).isEqualTo(1500);
            TrafficRetention.Swept swept = own.server.traffic().retention().sweep();
            assertThat(swept.overCap()).isEqualTo(500);
            assertThat(table.flowCount()).isEqualTo(1000);
            // the newest are kept: seq 2's rows went
            Map<String, Object> q = window(0);
            q.put("start_date", now.minus(Duration.ofHours(1)).toString());
            q.put("end_date", now.toString());
            q.put("destinations", Map.of("include", List.of(List.of(Map.of("ip_address", "10.79.2.1"))), "exclude", List.of()));
            assertThat(oc.flows(oc.ownerAuth(), q)).isEmpty();
            q.put("destinations", Map.of("include", List.of(List.of(Map.of("ip_address", "10.79.4.1"))), "exclude", List.of()));
            assertThat(oc.flows(oc.ownerAuth(), q)).isNotEmpty();
        }
    }

    Api user(String role, List<String> scope) {
        Api o = pce.owner;
        String userHref = o.post("/users", Map.of("username", role + "-" + TrafficClient.u())).body().get("href").asText();
        Map<String, Object> perm = new HashMap<>(Map.of("role", Map.of("href", "/roles/" + role),
                "scope", scope.stream().map(h -> Map.of("label", Map.of("href", h))).toList(),
                "auth_security_principal", Map.of("href", userHref)));
        Api.Resp p = o.post("/orgs/1/permissions", perm);
        assertThat(p.status()).as(p.toString()).isEqualTo(201);
        Api.Resp key = o.post(userHref + "/api_keys", Map.of("name", "test"));
        return pce.anonymous.as(key.body().get("auth_username").asText() + ":" + key.body().get("secret").asText());
    }

    static String auth(Api a) {
        try {
            java.lang.reflect.Field f = Api.class.getDeclaredField("authorization");
            f.setAccessible(true);
            return (String) f.get(a);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readOnlyQueriesAllAndARuleSetManagerOnlyFlowsTouchingItsScope() {
        String t0 = at(5, 1);
        c.send(web, batch(5, List.of(
                flow("outbound", web.ip(), db.ip(), 6, 5432, "allowed", RULE, 1, t0, t0),
                flow("outbound", web.ip(), "203.0.113.50", 6, 443, "blocked", null, 1, t0, t0))), false);
        c.send(db, batch(5, List.of(flow("inbound", db.ip(), "198.51.100.60", 6, 22, "potentially_blocked", null, 1, t0, t0))), false);

        String ro = auth(user("read_only", List.of()));
        assertThat(c.flows(ro, window(5))).hasSize(3);
        String dbManager = auth(user("ruleset_manager", List.of(DB)));
        List<JsonNode> seen = c.flows(dbManager, window(5));
        assertThat(seen).hasSize(2).allMatch(f -> f.toString().contains(db.ip()));
        String webManager = auth(user("ruleset_manager", List.of(WEB, SHOP)));
        assertThat(c.flows(webManager, window(5))).hasSize(2).allMatch(f -> f.get("src").get("ip").asText().equals(web.ip()));

        // a manager cannot read another's query; read-only may not upload flows
        Reply mine = c.runQuery(dbManager, window(5));
        assertThat(c.request(webManager, "GET", mine.body().get("href").asText(), null, Map.of()).status()).isEqualTo(404);
        assertThat(c.request(ro, "POST", "/orgs/1/agents/bulk_traffic_flows", "10.0.0.1,10.0.0.2,80,6", Map.of()).status())
                .isEqualTo(403);
        assertThat(c.request(null, "POST", "/orgs/1/traffic_flows/async_queries", "{}", Map.of("Prefer", "respond-async"))
                .status()).isEqualTo(401);
    }

    @Test
    void visibilityLevelAndAFasterRateReachTheVenInItsHeartbeatAnswer() {
        Ven drops = c.activate(List.of(WEB), "full", "10.77.0.40", Map.of("visibility_level", "flow_drops"));
        Map<String, Object> reporting = Map.of("applied_hash", "h", "sync_state", "applied", "health", List.of(),
                "flow_reporting", Map.of("visibility_level", "flow_full_detail", "interval_seconds", 60));
        // the workload took the profile's level at activation, and shows it
        assertThat(pce.owner.get(drops.workloadHref()).body().path("visibility_level").asText()).isEqualTo("flow_drops");
        Reply a = c.heartbeat(drops, reporting);
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(a.body().path("traffic").path("visibility_level").asText()).isEqualTo("flow_drops");
        assertThat(a.body().path("traffic").has("report_interval_seconds")).isFalse();
        // a heartbeat without flow_reporting (a VEN that reports no traffic, or an older one) is answered as before
        Reply plain = c.heartbeat(drops, Map.of("applied_hash", "h", "sync_state", "applied", "health", List.of()));
        assertThat(plain.status()).as(plain.text()).isEqualTo(204);
        // the workload's own field rules after activation; a level Illumio does not have is refused
        Api.Resp put = pce.owner.put(drops.workloadHref(), Map.of("visibility_level", "flow_off"));
        assertThat(put.status()).as(put.toString()).isIn(200, 204);
        assertThat(c.heartbeat(drops, reporting).body().path("traffic").path("visibility_level").asText()).isEqualTo("flow_off");
        Api.Resp bad = pce.owner.put(drops.workloadHref(), Map.of("visibility_level", "everything"));
        assertThat(bad.status()).isEqualTo(406);
        assertThat(bad.toString()).contains("invalid_visibility_level");
        // a workload with no level reports the default, with counts
        assertThat(c.heartbeat(web, reporting).body().path("traffic").path("visibility_level").asText())
                .isEqualTo("flow_full_detail");

        // "increase traffic update rate": these VENs, and only these, are asked to report every 10 s for 10 minutes
        String body = "{\"workloads\":[{\"href\":\"" + drops.workloadHref() + "\"}]}";
        Reply faster = c.request(owner, "POST", "/orgs/1/workloads/set_flow_reporting_frequency", body, Map.of());
        assertThat(faster.status()).as(faster.text()).isEqualTo(204);
        JsonNode t = c.heartbeat(drops, reporting).body().path("traffic");
        assertThat(t.path("report_interval_seconds").asInt()).isEqualTo(10);
        assertThat(t.path("report_for_seconds").asLong()).isBetween(1L, 600L);
        assertThat(c.heartbeat(web, reporting).body().path("traffic").has("report_interval_seconds")).isFalse();
        Api.Resp events = pce.owner.get("/orgs/1/events?event_type=workloads.set_flow_reporting_frequency");
        assertThat(events.toString()).contains(drops.workloadHref());

        // refused whole, naming what is wrong: an unknown workload, an unmanaged one, a bad shape, a read-only caller
        Api.Resp unmanaged = pce.owner.post("/orgs/1/workloads", Map.of("name", "u-" + TrafficClient.u(),
                "interfaces", List.of(Map.of("name", "eth0", "address", "10.77.0.41"))));
        String unknown = "{\"workloads\":[{\"href\":\"/orgs/1/workloads/nope\"}]}";
        String notManaged = "{\"workloads\":[{\"href\":\"" + unmanaged.body().get("href").asText() + "\"}]}";
        Map<String, String> cases = Map.of(unknown, "unknown_workload", notManaged, "workload_not_managed",
                "{\"workloads\":[]}", "invalid_workloads", "{\"hosts\":[]}", "unknown_field");
        cases.forEach((b, token) -> {
            Reply r = c.request(owner, "POST", "/orgs/1/workloads/set_flow_reporting_frequency", b, Map.of());
            assertThat(r.status()).as(b + ": " + r.text()).isEqualTo(406);
            assertThat(r.token()).as(b).isEqualTo(token);
        });
        Reply ro = c.request(auth(user("read_only", List.of())), "POST", "/orgs/1/workloads/set_flow_reporting_frequency",
                body, Map.of());
        assertThat(ro.status()).isEqualTo(403);
    }

    @Test
    void badBatchesAre406NamingTheField() {
        String t = at(6, 0);
        Map<String, Object> good = flow("outbound", web.ip(), db.ip(), 6, 5432, "allowed", RULE, 1, t, t);
        Map<String, Reply> cases = new java.util.LinkedHashMap<>();
        Map<String, Object> f;
        f = new HashMap<>(good); f.put("local_ip", "10.0.0.0/8");
        cases.put("flows[0].local_ip", c.send(web, batch(60, List.of(f)), false));
        f = new HashMap<>(good); f.put("decision", "permitted");
        cases.put("flows[0].decision", c.send(web, batch(60, List.of(f)), false));
        f = new HashMap<>(good); f.put("proto", 1);
        cases.put("flows[0].port", c.send(web, batch(60, List.of(f)), false));
        f = new HashMap<>(good); f.put("connections", -1);
        cases.put("flows[0].connections", c.send(web, batch(60, List.of(f)), false));
        f = new HashMap<>(good); f.put("last_seen", "2025-01-01T00:00:00Z");
        cases.put("flows[0].last_seen", c.send(web, batch(60, List.of(f)), false));
        f = new HashMap<>(good); f.put("rule_href", "/orgs/2/sec_policy/draft/rule_sets/1/sec_rules/1");
        cases.put("flows[0].rule_href", c.send(web, batch(60, List.of(f)), false));
        f = new HashMap<>(good); f.put("decision", "unknown"); f.remove("rule_href");
        cases.put("flows[0].reason", c.send(web, batch(60, List.of(f)), false));
        f = new HashMap<>(good); f.put("colour", "red");
        cases.put("colour", c.send(web, batch(60, List.of(f)), false));
        cases.put("seq", c.send(web, Map.of("seq", 0, "flows", List.of()), false));
        cases.put("flows", c.send(web, Map.of("seq", 61, "flows", "none"), false));
        cases.forEach((field, r) -> {
            assertThat(r.status()).as(field + ": " + r.text()).isEqualTo(406);
            assertThat(r.message()).as(field).contains(field);
        });
        assertThat(c.send(null, batch(62, List.of(good)), false).status()).isEqualTo(401);
        Reply notGzip = c.request("Bearer " + web.token(), "POST", "/ven/traffic", "{}", Map.of("Content-Encoding", "gzip"));
        assertThat(notGzip.status()).isEqualTo(406);
        assertThat(notGzip.token()).isEqualTo("invalid_gzip");
        assertThat(c.request("Bearer " + web.token(), "POST", "/ven/traffic", "{}", Map.of("Content-Encoding", "br")).status())
                .isEqualTo(415);
        // nothing of the refused batches was stored
        assertThat(c.flows(owner, window(6))).isEmpty();
    }

    @Test
    void badQueriesAre406NamingTheField() {
        Map<String, Map<String, Object>> cases = new java.util.LinkedHashMap<>();
        Map<String, Object> q;
        q = window(7); q.remove("start_date"); cases.put("start_date", q);
        q = window(7); q.put("end_date", "yesterday"); cases.put("end_date", q);
        q = window(7); q.put("policy_decisions", List.of("denied")); cases.put("policy_decisions[0]", q);
        q = window(7); q.put("max_results", 0); cases.put("max_results", q);
        q = window(7); q.put("sources_destinations_query_op", "xor"); cases.put("sources_destinations_query_op", q);
        q = window(7); q.put("sources", Map.of("include", List.of(List.of(Map.of("label", Map.of("href", "/orgs/1/labels/999999")))))); cases.put("sources.include[0][0].label", q);
        q = window(7); q.put("destinations", Map.of("exclude", List.of(Map.of("fqdn", "example.com")))); cases.put("destinations.exclude[0].fqdn", q);
        q = window(7); q.put("services", Map.of("include", List.of(Map.of("port", 80, "to_port", 70)))); cases.put("services.include[0].to_port", q);
        q = window(7); q.put("sources", Map.of("include", List.of(List.of(Map.of("transmission", "broadcast"))))); cases.put("sources.include[0][0].transmission", q);
        q = window(7); q.put("colour", "red"); cases.put("colour", q);
        cases.forEach((field, body) -> {
            Reply r = c.runQuery(owner, body);
            assertThat(r.status()).as(field + ": " + r.text()).isEqualTo(406);
            assertThat(r.message()).as(field).contains(field);
        });
        Reply noPrefer = c.request(owner, "POST", "/orgs/1/traffic_flows/async_queries", "{}", Map.of());
        assertThat(noPrefer.status()).isEqualTo(406);
        assertThat(noPrefer.token()).isEqualTo("respond_async_required");
        assertThat(c.request(owner, "GET", "/orgs/1/traffic_flows/async_queries/nope", null, Map.of()).status()).isEqualTo(404);
    }

    @Test
    void queriesAreListedCancelledOnlyWhileRunningAndDeleted() {
        Reply done = c.runQuery(owner, window(8));
        String href = done.body().get("href").asText();
        Reply list = c.request(owner, "GET", "/orgs/1/traffic_flows/async_queries", null, Map.of());
        assertThat(list.body().toString()).contains(href);
        assertThat(done.body().get("query_parameters").get("start_date").asText()).isEqualTo(at(8, 0));
        Reply cancel = c.request(owner, "PUT", href, "{}", Map.of());
        assertThat(cancel.status()).isEqualTo(406);
        assertThat(cancel.token()).isEqualTo("query_not_cancellable");
        assertThat(c.request(owner, "DELETE", href, null, Map.of()).status()).isEqualTo(204);
        assertThat(c.request(owner, "GET", href, null, Map.of()).status()).isEqualTo(404);
        assertThat(c.request(owner, "GET", href + "/download", null, Map.of()).status()).isEqualTo(404);
    }

    @Test
    void bulkFlowsAreStoredWithDecisionUnknownAndBadLinesReported() {
        Reply r = c.request(owner, "POST", "/orgs/1/agents/bulk_traffic_flows",
                "198.51.100.77,10.77.0.2,8080,6\nnot-an-ip,10.77.0.2,80,6\n198.51.100.78,10.77.0.2,99999,tcp\n", Map.of());
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.body().get("num_flows_received").asInt()).isEqualTo(3);
        assertThat(r.body().get("num_flows_failed").asInt()).isEqualTo(2);
        assertThat(r.body().get("failed_flows").toString()).contains("not-an-ip").contains("99999");
        Map<String, Object> q = window(0);
        q.put("start_date", pce.clock.instant().minusSeconds(60).toString());
        q.put("end_date", pce.clock.instant().plusSeconds(60).toString());
        q.put("sources", Map.of("include", List.of(List.of(Map.of("ip_address", "198.51.100.77"))), "exclude", List.of()));
        List<JsonNode> flows = c.flows(owner, q);
        assertThat(flows).hasSize(1);
        assertThat(flows.get(0).get("policy_decision").asText()).isEqualTo("unknown");
        assertThat(flows.get(0).get("dst").get("workload").get("href").asText()).isEqualTo(db.workloadHref());
        StringBuilder tooMany = new StringBuilder();
        for (int i = 0; i < 1001; i++) tooMany.append("10.0.0.1,10.0.0.2,80,6\n");
        assertThat(c.request(owner, "POST", "/orgs/1/agents/bulk_traffic_flows", tooMany.toString(), Map.of()).token())
                .isEqualTo("too_many_bulk_traffic_flows");
    }

    /** draft_policy_decision is the draft engine's answer at the reporting end: the same as policy_check on draft. */
    @Test
    void theDraftDecisionEqualsPolicyCheckOnTheDraft() {
        String t0 = at(9, 1);
        c.send(web, batch(9, List.of(
                flow("outbound", web.ip(), db.ip(), 6, 5432, "allowed", RULE, 1, t0, t0),
                flow("outbound", web.ip(), db.ip(), 6, 22, "allowed", null, 1, t0, t0))), false);
        c.send(db, batch(9, List.of(
                flow("inbound", db.ip(), web.ip(), 6, 5432, "allowed", RULE, 1, t0, t0),
                flow("inbound", db.ip(), web.ip(), 6, 22, "potentially_blocked", null, 1, t0, t0))), false);
        Map<String, Object> q = window(9);
        q.put("draft_policy_decision", true);
        List<JsonNode> flows = c.flows(owner, q);
        assertThat(flows).hasSize(4);
        for (JsonNode f : flows) {
            int port = f.get("service").get("port").asInt();
            Api.Resp check = pce.owner.get("/orgs/1/sec_policy/draft/policy_check?src_external_ip=" + web.ip()
                    + "&dst_external_ip=" + db.ip() + "&protocol=6&port=" + port);
            assertThat(check.status()).as(check.toString()).isEqualTo(200);
            JsonNode end = check.body().get("decision").get(f.get("flow_direction").asText().equals("inbound") ? "destination" : "source");
            String verdict = end.get("verdict").asText();
            assertThat(f.get("draft_policy_decision").asText()).as(f.toString())
                    .isEqualTo(verdict.equals("not_enforced") ? "unknown" : verdict);
            if (end.has("rule")) assertThat(f.get("draft_rule").get("href").asText()).isEqualTo(end.get("rule").get("href").asText());
            else assertThat(f.get("draft_rule").isNull()).isTrue();
        }
        assertThat(only(flows, "inbound", 5432).get("draft_policy_decision").asText()).isEqualTo("allowed");
        assertThat(only(flows, "inbound", 22).get("draft_policy_decision").asText()).isEqualTo("potentially_blocked");
        // without asking, no draft decision
        assertThat(c.flows(owner, window(9)).get(0).has("draft_policy_decision")).isFalse();
    }
}
