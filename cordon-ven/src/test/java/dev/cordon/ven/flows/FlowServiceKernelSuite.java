package dev.cordon.ven.flows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.dataplane.kernel.Lab;
import dev.cordon.policy.compile.Action;
import dev.cordon.policy.compile.AddressSet;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.PolicyEntry;
import dev.cordon.policy.compile.WorkloadRef;
import dev.cordon.policy.model.EnforcementMode;
import dev.cordon.ven.pce.HttpPceClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VEN's traffic path end to end below the PCE, once per dataplane backend ({@link IptablesFlowServiceKernelTest},
 * {@link NftablesFlowServiceKernelTest}): a policy rendered and applied by the backend (its flow tags), real
 * connections in throw-away namespaces, captured in the VEN's namespace, classified, aggregated, spooled, gzip'd and
 * uploaded to the loopback PCE stand-in of {@link FlowReporterTest} that holds the wire contract. What the tags say
 * is what the engine's mode table says (SPEC §3); connections Cordon did not decide are {@code unknown} with a reason.
 */
abstract class FlowServiceKernelSuite {
    static final String R1 = "/orgs/1/sec_policy/active/rule_sets/1/sec_rules/1";
    static final String R2 = "/orgs/1/sec_policy/active/rule_sets/1/sec_rules/2";
    static final String D1 = "/orgs/1/sec_policy/active/rule_sets/1/deny_rules/1";
    static final String OD1 = "/orgs/1/sec_policy/active/rule_sets/1/deny_rules/2";
    static final String RULE_SET = "/orgs/1/sec_policy/active/rule_sets/1";

    /** The backend under test. */
    protected abstract Backends.Choice backend();

    @TempDir
    Path dir;

    /**
     * Full enforcement, coexistence not primary, a foreign iptables rule accepting udp/53 before Cordon judges it, and
     * a connection made before the VEN started: the allowed flows name their rules (one through a class set, one
     * through a rule of its own) with counters both ways, the blocked one is full mode's default (no rule), the
     * foreign accept is {@code accepted_outside_cordon}, the earlier connection {@code established_before_start}.
     */
    @Test
    void decidedAndUndecidedFlowsReachThePceWithDecisionRuleReasonAndCounters() throws Exception {
        FlowReporterTest pce = new FlowReporterTest();
        pce.dir = dir;
        int port = pce.start(0);
        try (Lab lab = Lab.create()) {
            Lab.Host client = lab.host("10.79.0.1");
            Lab.Host ven = lab.host("10.79.0.2");
            ven.listen(Set.of("tcp:80", "tcp:81", "tcp:8080", "udp:53"));
            // the host's own firewall, there before Cordon: it tracks connections (a namespace runs conntrack only
            // once a rule needs it) and accepts udp/53 itself
            ven.iptables(List.of("-A", "INPUT", "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP"));
            ven.iptables(List.of("-A", "INPUT", "-p", "udp", "--dport", "53", "-j", "ACCEPT"));
            // before Cordon: a connection the VEN finds at start (TIME_WAIT keeps it in conntrack for 120 s)
            assertThat(client.reaches("10.79.0.2", 8080, "tcp")).isTrue();
            FirewallPolicy policy = policy(EnforcementMode.FULL, Coexistence.NOT_PRIMARY, "10.79.0.1/32", List.of(
                    allow(6, 80, null, R2), // a class-set member: the VEN names the rule from the policy
                    allow(6, 8000, 8100, R1))); // a range too wide for the class set: a rule of its own, its index
            ven.dataplane(backend()).apply(policy);
            try (FlowService flows = start(ven, "10.79.0.2", policy, port)) {
                assertThat(client.reaches("10.79.0.2", 80, "tcp")).isTrue();
                assertThat(client.reaches("10.79.0.2", 80, "tcp")).isTrue();
                assertThat(client.reaches("10.79.0.2", 8080, "tcp")).isTrue();
                assertThat(client.reaches("10.79.0.2", 53, "udp")).isTrue();
                assertThat(client.reaches("10.79.0.2", 81, "tcp")).isFalse();
                ven.run("conntrack", "-D", "-p", "tcp", "--orig-port-dst", "80");
                List<JsonNode> got = report(List.of(flows), pce, g -> sum(g, "allowed", 80, "bytes_in") > 0
                        && has(g, "allowed", 8080) && has(g, "blocked", 81) && has(g, "unknown", 53)
                        && g.stream().anyMatch(f -> f.path("state").asText().equals("snapshot")));
                assertThat(pce.problems).isEmpty();
                JsonNode http = one(got, "allowed", 80);
                assertThat(http.get("rule_href").asText()).isEqualTo(R2);
                assertThat(http.get("direction").asText()).isEqualTo("inbound");
                assertThat(http.get("peer_ip").asText()).isEqualTo("10.79.0.1");
                assertThat(http.get("policy_version").asLong()).isEqualTo(5);
                assertThat(http.has("reason")).isFalse();
                assertThat(sum(got, "allowed", 80, "connections")).isEqualTo(2);
                assertThat(sum(got, "allowed", 80, "bytes_in")).isGreaterThan(0);
                assertThat(sum(got, "allowed", 80, "bytes_out")).isGreaterThan(0);
                JsonNode own = one(got, f -> f.get("decision").asText().equals("allowed") && f.path("port").asInt() == 8080);
                assertThat(own.get("rule_href").asText()).isEqualTo(R1);
                JsonNode blocked = one(got, "blocked", 81);
                assertThat(blocked.has("rule_href")).as("full: the default blocks, no rule").isFalse();
                assertThat(blocked.has("reason")).isFalse();
                assertThat(blocked.get("connections").asLong()).isEqualTo(1);
                JsonNode dns = one(got, "unknown", 53);
                assertThat(dns.get("reason").asText()).as("no Cordon mark: a foreign rule accepted it")
                        .isEqualTo(Classifier.OUTSIDE);
                assertThat(dns.has("rule_href")).isFalse();
                JsonNode before = one(got, f -> f.path("state").asText().equals("snapshot") && f.path("port").asInt() == 8080);
                assertThat(before.get("decision").asText()).isEqualTo("unknown");
                assertThat(before.get("reason").asText()).isEqualTo(Classifier.BEFORE_START);
                assertThat(pce.stored.values()).allSatisfy(b -> assertThat(b.at("/dropped/kernel").asLong()).isZero());

                // the PCE's heartbeat answer: flow_drops from now on, and a batch every second for a minute; the
                // service was started with one report an hour, so a batch arriving unasked is the faster rate
                int already;
                synchronized (pce.stored) {
                    already = pce.stored.size();
                }
                flows.settings(new dev.cordon.protocol.flows.FlowSettings("flow_drops", 1, 60L));
                assertThat(flows.reporting().visibilityLevel()).isEqualTo("flow_drops");
                assertThat(flows.reporting().intervalSeconds()).isEqualTo(1);
                assertThat(client.reaches("10.79.0.2", 80, "tcp")).isTrue();
                assertThat(client.reaches("10.79.0.2", 81, "tcp")).isFalse();
                List<JsonNode> later = new ArrayList<>();
                for (int i = 0; i < 100 && later.stream().noneMatch(f -> f.get("decision").asText().equals("blocked")); i++) {
                    Thread.sleep(100);
                    later.clear();
                    synchronized (pce.stored) {
                        pce.stored.values().stream().skip(already).forEach(b -> b.get("flows").forEach(later::add));
                    }
                }
                assertThat(later).as("uploaded by the reporter on its own, at the faster rate").isNotEmpty()
                        .allSatisfy(f -> assertThat(f.get("decision").asText()).isIn("blocked", "potentially_blocked"));
                flows.settings(new dev.cordon.protocol.flows.FlowSettings("flow_off", null, null));
                assertThat(flows.interval()).as("no rate in the answer: back to its own").isEqualTo(Duration.ofHours(1));
            }
        } finally {
            pce.stop();
        }
    }

    /**
     * Selective: a deny rule's block names the deny rule, the default allows with no rule. Visibility only: an
     * override deny and the default mark {@code potentially_blocked} (the override deny named), nothing is dropped.
     */
    @Test
    void selectiveAndVisibilityOnlyReportWhatTheEnginesModeTableSays() throws Exception {
        // one stand-in per VEN: the stand-in stores once per seq, and each VEN numbers its own batches
        FlowReporterTest pceSel = new FlowReporterTest();
        pceSel.dir = dir.resolve("pce-sel");
        FlowReporterTest pceVis = new FlowReporterTest();
        pceVis.dir = dir.resolve("pce-vis");
        try (Lab lab = Lab.create()) {
            int portSel = pceSel.start(0);
            int portVis = pceVis.start(0);
            Lab.Host client = lab.host("10.79.1.1");
            Lab.Host sel = lab.host("10.79.1.2");
            Lab.Host vis = lab.host("10.79.1.3");
            sel.listen(Set.of("tcp:81", "tcp:82"));
            vis.listen(Set.of("tcp:80", "tcp:81", "tcp:82"));
            FirewallPolicy selective = policy(EnforcementMode.SELECTIVE, Coexistence.EXCLUSIVE, "10.79.1.1/32",
                    List.of(entry(Action.DENY, 6, 81, null, D1)));
            FirewallPolicy visibility = policy(EnforcementMode.VISIBILITY_ONLY, Coexistence.EXCLUSIVE, "10.79.1.1/32",
                    List.of(allow(6, 80, null, R2), entry(Action.DENY, 6, 81, null, D1),
                            entry(Action.OVERRIDE_DENY, 6, 82, null, OD1)));
            sel.dataplane(backend()).apply(selective);
            vis.dataplane(backend()).apply(visibility);
            try (FlowService s = start(sel, "10.79.1.2", selective, portSel);
                 FlowService v = start(vis, "10.79.1.3", visibility, portVis)) {
                assertThat(client.reaches("10.79.1.2", 81, "tcp")).isFalse();
                assertThat(client.reaches("10.79.1.2", 82, "tcp")).isTrue();
                assertThat(client.reaches("10.79.1.3", 80, "tcp")).isTrue();
                assertThat(client.reaches("10.79.1.3", 81, "tcp")).as("visibility only drops nothing").isTrue();
                assertThat(client.reaches("10.79.1.3", 82, "tcp")).isTrue();
                List<JsonNode> bySel = report(List.of(s), pceSel, g -> has(g, "blocked", 81) && has(g, "allowed", 82));
                List<JsonNode> byVis = report(List.of(v), pceVis, g -> has(g, "allowed", 80)
                        && has(g, "potentially_blocked", 81) && has(g, "potentially_blocked", 82));
                assertThat(pceSel.problems).isEmpty();
                assertThat(pceVis.problems).isEmpty();
                assertThat(one(bySel, "blocked", 81).get("rule_href").asText()).as("selective: the deny rule decides")
                        .isEqualTo(D1);
                assertThat(one(bySel, "allowed", 82).has("rule_href")).as("selective: the default allows, no rule").isFalse();
                assertThat(one(byVis, "allowed", 80).get("rule_href").asText()).isEqualTo(R2);
                assertThat(one(byVis, "potentially_blocked", 81).has("rule_href"))
                        .as("visibility only: the engine ignores deny rules, the default would block").isFalse();
                assertThat(one(byVis, "potentially_blocked", 82).get("rule_href").asText()).isEqualTo(OD1);
                assertThat(byVis).noneMatch(f -> f.get("decision").asText().equals("blocked"));
            }
        } finally {
            pceSel.stop();
            pceVis.stop();
        }
    }

    private FlowService start(Lab.Host ven, String address, FirewallPolicy policy, int port) throws Exception {
        return FlowService.start(Optional.of(ven.ns), Set.of(address), policy, dir.resolve("spool-" + address),
                FlowSpool.DEFAULT_MAX_BYTES, Duration.ofHours(1), client(port), Clock.systemUTC());
    }

    private static HttpPceClient client(int port) {
        HttpPceClient http = new HttpPceClient(URI.create("http://127.0.0.1:" + port), null);
        http.useCredentials("tok1.secret", null);
        return http;
    }

    /**
     * Reports (each report is one batch) until {@code complete} says every expected flow arrived (capture is
     * asynchronous), at most 100 rounds; the assertions then say what is missing.
     */
    private static List<JsonNode> report(List<FlowService> services, FlowReporterTest pce,
                                         Predicate<List<JsonNode>> complete) throws Exception {
        List<JsonNode> got = new ArrayList<>();
        for (int i = 0; i < 100 && (i == 0 || !complete.test(got)); i++) {
            for (FlowService s : services) s.reportNow();
            got = stored(pce);
            Thread.sleep(100);
        }
        return got;
    }

    static boolean has(List<JsonNode> flows, String decision, int port) {
        return flows.stream().anyMatch(f -> f.get("decision").asText().equals(decision) && f.path("port").asInt() == port
                && !f.path("state").asText().equals("snapshot"));
    }

    private static List<JsonNode> stored(FlowReporterTest pce) {
        List<JsonNode> got = new ArrayList<>();
        synchronized (pce.stored) {
            pce.stored.values().forEach(b -> b.get("flows").forEach(got::add));
        }
        return got;
    }

    static FirewallPolicy policy(EnforcementMode mode, Coexistence c, String client, List<PolicyEntry> inbound) {
        return FirewallPolicy.of(new WorkloadRef("/orgs/1/workloads/w1", "w1"), 5, mode, c,
                List.of(new AddressSet("sclient", "client", List.of(client), List.of())), inbound, List.of(), List.of(),
                List.of());
    }

    static PolicyEntry allow(int proto, int port, Integer toPort, String rule) {
        return entry(Action.ALLOW, proto, port, toPort, rule);
    }

    static PolicyEntry entry(Action a, int proto, int port, Integer toPort, String rule) {
        return new PolicyEntry(a, "sclient", null, proto, port, toPort, null, null, false, rule, RULE_SET);
    }

    static JsonNode one(List<JsonNode> flows, String decision, int port) {
        return one(flows, f -> f.get("decision").asText().equals(decision) && f.path("port").asInt() == port
                && !f.path("state").asText().equals("snapshot"));
    }

    static JsonNode one(List<JsonNode> flows, Predicate<JsonNode> p) {
        return flows.stream().filter(p).findFirst().orElseThrow(() -> new AssertionError("no such flow in " + flows));
    }

    static long sum(List<JsonNode> flows, String decision, int port, String field) {
        return flows.stream().filter(f -> f.get("decision").asText().equals(decision) && f.path("port").asInt() == port)
                .mapToLong(f -> f.get(field).asLong()).sum();
    }
}
