package dev.cordon.ven.flows;

import dev.cordon.dataplane.flows.BlockedPacket;
import dev.cordon.dataplane.flows.ConnEvent;
import dev.cordon.dataplane.flows.FlowMark;
import dev.cordon.dataplane.flows.RuleIndex;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A kernel event → its {@link FlowKey}: direction from the workload's own addresses (a connection between two
 * foreign addresses, routed through the host, or between two of its own, is not this workload's flow: empty), the
 * decision and rule from Cordon's tag ({@link FlowMark}) mapped through the enforced policy's {@link RuleIndex}.
 * A connection without Cordon's tag was not decided by Cordon: {@code unknown}, reason
 * {@code established_before_start} when it was already there at start (the snapshot) and
 * {@code accepted_outside_cordon} otherwise (a foreign rule accepted it before Cordon's jump). Immutable; a new
 * policy gives a new classifier.
 */
public record Classifier(Set<String> local, RuleIndex rules, Long policyVersion, ClassSetRules classSets) {
    public static final String UNKNOWN = "unknown";
    public static final String OUTSIDE = "accepted_outside_cordon";
    public static final String BEFORE_START = "established_before_start";
    /** Decided by a Cordon rule that shares one kernel rule (a class set) with others: the rule is not named. */
    public static final String NOT_NAMED = "rule_not_named";

    public Classifier {
        local = Set.copyOf(local);
    }

    /** Without the policy's entries: a class-set tag is reported as {@code rule_not_named}. */
    public Classifier(Set<String> local, RuleIndex rules, Long policyVersion) {
        this(local, rules, policyVersion, null);
    }

    /** For the policy in force: its rule table, version and entries. */
    public static Classifier of(Set<String> local, dev.cordon.policy.compile.FirewallPolicy p) {
        return new Classifier(local, RuleIndex.of(p), p.version(), new ClassSetRules(p));
    }

    public Optional<FlowKey> key(ConnEvent e) {
        boolean srcLocal = local.contains(e.src());
        boolean dstLocal = local.contains(e.dst());
        if (srcLocal == dstLocal) return Optional.empty();
        String direction = dstLocal ? "inbound" : "outbound";
        String peer = dstLocal ? e.src() : e.dst();
        String me = dstLocal ? e.dst() : e.src();
        boolean snapshot = e.kind() == ConnEvent.Kind.SNAPSHOT;
        Optional<FlowMark.Tag> tag = FlowMark.decode(e.mark());
        String decision = tag.map(FlowMark.Tag::decision).orElse(UNKNOWN);
        String reason = tag.isPresent() ? (tag.get().index() == FlowMark.OVERFLOW ? NOT_NAMED : null)
                : snapshot ? BEFORE_START : OUTSIDE;
        String rule = tag.map(t -> rules.href(t.index())).orElse(null);
        return Optional.of(key(direction, me, peer, e.proto(), e.dstPort(), e.icmpType(), e.icmpCode(), decision,
                reason, rule, snapshot));
    }

    /** A packet Cordon's drop rule logged; empty for another program's log prefix or a foreign pair of addresses. */
    public Optional<FlowKey> key(BlockedPacket p) {
        OptionalInt index = FlowMark.blockedIndex(p.prefix());
        if (index.isEmpty()) return Optional.empty();
        boolean srcLocal = local.contains(p.src());
        boolean dstLocal = local.contains(p.dst());
        if (srcLocal == dstLocal) return Optional.empty();
        String direction = dstLocal ? "inbound" : "outbound";
        return Optional.of(key(direction, dstLocal ? p.dst() : p.src(), dstLocal ? p.src() : p.dst(), p.proto(),
                p.dstPort(), p.icmpType(), p.icmpCode(), "blocked",
                index.getAsInt() == FlowMark.OVERFLOW ? NOT_NAMED : null, rules.href(index.getAsInt()), false));
    }

    private FlowKey key(String direction, String me, String peer, int proto, int port, int type, int code,
                        String decision, String reason, String rule, boolean snapshot) {
        boolean icmp = proto == 1 || proto == 58;
        FlowKey k = new FlowKey(direction, me, peer, proto, icmp || port < 0 ? null : port,
                icmp && type >= 0 ? type : null, icmp && code >= 0 ? code : null, decision, reason, rule,
                policyVersion, snapshot);
        if (NOT_NAMED.equals(reason) && classSets != null) {
            Optional<String> named = classSets.rule(k);
            if (named.isPresent()) {
                k = new FlowKey(direction, k.localIp(), peer, proto, k.port(), k.icmpType(), k.icmpCode(), decision,
                        null, named.get(), policyVersion, snapshot);
            }
        }
        return k;
    }
}
