package dev.cordon.policy.decide;

import dev.cordon.policy.membership.Hrefs;
import dev.cordon.policy.membership.Resolved;
import dev.cordon.policy.membership.RuleScope;
import dev.cordon.policy.model.EnforcementMode;
import dev.cordon.policy.model.Workload;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The decision oracle: the reference answer to "is this flow allowed". It evaluates membership per workload,
 * directly from the definitions (never through the compiler's index), so that property tests can hold the compiled
 * firewall policies against it.
 *
 * <p>A rule matches a flow when the source belongs to its consumers, the destination to its providers (within one
 * scope), and a service matches. The matching rules are the same for both ends; each managed end then applies the
 * mode table of SPEC §3 to them. The deciding rule of a kind is the first by href, so document order never matters.
 */
public final class Oracle {
    private static final Comparator<RuleScope> BY_HREF =
            Comparator.comparing((RuleScope s) -> s.rule().href(), Hrefs.NATURAL);

    private Oracle() {}

    public static Decision explain(Resolved r, Flow flow) {
        List<Integer> srcWs = r.workloadsAt(flow.src());
        List<Integer> dstWs = r.workloadsAt(flow.dst());
        Map<String, RuleScope> override = new TreeMap<>(Hrefs.NATURAL);
        Map<String, RuleScope> allow = new TreeMap<>(Hrefs.NATURAL);
        Map<String, RuleScope> deny = new TreeMap<>(Hrefs.NATURAL);
        for (RuleScope s : r.ruleScopes()) {
            if (!Ports.anyMatches(s.ports(), flow.proto(), flow.port())) continue;
            if (!sourceMatches(r, s, flow, srcWs) || !destinationMatches(r, s, flow, dstWs)) continue;
            Map<String, RuleScope> into = switch (s.kind()) {
                case OVERRIDE_DENY -> override;
                case ALLOW -> allow;
                case DENY -> deny;
            };
            into.putIfAbsent(s.rule().href(), s);
        }
        RuleScope o = first(override);
        RuleScope a = first(allow);
        RuleScope d = first(deny);
        EndDecision source = end(r, srcWs, o, a, d);
        EndDecision destination = end(r, dstWs, o, a, d);
        boolean allowed = source.verdict() != Verdict.BLOCKED && destination.verdict() != Verdict.BLOCKED;
        return new Decision(flow, allowed, source, destination, refs(allow), refs(deny), refs(override));
    }

    private static boolean sourceMatches(Resolved r, RuleScope s, Flow f, List<Integer> srcWs) {
        if (s.consumers().addresses().contains(f.src())) return true;
        for (int w : srcWs) {
            if (s.consumerWorkload(w, r)) return true;
        }
        return false;
    }

    private static boolean destinationMatches(Resolved r, RuleScope s, Flow f, List<Integer> dstWs) {
        if (s.providers().addresses().contains(f.dst())) return true;
        for (int w : dstWs) {
            if (s.providerWorkload(w, r)) return true;
        }
        return false;
    }

    private static RuleScope first(Map<String, RuleScope> m) {
        return m.isEmpty() ? null : m.values().iterator().next();
    }

    private static List<RuleRef> refs(Map<String, RuleScope> m) {
        List<RuleRef> out = new ArrayList<>();
        for (RuleScope s : m.values()) out.add(ref(s));
        out.sort(Comparator.comparing(RuleRef::href, Hrefs.NATURAL));
        return out;
    }

    static RuleRef ref(RuleScope s) {
        if (s == null) return null;
        String kind = switch (s.kind()) {
            case OVERRIDE_DENY -> RuleRef.OVERRIDE_DENY;
            case ALLOW -> RuleRef.ALLOW;
            case DENY -> RuleRef.DENY;
        };
        return new RuleRef(s.rule().href(), s.ruleSet().href(), s.ruleSet().name(), kind);
    }

    /** One end's verdict: the first managed workload at that address decides by its mode. */
    private static EndDecision end(Resolved r, List<Integer> ws, RuleScope o, RuleScope a, RuleScope d) {
        Workload managed = null;
        for (int w : ws) {
            if (r.workload(w).isManaged()) {
                managed = r.workload(w);
                break;
            }
        }
        if (managed == null) {
            String who = ws.isEmpty() ? null : r.workload(ws.get(0)).display();
            return new EndDecision(Verdict.NOT_ENFORCED, null, who,
                    ws.isEmpty() ? "not a workload: nothing enforces here" : "unmanaged workload: nothing enforces here");
        }
        return decide(managed.effectiveMode(), o, a, d, managed.display());
    }

    /** The mode table of SPEC §3. */
    static EndDecision decide(EnforcementMode mode, RuleScope o, RuleScope a, RuleScope d, String who) {
        return switch (mode) {
            case IDLE -> new EndDecision(Verdict.NOT_ENFORCED, null, who, "idle: the VEN leaves the firewall alone");
            case FULL -> o != null ? new EndDecision(Verdict.BLOCKED, ref(o), who, "override deny rule")
                    : a != null ? new EndDecision(Verdict.ALLOWED, ref(a), who, "allow rule")
                    : new EndDecision(Verdict.BLOCKED, null, who, "full enforcement: no allow rule matches");
            case SELECTIVE -> o != null ? new EndDecision(Verdict.BLOCKED, ref(o), who, "override deny rule")
                    : a != null ? new EndDecision(Verdict.ALLOWED, ref(a), who, "allow rule")
                    : d != null ? new EndDecision(Verdict.BLOCKED, ref(d), who, "deny rule, and no allow rule matches")
                    : new EndDecision(Verdict.ALLOWED, null, who, "selective enforcement: no deny rule matches");
            case VISIBILITY_ONLY -> o != null
                    ? new EndDecision(Verdict.POTENTIALLY_BLOCKED, ref(o), who, "visibility only; an override deny rule would block")
                    : a != null ? new EndDecision(Verdict.ALLOWED, ref(a), who, "allow rule")
                    : new EndDecision(Verdict.POTENTIALLY_BLOCKED, null, who, "visibility only; full enforcement would block: no allow rule matches");
        };
    }
}
