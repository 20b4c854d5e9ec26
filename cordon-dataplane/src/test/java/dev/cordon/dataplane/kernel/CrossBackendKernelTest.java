package dev.cordon.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.backend.Backends;
import dev.cordon.policy.Engine;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.testing.Scenarios;
import dev.cordon.policy.testing.Scenarios.Check;
import dev.cordon.policy.testing.Scenarios.Scenario;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The two backends against each other: the same documents, flows and foreign rules, enforced once with iptables and
 * once with nftables in fresh namespaces, must give the same verdict matrix, flow by flow: every scenario file with
 * kernel-checkable flows, and one random document per coexistence state (seeded; {@code -Dcordon.diff.seed=N}
 * replays). The oracle's verdict is shown beside each differing flow.
 */
class CrossBackendKernelTest {
    private static final int FLOWS = 26;

    private static Map<Connectivity.Probe, String> matrix(PolicyDocument doc, List<Connectivity.Probe> probes,
                                                          Map<String, List<List<String>>> foreign, Backends.Choice b) {
        try (Connectivity net = new Connectivity(doc, probes, foreign, b)) {
            return net.matrix(probes);
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
    void bothBackendsGiveTheSameMatrixForEveryScenarioAndForRandomFlows() {
        List<String> report = new ArrayList<>();
        int compared = 0;
        for (Scenario s : ScenarioKernelSuite.scenarios().toList()) {
            Map<Connectivity.Probe, String> oracle = new LinkedHashMap<>();
            List<Check> checks = new ArrayList<>(s.checks());
            checks.addAll(s.kernelChecks());
            for (Check c : checks) {
                String p = c.proto().toLowerCase();
                if (p.equals("6")) p = "tcp";
                if (p.equals("17")) p = "udp";
                if (!p.equals("tcp") && !p.equals("udp")) continue;
                oracle.put(new Connectivity.Probe(c.from(), c.to(), c.port(), p), c.expect());
            }
            List<Connectivity.Probe> probes = new ArrayList<>(oracle.keySet());
            var ipt = matrix(s.document(), probes, s.foreignRules(), Backends.Choice.IPTABLES);
            var nft = matrix(s.document(), probes, s.foreignRules(), Backends.Choice.NFTABLES);
            compared += probes.size();
            if (!ipt.equals(nft)) report.add("scenario " + s.name() + ":\n" + diff(oracle, ipt, nft));
        }
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
