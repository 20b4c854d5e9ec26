package dev.cordon.dataplane.nftables.render;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.plan.Plan;
import dev.cordon.dataplane.plan.PlanRule;
import dev.cordon.dataplane.plan.PublishedPorts;
import dev.cordon.policy.model.EnforcementMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The nftables form of {@link PublishedPorts}: a DNATed, forwarded connection (Docker's published ports) is judged by
 * its original destination, the host's address and port, with the host's inbound rules. Three base chains of
 * Cordon's table, all at {@value #PRIORITY} (after conntrack at -200, before nat prerouting at -100 where Docker
 * DNATs, before filter forward at 0 where Docker accepts, and clear of iptables-nft's mangle at -150, since equal
 * priorities run in an undefined order):
 *
 * <ul>
 *   <li>{@code published-prerouting}: a new connection to a local address ({@code fib daddr type local}) enters
 *       {@value #CHAIN}, the host's inbound rules rendered exactly as in {@code CORDON-INPUT} (the packet still carries
 *       its original destination here); what they allow is accepted (which ends only this base chain), what they
 *       block (visibility only: would block) jumps to {@value #MARK_CHAIN}, which sets
 *       {@link PublishedPorts#BLOCKED_MARK}. Nothing is dropped here: the host's own traffic is decided in
 *       {@code filter-input} at its coexistence place.</li>
 *   <li>{@code published-forward}: a marked packet whose connection was DNATed ({@code ct status dnat}) is dropped
 *       (visibility only: logged), then the bit is cleared. A drop is final in nftables, so this holds whatever
 *       Docker's or anyone's later base chains accept, in every coexistence state.</li>
 *   <li>{@code published-input}: the bit is cleared from the host's own traffic before any other firewall sees it.</li>
 * </ul>
 *
 * <p>The mark, not {@code ct original} fields in the forward chain, because "to a local address" is only known
 * before the DNAT ({@code fib} looks at the packet's destination): a DNAT to a service address that is not the
 * host's (kube-proxy's cluster IPs) must not be judged by the host's inbound policy. The iptables backend uses the
 * same bit for the same reason. Nothing is rendered when the host's inbound rules block nothing.
 */
final class NftPublishedPorts {
    static final String CHAIN = "CORDON-PUBLISHED";
    static final String MARK_CHAIN = "CORDON-PUBLISHED-MARK";
    static final int PRIORITY = -160;
    private static final String BIT = PassMark.hex((int) PublishedPorts.BLOCKED_MARK);
    private static final String MARKED = "meta mark & " + BIT + " == " + BIT + " ";
    private static final String CLEAR = MARKED + "meta mark set meta mark & " + PassMark.hex(~(int) PublishedPorts.BLOCKED_MARK);

    private NftPublishedPorts() {}

    /** The chains of family {@code f}'s table for published ports (regular chains first, each before the chains that jump to it); empty when none are needed. */
    static List<NftChain> chains(NftRenderer renderer, Plan plan, Family f) {
        List<PlanRule> judge = PublishedPorts.rules(plan, f);
        boolean blocksAny = judge.stream().anyMatch(x -> x.verdict() == PlanRule.Verdict.DROP
                || x.verdict() == PlanRule.Verdict.LOG);
        if (!blocksAny) return List.of();
        List<String> published = new ArrayList<>();
        for (PlanRule x : judge) {
            published.addAll(renderer.rules(switch (x.verdict()) {
                case PASS -> x;
                case DROP, LOG -> new PlanRule(x.match(), PlanRule.Verdict.JUMP, MARK_CHAIN);
                default -> throw new IllegalStateException("no published-port form for " + x.verdict());
            }));
        }
        boolean visibility = plan.mode() == EnforcementMode.VISIBILITY_ONLY;
        List<NftChain> out = new ArrayList<>();
        out.add(new NftChain(MARK_CHAIN, null, null, List.of("meta mark set meta mark | " + BIT)));
        out.add(new NftChain(CHAIN, null, null, published));
        out.add(new NftChain("published-prerouting", "prerouting", PRIORITY,
                List.of("ct state new fib daddr type local jump " + CHAIN)));
        out.add(new NftChain("published-input", "input", PRIORITY, List.of(CLEAR)));
        out.add(new NftChain("published-forward", "forward", PRIORITY, List.of(
                MARKED + "ct status dnat " + (visibility ? NftRenderer.LOG : "drop"), CLEAR)));
        return out;
    }
}
