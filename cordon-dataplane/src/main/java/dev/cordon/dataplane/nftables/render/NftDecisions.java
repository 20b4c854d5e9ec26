package dev.cordon.dataplane.nftables.render;

import dev.cordon.dataplane.plan.FlowTags;
import dev.cordon.dataplane.plan.PlanRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tag chains of one table: a deciding rule with a flow tag ({@link FlowTags}) is one rule that matches once and
 * jumps here, where the chain tags the connection and gives the verdict; one chain per (tag, verdict), shared by every
 * rule with the same tag. Without it the tag would be a rule of its own with the same match, which for a class set
 * is a second set lookup on every new connection.
 *
 * <ul>
 *   <li>{@code CORDON-M-<mark>-A}: the mark ({@link NftRenderer#tagStatement}, kept when a decision is already
 *       there), then accept (a pass);</li>
 *   <li>{@code CORDON-M-<mark>-L}: the mark, then the visibility-only log; it returns, so the packet goes on to the
 *       rules after the jump, as after a log rule;</li>
 *   <li>{@code CORDON-D-<rule index>}: the NFLOG log naming the rule, then drop.</li>
 * </ul>
 * Accept and drop in a jumped-to chain end the base chain, as they would in the rule that jumps.
 */
final class NftDecisions {
    private final Map<String, NftChain> chains = new LinkedHashMap<>();

    /** The name of the chain that tags with {@code tag} and then gives {@code verdict}, created on first use. */
    String chain(FlowTags.Tag tag, PlanRule.Verdict verdict) {
        String name;
        String last;
        if (tag instanceof FlowTags.Mark m) {
            String v = switch (verdict) {
                case PASS -> "A";
                case LOG -> "L";
                default -> throw new IllegalArgumentException("a mark tag comes with a pass or a log, not " + verdict);
            };
            name = "CORDON-M-" + String.format("%08x", m.value() & 0xffffffffL) + "-" + v;
            last = verdict == PlanRule.Verdict.PASS ? "accept" : NftRenderer.LOG;
        } else {
            FlowTags.LogDrop d = (FlowTags.LogDrop) tag;
            if (verdict != PlanRule.Verdict.DROP) throw new IllegalArgumentException("a log tag comes with a drop, not " + verdict);
            name = "CORDON-D-" + d.prefix().substring(d.prefix().lastIndexOf(' ') + 1);
            last = "drop";
        }
        chains.computeIfAbsent(name, n -> new NftChain(n, null, null, List.of(NftRenderer.tagStatement(tag), last)));
        return name;
    }

    /** The chains used so far, in order of first use (declared before the chains that jump to them). */
    List<NftChain> chains() {
        return new ArrayList<>(chains.values());
    }
}
