package dev.cordon.ven.flows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.dataplane.flows.FlowMark;
import dev.cordon.dataplane.flows.RuleIndex;
import dev.cordon.dataplane.kernel.Lab;
import dev.cordon.ven.pce.HttpPceClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VEN's traffic path end to end below the PCE: real connections in throw-away namespaces, captured in the VEN's
 * namespace, classified by the connection mark and NFLOG prefix that Cordon's tagging sets (written here as the
 * rules the iptables render adds, docs/design/traffic-capture.md), aggregated, spooled, gzip'd and uploaded to the
 * loopback PCE stand-in of {@link FlowReporterTest} that holds the wire contract.
 */
class FlowServiceKernelTest {
    static final String R1 = "/orgs/1/sec_policy/active/rule_sets/1/sec_rules/1";
    static final String R2 = "/orgs/1/sec_policy/active/rule_sets/1/sec_rules/2";

    @TempDir
    Path dir;

    @Test
    void allowedBlockedAndForeignFlowsReachThePceWithDecisionRuleAndCounters() throws Exception {
        FlowReporterTest pce = new FlowReporterTest();
        pce.dir = dir;
        int port = pce.start(0);
        RuleIndex rules = RuleIndex.of(List.of(R1, R2));
        try (Lab lab = Lab.create()) {
            Lab.Host client = lab.host("10.79.0.1");
            Lab.Host ven = lab.host("10.79.0.2");
            ven.run("iptables", "-w", "-A", "INPUT", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
            ven.run("iptables", "-w", "-A", "INPUT", "-p", "tcp", "--dport", "80", "-m", "conntrack", "--ctstate", "NEW",
                    "-j", "CONNMARK", "--set-xmark", FlowMark.xmark(FlowMark.allowed(rules.index(R2))));
            ven.run("iptables", "-w", "-A", "INPUT", "-p", "tcp", "--dport", "81", "-j", "NFLOG", "--nflog-group",
                    "1703", "--nflog-prefix", FlowMark.blockedPrefix(rules.index(R1)), "--nflog-threshold", "1");
            ven.run("iptables", "-w", "-A", "INPUT", "-p", "tcp", "--dport", "81", "-j", "DROP");
            ven.listen(Set.of("tcp:80", "tcp:81", "udp:53"));

            HttpPceClient client1 = new HttpPceClient(URI.create("http://127.0.0.1:" + port), null);
            client1.useCredentials("tok1.secret", null);
            try (FlowService flows = FlowService.start(Optional.of(ven.ns), Set.of("10.79.0.2"), null,
                    dir.resolve("spool"), FlowSpool.DEFAULT_MAX_BYTES, Duration.ofHours(1), client1, Clock.systemUTC())) {
                flows.policyApplied(policyNaming(rules));
                assertThat(client.reaches("10.79.0.2", 80, "tcp")).isTrue();
                assertThat(client.reaches("10.79.0.2", 80, "tcp")).isTrue();
                assertThat(client.reaches("10.79.0.2", 53, "udp")).isTrue();
                assertThat(client.reaches("10.79.0.2", 81, "tcp")).isFalse();
                ven.run("conntrack", "-D", "-p", "tcp", "--dport", "80");
                List<JsonNode> got = new ArrayList<>();
                // capture is asynchronous: report until the three kinds and the DESTROY's counters arrived (each
                // report is one batch)
                for (int i = 0; i < 100 && (got.stream().map(f -> f.get("decision").asText()).distinct().count() < 3
                        || sum(got, "allowed", 80, "bytes_in") == 0); i++) {
                    flows.reportNow();
                    got.clear();
                    synchronized (pce.stored) {
                        pce.stored.values().forEach(b -> b.get("flows").forEach(got::add));
                    }
                    Thread.sleep(100);
                }
                assertThat(pce.problems).isEmpty();
                JsonNode http = one(got, "allowed", 80);
                assertThat(http.get("rule_href").asText()).isEqualTo(R2);
                assertThat(http.get("direction").asText()).isEqualTo("inbound");
                assertThat(http.get("peer_ip").asText()).isEqualTo("10.79.0.1");
                assertThat(sum(got, "allowed", 80, "connections")).isEqualTo(2);
                assertThat(sum(got, "allowed", 80, "bytes_in")).isGreaterThan(0);
                assertThat(sum(got, "allowed", 80, "bytes_out")).isGreaterThan(0);
                JsonNode drop = one(got, "blocked", 81);
                assertThat(drop.get("rule_href").asText()).isEqualTo(R1);
                assertThat(drop.get("connections").asLong()).isEqualTo(1);
                JsonNode dns = one(got, "unknown", 53);
                assertThat(dns.get("reason").asText()).as("no Cordon mark: a foreign rule accepted it")
                        .isEqualTo("accepted_outside_cordon");
                assertThat(pce.stored.values()).allSatisfy(b -> assertThat(b.at("/dropped/kernel").asLong()).isZero());

                // the PCE's heartbeat answer: flow_drops from now on, and a batch every second for a minute; the
                // service was started with one report an hour, so a batch arriving unasked is the faster rate
                int before;
                synchronized (pce.stored) {
                    before = pce.stored.size();
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
                        pce.stored.values().stream().skip(before).forEach(b -> b.get("flows").forEach(later::add));
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
     * The real thing below the PCE: a policy rendered and applied by the iptables dataplane (its flow tags), real
     * connections, capture in the namespace: the allowed flow names its allow rule, the blocked one is full mode's
     * default (no rule), as the engine's mode table says.
     */
    @Test
    void theRenderedTagsOfAnAppliedPolicyGiveTheEnginesDecisionAndRule() throws Exception {
        FlowReporterTest pce = new FlowReporterTest();
        pce.dir = dir;
        int port = pce.start(0);
        try (Lab lab = Lab.create()) {
            Lab.Host client = lab.host("10.79.1.1");
            Lab.Host ven = lab.host("10.79.1.2");
            dev.cordon.policy.compile.FirewallPolicy policy = dev.cordon.policy.compile.FirewallPolicy.of(
                    new dev.cordon.policy.compile.WorkloadRef("/orgs/1/workloads/w1", "w1"), 5,
                    dev.cordon.policy.model.EnforcementMode.FULL, dev.cordon.policy.compile.Coexistence.EXCLUSIVE,
                    List.of(new dev.cordon.policy.compile.AddressSet("sclient", "client", List.of("10.79.1.1/32"), List.of())),
                    List.of(new dev.cordon.policy.compile.PolicyEntry(dev.cordon.policy.compile.Action.ALLOW, "sclient",
                            null, 6, 80, null, null, null, false, R2, "/orgs/1/sec_policy/active/rule_sets/1")),
                    List.of(), List.of(), List.of());
            // the flow tags are rendered by the iptables backend (the nftables render has none yet: docs/design/traffic-capture.md)
            ven.dataplane(dev.cordon.dataplane.backend.Backends.Choice.IPTABLES).apply(policy);
            ven.listen(Set.of("tcp:80", "tcp:81"));
            HttpPceClient http = new HttpPceClient(URI.create("http://127.0.0.1:" + port), null);
            http.useCredentials("tok1.secret", null);
            try (FlowService flows = FlowService.start(Optional.of(ven.ns), Set.of("10.79.1.2"), policy,
                    dir.resolve("spool"), FlowSpool.DEFAULT_MAX_BYTES, Duration.ofHours(1), http, Clock.systemUTC())) {
                assertThat(client.reaches("10.79.1.2", 80, "tcp")).isTrue();
                assertThat(client.reaches("10.79.1.2", 81, "tcp")).isFalse();
                List<JsonNode> got = new ArrayList<>();
                for (int i = 0; i < 50 && got.stream().map(f -> f.get("decision").asText()).distinct().count() < 2; i++) {
                    flows.reportNow();
                    got.clear();
                    synchronized (pce.stored) {
                        pce.stored.values().forEach(b -> b.get("flows").forEach(got::add));
                    }
                    Thread.sleep(100);
                }
                assertThat(pce.problems).isEmpty();
                JsonNode allowed = one(got, "allowed", 80);
                assertThat(allowed.get("rule_href").asText()).isEqualTo(R2);
                assertThat(allowed.get("policy_version").asLong()).isEqualTo(5);
                JsonNode blocked = one(got, "blocked", 81);
                assertThat(blocked.has("rule_href")).as("full: the default blocks, no rule").isFalse();
                assertThat(blocked.has("reason")).isFalse();
            }
        } finally {
            pce.stop();
        }
    }

    static dev.cordon.policy.compile.FirewallPolicy policyNaming(RuleIndex rules) {
        List<dev.cordon.policy.compile.PolicyEntry> in = new ArrayList<>();
        for (int i = 1; i <= rules.size(); i++) {
            in.add(new dev.cordon.policy.compile.PolicyEntry(dev.cordon.policy.compile.Action.ALLOW, null, null, 6, 80,
                    null, null, null, false, rules.href(i), "/orgs/1/sec_policy/active/rule_sets/1"));
        }
        return dev.cordon.policy.compile.FirewallPolicy.of(new dev.cordon.policy.compile.WorkloadRef("/orgs/1/workloads/w1",
                "w1"), 4, dev.cordon.policy.model.EnforcementMode.FULL, dev.cordon.policy.compile.Coexistence.EXCLUSIVE,
                List.of(), in, List.of(), List.of(), List.of());
    }

    static JsonNode one(List<JsonNode> flows, String decision, int port) {
        return flows.stream().filter(f -> f.get("decision").asText().equals(decision) && f.path("port").asInt() == port)
                .findFirst().orElseThrow(() -> new AssertionError("no " + decision + " flow to port " + port + " in " + flows));
    }

    static long sum(List<JsonNode> flows, String decision, int port, String field) {
        return flows.stream().filter(f -> f.get("decision").asText().equals(decision) && f.path("port").asInt() == port)
                .mapToLong(f -> f.get(field).asLong()).sum();
    }
}
