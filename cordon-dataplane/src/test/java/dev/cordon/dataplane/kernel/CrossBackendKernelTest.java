package dev.cordon.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.backend.Backends;
import dev.cordon.policy.Engine;
import dev.cordon.policy.model.PolicyDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The two backends against each other: the same random documents and flows, enforced once with iptables and once
 * with nftables in fresh namespaces, must give the same verdict matrix, flow by flow, one document per coexistence
 * state (seeded; {@code -Dcordon.diff.seed=N} replays); the oracle's verdict is shown beside each differing flow.
 * Every scenario file is enforced on both backends by {@code IptablesScenarioKernelTest} and
 * {@code NftablesScenarioKernelTest} against the same expected matrix, so the backends agree on scenarios too;
 * running each scenario a third and fourth time here would only double the cost.
 */
class CrossBackendKernelTest {
    private static final int FLOWS = 26;

    private static Map<Connectivity.Probe, String> matrix(PolicyDocument doc, List<Connectivity.Probe> probes,
                                                          Map<String, List<List<String>>> foreign, Backends.Choice b) {
        try (Connectivity net = new Connectivity(doc, probes, foreign, b)) {
            // probes in parallel: a blocked one waits out its timeout
            Map<Connectivity.Probe, String> got = new java.util.concurrent.ConcurrentHashMap<>();
            probes.parallelStream().forEach(p -> got.put(p, net.passes(p) ? "allowed" : "blocked"));
            Map<Connectivity.Probe, String> ordered = new java.util.LinkedHashMap<>();
            probes.forEach(p -> ordered.put(p, got.get(p)));
            return ordered;
        }
    }

    private static String diff(Map<Connectivity.Probe, String> oracle, Map<Connectivity.Probe, String> ipt,
                               Map<Connectivity.Probe, String> nft) {
        StringBuilder sb = new StringBuilder();
        oracle.forEach((p, e) -> sb.append(ipt.get(p).equals(nft.get(p)) ? "   " : "!! ").append(p).append(" iptables ")
                .append(ipt.get(p)).append(" nftables ").append(nft.get(p)).append(" (oracle ").append(e).append(")\n"));
        return sb.toString();
    }

    @Test
    void bothBackendsGiveTheSameMatrixForRandomPoliciesAndFlows() {
        List<String> report = new ArrayList<>();
        int compared = 0;
        long base = Long.getLong("cordon.diff.seed", System.currentTimeMillis());
        for (int state = 0; state < 3; state++) {
            Random r = new Random(base + state);
            PolicyDocument doc = DifferentialKernelSuite.randomDocument(r, state);
            Map<Connectivity.Probe, String> oracle = DifferentialKernelSuite.randomFlows(r, doc, Engine.of(doc), FLOWS);
            List<Connectivity.Probe> probes = new ArrayList<>(oracle.keySet());
            var ipt = matrix(doc, probes, Map.of(), Backends.Choice.IPTABLES);
            var nft = matrix(doc, probes, Map.of(), Backends.Choice.NFTABLES);
            compared += probes.size();
            if (!ipt.equals(nft)) {
                report.add("seed " + (base + state) + " (" + DifferentialKernelSuite.coexistenceName(state) + "):\n"
                        + diff(oracle, ipt, nft));
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(3 * FLOWS);
        assertThat(report).as("flows where the backends disagree (base seed %d):%n%s", base, String.join("\n", report)).isEmpty();
    }
}
