package dev.cordon.ven.flows;

import dev.cordon.policy.compile.Action;
import dev.cordon.policy.compile.AddressSet;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.PolicyEntry;
import dev.cordon.policy.membership.AddrRanges;
import dev.cordon.policy.membership.Hrefs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names the rule of a connection whose tag could not (one kernel rule, a class set, serves many policy entries):
 * among the policy's entries of the deciding kind that match the flow (peer and local address in their sets,
 * protocol, destination port or ICMP type/code), the first by natural href order, which is how the engine picks
 * the deciding rule of a kind. Immutable; built once per applied policy.
 */
final class ClassSetRules {
    private record Compiled(PolicyEntry entry, List<AddrRanges> peer, List<AddrRanges> local) {}

    /** Past this many remembered flows the memory is dropped and refilled (bounded, like the aggregator). */
    static final int MAX_REMEMBERED = 1 << 16;

    private final Map<String, List<Compiled>> byDirection = new HashMap<>();
    /**
     * The answer per flow key: the scan is over every entry of the direction and every range of their sets, and
     * the same few keys (one peer, one service) repeat for every connection, so each is scanned once. The answer
     * depends only on the key and this immutable policy, so remembering it cannot change it.
     */
    private final java.util.concurrent.ConcurrentHashMap<FlowKey, Optional<String>> remembered =
            new java.util.concurrent.ConcurrentHashMap<>();

    ClassSetRules(FirewallPolicy p) {
        Map<String, List<AddrRanges>> sets = new HashMap<>();
        for (AddressSet s : p.sets()) {
            List<AddrRanges> r = new ArrayList<>();
            for (String c : s.v4()) r.add(AddrRanges.parse(c, null));
            for (String c : s.v6()) r.add(AddrRanges.parse(c, null));
            sets.put(s.id(), r);
        }
        byDirection.put("inbound", compile(p.inbound(), sets));
        byDirection.put("outbound", compile(p.outbound(), sets));
    }

    private static List<Compiled> compile(List<PolicyEntry> entries, Map<String, List<AddrRanges>> sets) {
        List<Compiled> out = new ArrayList<>();
        for (PolicyEntry e : entries) {
            if (e.rule() == null) continue;
            out.add(new Compiled(e, e.peerSet() == null ? null : sets.getOrDefault(e.peerSet(), List.of()),
                    e.localSet() == null ? null : sets.getOrDefault(e.localSet(), List.of())));
        }
        return out;
    }

    /** The deciding rule of {@code decision} for the flow of {@code k}, if an entry of that kind matches. */
    Optional<String> rule(FlowKey k) {
        Optional<String> known = remembered.get(k);
        if (known != null) return known;
        Optional<String> r = scan(k);
        if (remembered.size() >= MAX_REMEMBERED) remembered.clear();
        remembered.put(k, r);
        return r;
    }

    private Optional<String> scan(FlowKey k) {
        List<Action> kinds = switch (k.decision()) {
            case "allowed" -> List.of(Action.ALLOW);
            case "potentially_blocked" -> List.of(Action.OVERRIDE_DENY);
            case "blocked" -> List.of(Action.OVERRIDE_DENY, Action.DENY);
            default -> List.of();
        };
        for (Action kind : kinds) {
            Optional<String> best = byDirection.getOrDefault(k.direction(), List.of()).stream()
                    .filter(c -> c.entry().action() == kind && matches(c, k))
                    .map(c -> c.entry().rule()).min(Hrefs.NATURAL);
            if (best.isPresent()) return best;
        }
        return Optional.empty();
    }

    private static boolean matches(Compiled c, FlowKey k) {
        PolicyEntry e = c.entry();
        if (e.proto() >= 0 && e.proto() != k.proto()) return false;
        if (e.port() != null && (k.port() == null || k.port() < e.port() || k.port() > e.lastPort())) return false;
        if (e.icmpType() != null && !e.icmpType().equals(k.icmpType())) return false;
        if (e.icmpCode() != null && !e.icmpCode().equals(k.icmpCode())) return false;
        if (c.peer() != null && c.peer().stream().noneMatch(r -> r.contains(k.peerIp()))) return false;
        return c.local() == null || c.local().stream().anyMatch(r -> r.contains(k.localIp()));
    }
}
