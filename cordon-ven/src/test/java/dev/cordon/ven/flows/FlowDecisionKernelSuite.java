package dev.cordon.ven.flows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.backend.Backends;
import dev.cordon.dataplane.flows.BlockedPacket;
import dev.cordon.dataplane.flows.ConnEvent;
import dev.cordon.dataplane.flows.capture.FlowCapture;
import dev.cordon.dataplane.kernel.Connectivity;
import dev.cordon.dataplane.kernel.DifferentialKernelSuite;
import dev.cordon.policy.Engine;
import dev.cordon.policy.decide.Decision;
import dev.cordon.policy.decide.EndDecision;
import dev.cordon.policy.decide.Flow;
import dev.cordon.policy.decide.Verdict;
import dev.cordon.policy.model.EnforcementMode;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The decision differential test of issue 17: random policies and flows (the generators of the dataplane's
 * {@link DifferentialKernelSuite}) enforced by the real kernel in namespaces ({@link Connectivity}) with the backend's
 * rendered flow tags; at every enforcing end the decision and the deciding rule that capture reports (conntrack mark
 * or NFLOG prefix through {@link FlowCapture}, named by the VEN's {@link Classifier}) must equal the engine's
 * {@code policy_check} for that end: {@code allowed}, {@code blocked} or {@code potentially_blocked}, with the rule,
 * or none when the mode's default decided. Each document has managed workloads in full, visibility_only and selective
 * mode and one coexistence state (exclusive, primary, not primary in turn). Once per backend
 * ({@link IptablesFlowDecisionKernelTest}, {@link NftablesFlowDecisionKernelTest}); the base seed is printed on
 * failure, {@code -Dcordon.diff.seed=N} replays.
 */
abstract class FlowDecisionKernelSuite {
    private static final int FLOWS_PER_DOCUMENT = 20;
    private static final int DOCUMENTS = 3;
    private static final EnforcementMode[] MODES = {EnforcementMode.FULL, EnforcementMode.VISIBILITY_ONLY,
            EnforcementMode.SELECTIVE};
    /** Capture is asynchronous (NFLOG flushes every 0.5 s): how long to wait for an end's record after the probes. */
    private static final long SETTLE_MILLIS = 10_000;

    /** The backend under test. */
    protected abstract Backends.Choice backend();

    /** One end of one probe: where capture must see it and what the engine says there. */
    record End(Connectivity.Probe probe, String host, String direction, String peer, int proto, int port,
               String decision, String rule) {
        String expected() {
            return decision + (rule == null ? " (the mode's default)" : " by " + rule);
        }
    }

    @Test
    void everyEndReportsTheEnginesDecisionAndRule() throws Exception {
        long base = Long.getLong("cordon.diff.seed", System.currentTimeMillis());
        List<String> report = new ArrayList<>();
        Map<String, Integer> compared = new TreeMap<>();
        ExecutorService probes = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < DOCUMENTS; i++) {
                long seed = base + i;
                Random r = new Random(seed);
                PolicyDocument doc = withModes(DifferentialKernelSuite.randomDocument(r, i % 3), i);
                Engine engine = Engine.of(doc);
                List<Connectivity.Probe> flows = new ArrayList<>(
                        DifferentialKernelSuite.randomFlows(r, doc, engine, FLOWS_PER_DOCUMENT).keySet());
                List<End> ends = ends(engine, flows);
                List<String> bad = run(doc, engine, flows, ends, probes);
                ends.forEach(e -> compared.merge(e.decision(), 1, Integer::sum));
                if (!bad.isEmpty()) {
                    report.add("seed " + seed + " (coexistence " + DifferentialKernelSuite.coexistenceName(i % 3) + "):\n"
                            + String.join("\n", bad));
                }
            }
        } finally {
            probes.shutdownNow();
        }
        assertThat(report).as("ends where capture and policy_check disagree (base seed %d, ends compared %s):%n%s", base,
                compared, String.join("\n", report)).isEmpty();
        assertThat(compared).as("every decision kind was compared").containsKeys("allowed", "blocked", "potentially_blocked");
    }

    /** Managed workloads take the three enforcing modes in turn (shifted per document), so every document has each. */
    static PolicyDocument withModes(PolicyDocument doc, int shift) {
        List<Workload> ws = new ArrayList<>();
        int k = shift;
        for (Workload w : doc.workloadsOrEmpty()) {
            ws.add(w.isManaged() ? w.withEnforcementMode(MODES[k++ % MODES.length]) : w);
        }
        return doc.withWorkloads(ws);
    }

    /** The enforcing ends of every flow: the source's outbound record, the destination's inbound one if it got there. */
    static List<End> ends(Engine engine, List<Connectivity.Probe> flows) {
        List<End> out = new ArrayList<>();
        for (Connectivity.Probe p : flows) {
            String src = address(engine, p.from());
            String dst = address(engine, p.to());
            int proto = p.proto().equals("tcp") ? 6 : 17;
            Decision d = engine.explain(new Flow(src, dst, proto, p.port()));
            if (d.source().verdict() != Verdict.NOT_ENFORCED) out.add(end(p, p.from(), "outbound", dst, proto, d.source()));
            if (d.destination().verdict() != Verdict.NOT_ENFORCED && d.source().verdict() != Verdict.BLOCKED) {
                out.add(end(p, p.to(), "inbound", src, proto, d.destination()));
            }
        }
        return out;
    }

    private static End end(Connectivity.Probe p, String host, String direction, String peer, int proto, EndDecision e) {
        return new End(p, host, direction, peer, proto, p.port(), e.verdict().wire(), e.rule() == null ? null : e.rule().href());
    }

    private static String address(Engine engine, String end) {
        return engine.findWorkload(end).map(w -> w.interfacesOrEmpty().get(0).address()).orElse(end);
    }

    /** One document through the kernel; the lines of the ends that disagree. */
    private List<String> run(PolicyDocument doc, Engine engine, List<Connectivity.Probe> flows, List<End> ends,
                             ExecutorService pool) throws Exception {
        Map<String, ConcurrentLinkedQueue<FlowKey>> seen = new ConcurrentHashMap<>();
        Map<Connectivity.Probe, Boolean> passed = new ConcurrentHashMap<>();
        List<Long> lostEvents = new ArrayList<>();
        List<FlowCapture> captures = new ArrayList<>();
        try (Connectivity net = new Connectivity(doc, flows, Map.of(), backend())) {
            try {
                for (String host : new TreeSet<>(net.dataplanes().keySet())) {
                    Workload w = engine.findWorkload(host).orElseThrow();
                    Classifier c = Classifier.of(Set.of(w.interfacesOrEmpty().get(0).address()), engine.compile(host, 1));
                    ConcurrentLinkedQueue<FlowKey> keys = new ConcurrentLinkedQueue<>();
                    seen.put(host, keys);
                    captures.add(FlowCapture.start(FlowCapture.Config.of(Optional.of(net.host(host).ns)),
                            new FlowCapture.Sink() {
                                @Override
                                public void connection(ConnEvent e) {
                                    if (e.kind() == ConnEvent.Kind.NEW) c.key(e).ifPresent(keys::add);
                                }

                                @Override
                                public void blocked(BlockedPacket p) {
                                    c.key(p).ifPresent(keys::add);
                                }
                            }));
                }
                probe(net, flows, pool, passed);
                settle(seen, ends);
                // a probe that left no record at all is sent once more: on a loaded machine a probe process can
                // starve past its timeout before its first packet; a wrong record is never retried
                List<Connectivity.Probe> again = ends.stream().filter(e -> got(seen, e).isEmpty()).map(End::probe)
                        .distinct().toList();
                if (!again.isEmpty()) {
                    probe(net, again, pool, passed);
                    settle(seen, ends);
                }
                Thread.sleep(600); // one more NFLOG flush: a second, different record for an end would show now
                long lost = captures.stream().mapToLong(FlowCapture::kernelLost).sum();
                if (lost > 0) lostEvents.add(lost);
            } finally {
                for (FlowCapture c : captures) c.close();
            }
        }
        List<String> bad = new ArrayList<>();
        if (!lostEvents.isEmpty()) bad.add("  (the kernel dropped " + lostEvents.get(0) + " capture events)");
        for (End e : ends) {
            Set<String> got = got(seen, e);
            String want = e.expected();
            if (!got.equals(Set.of(want))) {
                bad.add("  " + e.probe() + " at " + e.host() + " (" + e.direction() + "): policy_check " + want
                        + ", capture " + (got.isEmpty() ? "nothing" : String.join(" | ", got))
                        + (Boolean.TRUE.equals(passed.get(e.probe())) ? " (the probe got through)" : " (the probe did not get through)"));
            }
        }
        return bad.size() == lostEvents.size() ? List.of() : bad;
    }

    /** Sends the probes in parallel (a blocked one waits out its timeout), remembering which got through. */
    private static void probe(Connectivity net, List<Connectivity.Probe> probes, ExecutorService pool,
                              Map<Connectivity.Probe, Boolean> passed) throws Exception {
        Map<Connectivity.Probe, Future<Boolean>> done = new LinkedHashMap<>();
        for (Connectivity.Probe p : probes) done.put(p, pool.submit(() -> net.passes(p)));
        for (Map.Entry<Connectivity.Probe, Future<Boolean>> f : done.entrySet()) passed.put(f.getKey(), f.getValue().get());
    }

    /** Waits until every end has a record, at most {@link #SETTLE_MILLIS}. */
    private static void settle(Map<String, ConcurrentLinkedQueue<FlowKey>> seen, List<End> ends) throws InterruptedException {
        long deadline = System.currentTimeMillis() + SETTLE_MILLIS;
        while (System.currentTimeMillis() < deadline && ends.stream().anyMatch(e -> got(seen, e).isEmpty())) {
            Thread.sleep(100);
        }
    }

    /** What capture recorded for an end, as decision and rule text (a reason, if any, appended). */
    private static Set<String> got(Map<String, ConcurrentLinkedQueue<FlowKey>> seen, End e) {
        Set<String> out = new TreeSet<>();
        for (FlowKey k : seen.getOrDefault(e.host(), new ConcurrentLinkedQueue<>())) {
            if (!k.direction().equals(e.direction()) || !k.peerIp().equals(e.peer()) || k.proto() != e.proto()
                    || k.port() == null || k.port() != e.port() || k.snapshot()) {
                continue;
            }
            out.add(k.decision() + (k.ruleHref() == null ? " (the mode's default)" : " by " + k.ruleHref())
                    + (k.reason() == null ? "" : " reason " + k.reason()));
        }
        return out;
    }
}
