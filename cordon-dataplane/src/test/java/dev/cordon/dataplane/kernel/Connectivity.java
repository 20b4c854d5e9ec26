package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.policy.Engine;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Real-packet verdicts for flows under a policy document: one namespace per workload or external address that a
 * flow names, each workload's compiled policy applied inside its namespace through a {@link Dataplane} backend, listeners on
 * every destination, and one real TCP connect (or UDP echo) per flow. The scenario kernel test uses it, and it is
 * the hook for the differential test: feed it the engine's random documents and flows and compare with
 * {@code Engine.explain}.
 */
public final class Connectivity implements AutoCloseable {
    /** A flow between two ends (workload names or addresses). */
    public record Probe(String from, String to, int port, String proto) {
        @Override
        public String toString() {
            return from + " -> " + to + " : " + port + "/" + proto;
        }
    }

    private final Lab lab = Lab.create();
    private final Map<String, Lab.Host> hosts = new LinkedHashMap<>();
    private final Map<String, Dataplane> dataplanes = new LinkedHashMap<>();

    /**
     * Builds the namespaces for {@code probes}, installs {@code foreign} rules (workload name → iptables argument
     * lists) and applies each workload's policy (compiled at version 1) with the {@code backend} dataplane.
     */
    public Connectivity(PolicyDocument doc, List<Probe> probes, Map<String, List<List<String>>> foreign,
                        Backends.Choice backend) {
        try {
            Engine engine = Engine.of(doc);
            Set<String> ends = new LinkedHashSet<>(foreign.keySet());
            for (Probe p : probes) {
                ends.add(p.from());
                ends.add(p.to());
            }
            for (String end : ends) hosts.put(end, lab.host(address(engine, end)));
            Map<String, Set<String>> listen = new LinkedHashMap<>();
            for (Probe p : probes) listen.computeIfAbsent(p.to(), k -> new LinkedHashSet<>()).add(p.proto() + ":" + p.port());
            listen.forEach((end, specs) -> hosts.get(end).listen(specs));
            foreign.forEach((end, rules) -> rules.forEach(r -> hosts.get(end).iptables(r)));
            for (String end : ends) {
                if (engine.findWorkload(end).filter(Workload::isManaged).isEmpty()) continue;
                Dataplane dp = hosts.get(end).dataplane(backend);
                dp.apply(engine.compile(end, 1));
                dataplanes.put(end, dp);
            }
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    private static String address(Engine engine, String end) {
        return engine.findWorkload(end).map(w -> w.interfacesOrEmpty().get(0).address()).orElse(end);
    }

    public Lab.Host host(String end) {
        return hosts.get(end);
    }

    public Map<String, Dataplane> dataplanes() {
        return dataplanes;
    }

    /** True when the flow got through. */
    public boolean passes(Probe p) {
        return hosts.get(p.from()).reaches(hosts.get(p.to()).address, p.port(), p.proto());
    }

    /** Every probe's verdict, in order ("allowed"/"blocked"). */
    public Map<Probe, String> matrix(List<Probe> probes) {
        Map<Probe, String> out = new LinkedHashMap<>();
        for (Probe p : probes) out.put(p, passes(p) ? "allowed" : "blocked");
        return out;
    }

    /** The matrix as lines, for failure messages. */
    public static String describe(Map<Probe, String> expected, Map<Probe, String> actual) {
        List<String> lines = new ArrayList<>();
        expected.forEach((p, e) -> lines.add((e.equals(actual.get(p)) ? "   " : "!! ") + p + " expect " + e
                + " got " + actual.get(p)));
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        lab.close();
    }
}
