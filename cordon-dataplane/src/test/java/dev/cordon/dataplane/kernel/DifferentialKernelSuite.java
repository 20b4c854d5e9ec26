package dev.cordon.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.backend.Backends;
import dev.cordon.policy.Engine;
import dev.cordon.policy.decide.Flow;
import dev.cordon.policy.model.CoexistenceEntry;
import dev.cordon.policy.model.FirewallSettings;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Workload;
import dev.cordon.policy.testing.RandomPolicies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The differential test: random policies × random flows, enforced by the real kernel in namespaces, must give
 * exactly the engine's {@code explain()} verdict — across the three coexistence states (exclusive, primary, not
 * primary), all four enforcement modes, label groups, exclusions, scopes and IP lists. The base seed is printed on
 * failure; set {@code -Dcordon.diff.seed=N} to replay a run.
 *
 * <p>Backend-neutral: {@link IptablesDifferentialKernelTest} runs it on iptables; every backend gets such a subclass.
 * Its random documents and flows also feed cordon-ven's {@code FlowDecisionKernelSuite}, which holds the decision and
 * rule that flow capture reports against the engine's, end by end.
 */
public abstract class DifferentialKernelSuite {
    /** The backend under test. */
    protected abstract Backends.Choice backend();

    private static final int FLOWS_PER_DOCUMENT = 26;

    /** Random documents per run (a multiple of 3: the coexistence states take turns); a backend may run fewer. */
    protected int documents() {
        return 12;
    }
    private static final String[] EXTERNAL = {"192.0.2.7", "192.0.2.200", "203.0.113.9"};

    @Test
    void kernelAgreesWithTheOracleOnRandomPoliciesAndFlows() {
        long base = Long.getLong("cordon.diff.seed", System.currentTimeMillis());
        List<String> report = new ArrayList<>();
        int flows = 0;
        int mismatches = 0;
        for (int i = 0; i < documents(); i++) {
            long seed = base + i;
            Random r = new Random(seed);
            PolicyDocument doc = randomDocument(r, i % 3);
            Engine engine = Engine.of(doc);
            Map<Connectivity.Probe, String> expected = new LinkedHashMap<>();
            expected.putAll(randomFlows(r, doc, engine, FLOWS_PER_DOCUMENT));
            try (Connectivity net = new Connectivity(doc, new ArrayList<>(expected.keySet()), Map.of(), backend())) {
                Map<Connectivity.Probe, String> actual = new ConcurrentHashMap<>();
                expected.keySet().parallelStream().forEach(p -> actual.put(p, net.passes(p) ? "allowed" : "blocked"));
                Map<Connectivity.Probe, String> ordered = new LinkedHashMap<>();
                expected.keySet().forEach(p -> ordered.put(p, actual.get(p)));
                flows += expected.size();
                long bad = expected.entrySet().stream().filter(e -> !e.getValue().equals(ordered.get(e.getKey()))).count();
                mismatches += (int) bad;
                if (bad > 0) {
                    report.add("seed " + seed + " (coexistence " + coexistenceName(i % 3) + "):\n"
                            + Connectivity.describe(expected, ordered));
                }
            }
        }
        assertThat(flows).isEqualTo(documents() * FLOWS_PER_DOCUMENT);
        assertThat(mismatches).as("kernel vs explain() mismatches over %d flows (base seed %d):%n%s", flows, base,
                String.join("\n", report)).isZero();
    }

    /** A random document with one address per workload, everyone in coexistence state {@code state}. */
    public static PolicyDocument randomDocument(Random r, int state) {
        return withCoexistence(singleAddress(RandomPolicies.generate(r, 6, false)), state);
    }

    /** {@code n} distinct random flows between the document's workloads and outside addresses, with the oracle's verdicts. */
    public static Map<Connectivity.Probe, String> randomFlows(Random r, PolicyDocument doc, Engine engine, int n) {
        Map<Connectivity.Probe, String> expected = new LinkedHashMap<>();
        List<String> ends = new ArrayList<>();
        doc.workloadsOrEmpty().forEach(w -> ends.add(w.name()));
        ends.addAll(List.of(EXTERNAL));
        while (expected.size() < n) {
            String from = ends.get(r.nextInt(ends.size()));
            String to = ends.get(r.nextInt(ends.size()));
            if (from.equals(to) || (isExternal(from) && isExternal(to))) continue;
            String proto = r.nextInt(4) == 0 ? "udp" : "tcp";
            int port = RandomPolicies.PORTS[r.nextInt(RandomPolicies.PORTS.length)];
            Flow f = new Flow(address(doc, from), address(doc, to), proto.equals("tcp") ? 6 : 17, port);
            expected.put(new Connectivity.Probe(from, to, port, proto), engine.explain(f).allowed() ? "allowed" : "blocked");
        }
        return expected;
    }

    private static boolean isExternal(String end) {
        return List.of(EXTERNAL).contains(end);
    }

    private static String address(PolicyDocument doc, String end) {
        return doc.workloadsOrEmpty().stream().filter(w -> w.name().equals(end)).findFirst()
                .map(w -> w.interfacesOrEmpty().get(0).address()).orElse(end);
    }

    /** The lab gives each host one address, so keep each workload's first interface only. */
    private static PolicyDocument singleAddress(PolicyDocument doc) {
        List<Workload> ws = new ArrayList<>();
        for (Workload w : doc.workloadsOrEmpty()) ws.add(w.withInterfaces(List.of(w.interfacesOrEmpty().get(0))));
        return doc.withWorkloads(ws);
    }

    /** 0: everyone exclusive; 1: everyone coexisting as primary; 2: everyone coexisting, not primary. */
    private static PolicyDocument withCoexistence(PolicyDocument doc, int state) {
        List<CoexistenceEntry> entries = state == 0 ? List.of()
                : List.of(new CoexistenceEntry(state == 1, List.of(), null));
        return doc.withFirewallSettings(FirewallSettings.of(entries));
    }

    public static String coexistenceName(int state) {
        return state == 0 ? "exclusive" : state == 1 ? "primary" : "not_primary";
    }
}
