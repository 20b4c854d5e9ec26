package dev.cordon.pce.traffic.generator;

import dev.cordon.pce.traffic.generator.ObservedFlow.End;
import dev.cordon.pce.traffic.generator.Proposal.Actor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Policy Generator: proposes the allow rules that cover an app group's observed flows which the draft policy does
 * not allow yet. Pure: flows in, a {@link Proposal} out; the console runs the query and writes the proposal to the
 * draft only when the user confirms it.
 *
 * <p>The flows of the group are those it reported: inbound records of its workloads (destination in the group) and
 * outbound records (source in the group); a flow both ends reported counts once. A rule names a workload of the group
 * by its labels outside the group's keys (its role), or by the workload itself when it has none; a consumer of another
 * group by all its labels (an extra-scope rule); unmanaged peers by an IP list of their addresses (peers with the same
 * services share one list). Ports seen on one rule are consolidated into at most {@code maxPortEntries} ranges per
 * protocol. A flow from the group to a workload of another group is left uncovered: its providers would be outside
 * the group's scope, so its rule belongs in the other group's rule set.
 */
public final class RuleGenerator {
    /** Ranges per protocol and rule beyond which the closest ports are joined. */
    public static final int DEFAULT_MAX_PORT_ENTRIES = 8;

    private RuleGenerator() {}

    public static Proposal propose(AppGroup group, List<ObservedFlow> flows) {
        return propose(group, flows, DEFAULT_MAX_PORT_ENTRIES);
    }

    public static Proposal propose(AppGroup group, List<ObservedFlow> flows, int maxPortEntries) {
        Map<ObservedFlow.Key, Seen> seen = new LinkedHashMap<>();
        for (ObservedFlow f : flows) {
            boolean ours = f.direction().equals("inbound") ? group.contains(f.dst()) : group.contains(f.src());
            if (!ours) continue;
            seen.computeIfAbsent(f.key(), k -> new Seen(f)).add(f);
        }
        long total = 0;
        long allowed = 0;
        long covered = 0;
        // rules whose both sides are actors: (kind, providers, consumers) -> ports; unmanaged: per peer first
        Map<List<Object>, Ports> labelled = new TreeMap<>(LIST_ORDER);
        Map<List<Object>, Map<String, Ports>> byPeer = new TreeMap<>(LIST_ORDER);
        List<Proposal.Uncovered> uncovered = new ArrayList<>();
        for (Seen s : seen.values()) {
            total += s.connections;
            if (s.allowed) {
                allowed += s.connections;
                continue;
            }
            ObservedFlow f = s.flow;
            if (group.contains(f.dst())) {
                List<Actor> providers = members(group, f.dst());
                if (group.contains(f.src())) {
                    labelled.computeIfAbsent(List.of("intra_scope", providers, members(group, f.src())), k -> new Ports()).add(s);
                } else if (f.src().isWorkload()) {
                    labelled.computeIfAbsent(List.of("extra_scope", providers, everything(f.src())), k -> new Ports()).add(s);
                } else {
                    byPeer.computeIfAbsent(List.of("unmanaged_consumers", providers), k -> new TreeMap<>())
                            .computeIfAbsent(f.src().ip(), k -> new Ports()).add(s);
                }
            } else if (f.dst().isWorkload()) {
                uncovered.add(new Proposal.Uncovered(f, "The destination " + f.dst().ip() + " is a workload outside "
                        + group.name() + ": a rule for it belongs in the rule set of its own app group."));
                continue;
            } else {
                byPeer.computeIfAbsent(List.of("unmanaged_providers", members(group, f.src())), k -> new TreeMap<>())
                        .computeIfAbsent(f.dst().ip(), k -> new Ports()).add(s);
            }
            covered += s.connections;
        }
        List<Proposal.Rule> rules = new ArrayList<>();
        for (Map.Entry<List<Object>, Ports> e : labelled.entrySet()) {
            @SuppressWarnings("unchecked") List<Actor> providers = (List<Actor>) e.getKey().get(1);
            @SuppressWarnings("unchecked") List<Actor> consumers = (List<Actor>) e.getKey().get(2);
            String kind = (String) e.getKey().get(0);
            Ports p = e.getValue();
            rules.add(new Proposal.Rule(kind, providers, consumers, kind.equals("extra_scope"), p.ranges(maxPortEntries),
                    p.flows, p.connections));
        }
        List<Proposal.IpList> ipLists = new ArrayList<>();
        for (Map.Entry<List<Object>, Map<String, Ports>> e : byPeer.entrySet()) {
            String kind = (String) e.getKey().get(0);
            @SuppressWarnings("unchecked") List<Actor> side = (List<Actor>) e.getKey().get(1);
            // peers with the same services share one IP list and one rule
            Map<List<PortRange>, List<String>> peersByServices = new TreeMap<>(LIST_ORDER);
            Map<List<PortRange>, Ports> totals = new TreeMap<>(LIST_ORDER);
            for (Map.Entry<String, Ports> peer : e.getValue().entrySet()) {
                List<PortRange> services = peer.getValue().ranges(maxPortEntries);
                peersByServices.computeIfAbsent(services, k -> new ArrayList<>()).add(peer.getKey());
                totals.computeIfAbsent(services, k -> new Ports()).merge(peer.getValue());
            }
            for (Map.Entry<List<PortRange>, List<String>> ps : peersByServices.entrySet()) {
                int index = ipLists.size();
                ipLists.add(new Proposal.IpList(group.name() + (kind.equals("unmanaged_consumers") ? " clients " : " servers ")
                        + (index + 1), ps.getValue()));
                Ports t = totals.get(ps.getKey());
                List<Actor> list = List.of(Actor.ipList(index));
                rules.add(kind.equals("unmanaged_consumers")
                        ? new Proposal.Rule(kind, side, list, true, ps.getKey(), t.flows, t.connections)
                        : new Proposal.Rule(kind, list, side, false, ps.getKey(), t.flows, t.connections));
            }
        }
        return new Proposal(group, rules, ipLists, uncovered, new Proposal.Coverage(total, allowed),
                new Proposal.Coverage(total, allowed + covered));
    }

    /** A workload of the group as a rule names it: its labels of keys outside the group's, else the workload. */
    static List<Actor> members(AppGroup group, End e) {
        List<Actor> out = new ArrayList<>();
        e.labels().stream().filter(l -> !group.keys().contains(l.key()))
                .sorted(Comparator.comparing(ObservedFlow.Label::key)).forEach(l -> out.add(Actor.label(l.href())));
        return out.isEmpty() ? List.of(Actor.workload(e.workload())) : List.copyOf(out);
    }

    /** A workload of another group: all its labels (one per key, so they are ANDed), else the workload. */
    static List<Actor> everything(End e) {
        List<Actor> out = new ArrayList<>();
        e.labels().stream().sorted(Comparator.comparing(ObservedFlow.Label::key)).forEach(l -> out.add(Actor.label(l.href())));
        return out.isEmpty() ? List.of(Actor.workload(e.workload())) : List.copyOf(out);
    }

    /** One flow as seen by one or both ends: counted once, allowed only when every reporting end allows it. */
    private static final class Seen {
        final ObservedFlow flow;
        long connections;
        boolean allowed = true;

        Seen(ObservedFlow flow) {
            this.flow = flow;
        }

        void add(ObservedFlow f) {
            connections = Math.max(connections, f.connections());
            allowed &= f.allowed();
        }
    }

    /** The services one rule must open, and what it covers. */
    private static final class Ports {
        final Map<Integer, SortedSet<Integer>> ports = new TreeMap<>();
        final SortedSet<Integer> wholeProtocols = new TreeSet<>();
        int flows;
        long connections;

        void add(Seen s) {
            if (s.flow.port() == null) wholeProtocols.add(s.flow.proto());
            else ports.computeIfAbsent(s.flow.proto(), k -> new TreeSet<>()).add(s.flow.port());
            flows++;
            connections += s.connections;
        }

        void merge(Ports o) {
            o.ports.forEach((proto, set) -> ports.computeIfAbsent(proto, k -> new TreeSet<>()).addAll(set));
            wholeProtocols.addAll(o.wholeProtocols);
            flows += o.flows;
            connections += o.connections;
        }

        List<PortRange> ranges(int maxEntries) {
            List<PortRange> out = new ArrayList<>();
            for (int proto : wholeProtocols) out.add(new PortRange(proto, null, null));
            ports.forEach((proto, set) -> {
                if (!wholeProtocols.contains(proto)) out.addAll(PortRanges.consolidate(proto, set, maxEntries));
            });
            out.sort(null);
            return List.copyOf(out);
        }
    }

    /** Orders keys made of strings, actor lists and port range lists by their text, so proposals are deterministic. */
    private static final Comparator<List<?>> LIST_ORDER = Comparator.comparing(Object::toString);
}
