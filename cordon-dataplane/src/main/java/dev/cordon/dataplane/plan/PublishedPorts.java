package dev.cordon.dataplane.plan;

import dev.cordon.dataplane.Family;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Published ports (SPEC §6): traffic that reaches one of this host's addresses and is forwarded after destination
 * NAT (Docker's published ports, any DNAT to a local container or namespace) is judged by its <em>original</em>
 * destination, the host's address and the published port, with the host's inbound policy, exactly as
 * {@code policy_check} explains a flow to the host. Without this, such traffic only meets FORWARD, where Cordon in
 * coexistence passes routed traffic on, so a peer the host's policy blocks reached the container.
 *
 * <p>What the judgement is, is backend-neutral and lives here: the rules of the plan's inbound chain
 * ({@code CORDON-INPUT}) in their order, first match decides, PASS = allowed, DROP = blocked, LOG = logged and
 * evaluated further (visibility only). Left out: the established pass (only a connection's first packet is judged;
 * later packets follow conntrack) and jumps to custom chains (custom statements are filter-table text for the
 * host's own INPUT; they do not judge forwarded traffic).
 *
 * <p>How a backend applies it is its own: iptables evaluates these rules in mangle PREROUTING, before any DNAT, for
 * new connections to a local address and marks what they block with {@link #BLOCKED_MARK}; mangle FORWARD drops a
 * marked packet whose connection was DNATed (and clears the mark everywhere else). A backend that can match
 * conntrack's original tuple (nftables: {@code ct original}) may judge in its forward chain directly instead.
 */
public final class PublishedPorts {
    /**
     * The packet-mark bit that carries "the host's policy blocks this connection's original destination" from the
     * pre-DNAT judgement to the forward hook. One bit, cleared before the packet leaves Cordon's hands; chosen
     * outside the bits Docker (none), kube-proxy (0x4000, 0x8000) and WireGuard tools (0xca6c) use.
     */
    public static final long BLOCKED_MARK = 0x2000000L;

    private PublishedPorts() {}

    /** The rules judging a published port of family {@code f}, in order; empty when the plan enforces nothing. */
    public static List<PlanRule> rules(Plan plan, Family f) {
        return judged(plan, f, FlowTags.unnamed(plan.mode())).stream().map(Judged::rule).toList();
    }

    /**
     * One judging rule with the flow tag it carries in {@code CORDON-INPUT} ({@link FlowTags#chain}), so a
     * published-port connection is tagged exactly as the host's own connection judged by the same rule
     * (docs/design/traffic-capture.md, "Published ports").
     */
    public record Judged(PlanRule rule, Optional<FlowTags.Tag> tag) {}

    /** {@link #rules} with each rule's flow tag from {@code tags}. */
    public static List<Judged> judged(Plan plan, Family f, FlowTags tags) {
        List<Judged> out = new ArrayList<>();
        for (PlanTable t : plan.tables(f)) {
            if (t.stage() != Stage.FILTER) continue;
            for (PlanChain c : t.chains()) {
                if (!c.name().equals("CORDON-INPUT")) continue;
                List<Optional<FlowTags.Tag>> chainTags = tags.chain(c);
                for (int i = 0; i < c.rules().size(); i++) {
                    PlanRule r = c.rules().get(i);
                    if (r.match() instanceof Match.Established) continue;
                    if (r.verdict() == PlanRule.Verdict.JUMP || r.verdict() == PlanRule.Verdict.CUSTOM) continue;
                    out.add(new Judged(r, chainTags.get(i)));
                }
            }
        }
        return out;
    }
}
