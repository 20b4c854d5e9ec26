package dev.cordon.policy.testing;

import dev.cordon.policy.compile.Action;
import dev.cordon.policy.compile.AddressSet;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.PolicyEntry;
import dev.cordon.policy.decide.Flow;
import dev.cordon.policy.decide.Verdict;
import dev.cordon.policy.membership.AddrRanges;
import java.util.List;

/**
 * A tiny, independent evaluator of a compiled {@link FirewallPolicy}: what the host would do with a flow, by walking
 * the entries as the rendered firewall does (override deny, allow, deny, default by mode). Property tests hold it
 * against the decision oracle.
 */
public final class FirewallEvaluator {
    private FirewallEvaluator() {}

    /** The verdict of the host owning {@code policy}, for a flow entering it ({@code inbound}) or leaving it. */
    public static Verdict verdict(FirewallPolicy policy, Flow flow, boolean inbound) {
        String peer = inbound ? flow.src() : flow.dst();
        String local = inbound ? flow.dst() : flow.src();
        boolean override = false;
        boolean allow = false;
        boolean deny = false;
        for (PolicyEntry e : inbound ? policy.inbound() : policy.outbound()) {
            if (!matches(policy, e, peer, local, flow)) continue;
            if (e.action() == Action.OVERRIDE_DENY) override = true;
            else if (e.action() == Action.ALLOW) allow = true;
            else deny = true;
        }
        return switch (policy.enforcementMode()) {
            case IDLE -> Verdict.NOT_ENFORCED;
            case FULL -> override || !allow ? Verdict.BLOCKED : Verdict.ALLOWED;
            case SELECTIVE -> override || (deny && !allow) ? Verdict.BLOCKED : Verdict.ALLOWED;
            case VISIBILITY_ONLY -> override || !allow ? Verdict.POTENTIALLY_BLOCKED : Verdict.ALLOWED;
        };
    }

    private static boolean matches(FirewallPolicy p, PolicyEntry e, String peer, String local, Flow f) {
        if (!in(p.set(e.peerSet()), peer)) return false;
        if (e.localSet() != null && !in(p.set(e.localSet()), local)) return false;
        if (e.proto() != -1 && e.proto() != f.proto()) return false;
        if (e.proto() == 1 || e.proto() == 58) return e.icmpType() == null || e.icmpType().equals(f.port());
        if (e.port() == null) return true;
        return f.port() != null && f.port() >= e.port() && f.port() <= e.lastPort();
    }

    private static boolean in(AddressSet s, String address) {
        for (List<String> cidrs : List.of(s.v4(), s.v6())) {
            for (String c : cidrs) {
                if (AddrRanges.parse(c, null).contains(address)) return true;
            }
        }
        return false;
    }
}
