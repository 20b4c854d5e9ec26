package dev.cordon.ven.flows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.dataplane.flows.BlockedPacket;
import dev.cordon.dataplane.flows.ConnEvent;
import dev.cordon.dataplane.flows.capture.FlowCapture;
import dev.cordon.dataplane.harness.Dockerd;
import dev.cordon.dataplane.kernel.Lab;
import dev.cordon.policy.Engine;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.decide.EndDecision;
import dev.cordon.policy.decide.Flow;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.policy.model.CoexistenceEntry;
import dev.cordon.policy.model.EnforcementMode;
import dev.cordon.policy.model.FirewallSettings;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.protocol.flows.FlowSummary;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Docker-published ports in the VEN's flow reports (docs/design/traffic-capture.md, "Published ports"), iptables
 * backend ({@link NftablesPublishedPortFlowsKernelTest} runs the same on nftables): the harness of {@code DockerKernelSuite} (a real dockerd in the host's namespace, busybox httpd published
 * {@code -p 8080:80}, coexistence not primary), an allowed and a blocked peer connecting to the host's address, in
 * {@code full} and then {@code visibility_only}. The VEN's summaries (capture → {@link Classifier} →
 * {@link FlowAggregator}) of each peer's connection to tcp/8080 at the host carry exactly the decision and rule
 * {@code policy_check} gives the host's inbound end — not {@code unknown}, and the blocked one is reported at all.
 */
class PublishedPortFlowsKernelTest {
    /** The backend enforcing the host's policy. */
    protected Backends.Choice backend() {
        return Backends.Choice.IPTABLES;
    }

    /**
     * The host's modes, in order. Selective with no deny rule (this policy has none) blocks nothing; the iptables
     * backend renders no judgement then (those connections stay {@code unknown}), nftables still tags them.
     */
    protected List<EnforcementMode> modes() {
        return List.of(EnforcementMode.FULL, EnforcementMode.VISIBILITY_ONLY);
    }

    private static final String HOST = "10.4.0.1";
    private static final int PORT = 8080;

    @Test
    void publishedPortConnectionsAreReportedWithTheHostsDecisionAndRule() throws Exception {
        Dockerd.require();
        Dataplane dp = null;
        try (Lab lab = Lab.create()) {
            Lab.Host host = lab.host(HOST);
            Lab.Host admin = lab.host("192.0.2.10");
            Lab.Host other = lab.host("192.0.2.11");
            try (Dockerd docker = Dockerd.start(host.ns)) {
                docker.importBusybox("cordon-published-flows");
                docker.docker("run", "-d", "--name", "web", "--stop-timeout", "1", "-p", PORT + ":80", Dockerd.IMAGE,
                        "/bin/busybox", "httpd", "-f", "-p", "80", "-h", "/www");
                awaitPublished(host, docker);
                dp = host.dataplane(backend());
                for (EnforcementMode mode : modes()) {
                    Engine engine = Engine.of(document(mode));
                    FirewallPolicy policy = engine.compile("docker-host", 1);
                    dp.apply(policy);
                    Map<String, String> expected = new TreeMap<>();
                    for (Lab.Host peer : List.of(admin, other)) {
                        EndDecision d = engine.explain(new Flow(peer.address, HOST, 6, PORT)).destination();
                        expected.put(peer.address, d.verdict().wire() + " " + (d.rule() == null ? "-" : d.rule().href()));
                    }
                    if (mode == EnforcementMode.SELECTIVE) {
                        assertThat(expected.values()).as("selective: one peer allowed by the rule, one by the default")
                                .anyMatch(v -> v.startsWith("allowed /")).anyMatch(v -> v.equals("allowed -"));
                    } else {
                        assertThat(expected.values()).as("the test needs an allowed and a not-allowed peer in %s", mode)
                                .anyMatch(v -> v.startsWith("allowed ")).anyMatch(v -> !v.startsWith("allowed "));
                    }
                    Map<String, String> reported = capture(host, policy, List.of(admin, other), expected.keySet());
                    assertThat(reported).as("the host's inbound summaries of tcp/%d in %s vs policy_check\n%s", PORT, mode,
                            host.save() + "\n" + host.run("nft", "list", "ruleset").stdout()).isEqualTo(expected);
                }
            } finally {
                if (dp != null) dp.remove();
            }
        }
    }

    /**
     * Connects each peer to the published port while capture runs in the host's namespace, and returns, per peer,
     * the decision and rule of every inbound tcp/8080 summary the VEN's aggregator made of it (joined by " | " if
     * more than one, which would be wrong).
     */
    private static Map<String, String> capture(Lab.Host host, FirewallPolicy policy, List<Lab.Host> peers,
                                               Set<String> want) throws Exception {
        FlowAggregator agg = new FlowAggregator(Classifier.of(Set.of(HOST), policy), FlowAggregator.DEFAULT_MAX_KEYS,
                FlowAggregator.DEFAULT_MAX_LIVE);
        Map<String, Set<String>> seen = new TreeMap<>();
        try (FlowCapture c = FlowCapture.start(FlowCapture.Config.of(Optional.of(host.ns)), new FlowCapture.Sink() {
            @Override
            public void connection(ConnEvent e) {
                agg.connection(e, Instant.now());
            }

            @Override
            public void blocked(BlockedPacket p) {
                agg.blocked(p, Instant.now());
            }
        })) {
            for (Lab.Host peer : peers) peer.reaches(HOST, PORT, "tcp");
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            boolean settled = false;
            while (System.nanoTime() < deadline) {
                for (FlowSummary s : agg.flush(Visibility.FLOW_FULL_DETAIL)) {
                    // a snapshot is a connection of the previous mode's round, still in conntrack (TIME_WAIT)
                    if (!s.direction().equals(FlowSummary.INBOUND) || s.proto() != 6 || s.port() == null
                            || s.port() != PORT || !want.contains(s.peerIp()) || "snapshot".equals(s.state())) continue;
                    seen.computeIfAbsent(s.peerIp(), k -> new TreeSet<>())
                            .add(s.decision() + " " + (s.ruleHref() == null ? "-" : s.ruleHref())
                                    + (s.reason() == null ? "" : " (" + s.reason() + ")"));
                }
                if (seen.keySet().containsAll(want)) {
                    if (settled) break;
                    settled = true;
                    Thread.sleep(1000); // two NFLOG flush periods: a late second record would still show up
                } else {
                    Thread.sleep(200);
                }
            }
            assertThat(c.kernelLost()).as("events the kernel could not deliver").isZero();
        }
        Map<String, String> out = new TreeMap<>();
        seen.forEach((peer, records) -> out.put(peer, String.join(" | ", records)));
        return out;
    }

    private static void awaitPublished(Lab.Host host, Dockerd docker) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String ip = docker.tryDocker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "web").stdout().strip();
            if (!ip.isEmpty() && host.save().contains("--to-destination " + ip + ":80")) return;
            Thread.sleep(200);
        }
        throw new IllegalStateException("the container was not published within 30 s\n" + host.save() + "\n" + docker.log());
    }

    /** The Docker suite's policy (admins may reach tcp/8080 on the host), host in {@code mode}, not primary. */
    private static PolicyDocument document(EnforcementMode mode) throws Exception {
        try (InputStream in = PublishedPortFlowsKernelTest.class.getResourceAsStream("/docker/published-port.json")) {
            PolicyDocument doc = PolicyJson.readDocument(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            doc = doc.withWorkloads(new ArrayList<>(doc.workloadsOrEmpty().stream().map(w -> w.withEnforcementMode(mode)).toList()));
            return doc.withFirewallSettings(FirewallSettings.of(List.of(new CoexistenceEntry(false, List.of(), null))));
        }
    }
}
