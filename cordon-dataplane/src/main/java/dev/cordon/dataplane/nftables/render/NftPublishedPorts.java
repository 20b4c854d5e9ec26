package dev.cordon.dataplane.nftables.render;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.flows.FlowMark;
import dev.cordon.dataplane.plan.FlowTags;
import dev.cordon.dataplane.plan.Match;
import dev.cordon.dataplane.plan.Plan;
import dev.cordon.dataplane.plan.PlanRule;
import dev.cordon.dataplane.plan.PublishedPorts;
import dev.cordon.policy.model.EnforcementMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 *       block (visibility only: would block) sets {@link PublishedPorts#BLOCKED_MARK}. Nothing is dropped here: the
 *       host's own traffic is decided in {@code filter-input} at its coexistence place.</li>
 *   <li>{@code published-forward}: a marked packet whose connection was DNATed ({@code ct status dnat}) is dropped
 *       (visibility only: logged), then the bit is cleared. A drop is final in nftables, so this holds whatever
 *       Docker's or anyone's later base chains accept, in every coexistence state.</li>
 *   <li>{@code published-input}: the bit is cleared from the host's own traffic before any other firewall sees it,
 *       and so are the flow tag bits of its new connections (filter-input tags them at their coexistence place).</li>
 * </ul>
 *
 * <p>Flow tags, as the iptables form writes them (docs/design/traffic-capture.md, "Published ports"): each judging
 * rule carries its {@code CORDON-INPUT} tag, in nft's one-lookup form (the rule jumps to a chain that tags and
 * gives the verdict, as {@link NftDecisions} does for filter-input): a pass jumps to the same
 * {@code CORDON-M-<mark>-A} chain as in filter-input; a visibility-only override deny to
 * {@code CORDON-PUB-M-<mark>} (tag, blocked bit, return); a drop to {@code CORDON-PUB-D-<i>}, which tags
 * {@link FlowMark#blocked}, sets the bit, logs the still un-DNATed packet {@code "cordon P <i>"} and accepts,
 * ending the judgement at its first drop (every later rule could only leave the bit set, and the first decision is
 * the one the tag keeps), so the log names the rule that decided. {@code published-forward} logs
 * {@code "cordon F"} before the drop; the VEN pairs the two ({@code flows.PublishedDrops}).
 *
 * <p>The mark, not {@code ct original} fields in the forward chain, because "to a local address" is only known
 * before the DNAT ({@code fib} looks at the packet's destination): a DNAT to a service address that is not the
 * host's (kube-proxy's cluster IPs) must not be judged by the host's inbound policy. The iptables backend uses the
 * same bit for the same reason. When the host's inbound rules block nothing ({@code selective} with no deny rule)
 * only the tagging is rendered (the judgement, and input's tag clearing); with no tags either, nothing.
 */
final class NftPublishedPorts {
    static final String CHAIN = "CORDON-PUBLISHED";
    static final String MARK_CHAIN = "CORDON-PUBLISHED-MARK";
    static final int PRIORITY = -160;
    private static final String BIT = PassMark.hex((int) PublishedPorts.BLOCKED_MARK);
    private static final String SET_BIT = "meta mark set meta mark | " + BIT;
    private static final String MARKED = "meta mark & " + BIT + " == " + BIT + " ";
    private static final String CLEAR = MARKED + "meta mark set meta mark & " + PassMark.hex(~(int) PublishedPorts.BLOCKED_MARK);

    private NftPublishedPorts() {}

    /** The chains of family {@code f}'s table for published ports (regular chains first, each before the chains that jump to it); empty when none are needed. */
    static List<NftChain> chains(NftRenderer renderer, Plan plan, Family f, FlowTags tags) {
        List<PublishedPorts.Judged> judge = PublishedPorts.judged(plan, f, tags);
        boolean blocksAny = judge.stream().anyMatch(x -> x.rule().verdict() == PlanRule.Verdict.DROP
                || x.rule().verdict() == PlanRule.Verdict.LOG);
        boolean tagsAny = judge.stream().anyMatch(x -> x.tag().isPresent());
        // selective with no deny rule blocks nothing, but the judgement still names the decision and rule of a
        // published-port connection (allowed, by a rule or the default), which is all it is rendered for then
        if (!blocksAny && !tagsAny) return List.of();
        Map<String, NftChain> tagChains = new LinkedHashMap<>();
        List<String> published = new ArrayList<>();
        boolean tagged = false;
        boolean logsDrops = false;
        for (PublishedPorts.Judged j : judge) {
            PlanRule x = j.rule();
            if (j.tag().isEmpty()) {
                published.addAll(renderer.rules(switch (x.verdict()) {
                    case PASS -> x;
                    case DROP, LOG -> new PlanRule(x.match(), PlanRule.Verdict.JUMP, MARK_CHAIN);
                    default -> throw new IllegalStateException("no published-port form for " + x.verdict());
                }));
                continue;
            }
            tagged = true;
            FlowTags.Tag tag = j.tag().get();
            String chain;
            if (tag instanceof FlowTags.LogDrop d) {
                if (x.verdict() != PlanRule.Verdict.DROP) throw new IllegalStateException("a drop's log tag on " + x.verdict());
                int i = FlowMark.blockedIndex(d.prefix()).orElseThrow();
                logsDrops = true;
                chain = "CORDON-PUB-D-" + i;
                tagChains.computeIfAbsent(chain, n -> new NftChain(n, null, null, List.of(
                        NftRenderer.tagStatement(new FlowTags.Mark(FlowMark.blocked(i))), SET_BIT,
                        log(FlowMark.publishedPrefix(i)), "accept")));
            } else if (x.verdict() == PlanRule.Verdict.LOG) {
                FlowTags.Mark m = (FlowTags.Mark) tag;
                chain = "CORDON-PUB-M-" + String.format("%08x", m.value() & 0xffffffffL);
                tagChains.computeIfAbsent(chain, n -> new NftChain(n, null, null, List.of(
                        NftRenderer.tagStatement(m), SET_BIT)));
            } else if (x.match() instanceof Match.Any) {
                // nothing to look up twice: the tag, then the verdict (as filter-input writes it)
                published.add(renderer.tag(x, tag));
                published.addAll(renderer.rules(x));
                continue;
            } else {
                published.addAll(renderer.decide(x, tag)); // a pass: the filter-input chain that tags and accepts
                continue;
            }
            published.addAll(renderer.rules(new PlanRule(x.match(), PlanRule.Verdict.JUMP, chain)));
        }
        boolean visibility = plan.mode() == EnforcementMode.VISIBILITY_ONLY;
        List<NftChain> out = new ArrayList<>();
        if (blocksAny) out.add(new NftChain(MARK_CHAIN, null, null, List.of(SET_BIT)));
        out.addAll(tagChains.values());
        out.add(new NftChain(CHAIN, null, null, published));
        out.add(new NftChain("published-prerouting", "prerouting", PRIORITY,
                List.of("ct state new fib daddr type local jump " + CHAIN)));
        List<String> input = new ArrayList<>();
        if (blocksAny) input.add(CLEAR);
        if (tagged) {
            input.add("ct state new ct mark & " + NftRenderer.hex(FlowMark.MASK) + " != 0 ct mark set ct mark & "
                    + NftRenderer.hex(~FlowMark.MASK));
        }
        out.add(new NftChain("published-input", "input", PRIORITY, input));
        if (!blocksAny) return out; // nothing marked: nothing to drop or log in forward
        List<String> forward = new ArrayList<>();
        String dropped = MARKED + "ct status dnat ";
        if (visibility) {
            forward.add(dropped + NftRenderer.LOG);
        } else {
            if (logsDrops) forward.add(dropped + log(FlowMark.FORWARDED_PREFIX));
            forward.add(dropped + "drop");
        }
        forward.add(CLEAR);
        out.add(new NftChain("published-forward", "forward", PRIORITY, forward));
        return out;
    }

    /** A rate-limited log to the VEN's NFLOG group, as filter-input's drop logs ({@link NftRenderer#tagStatement}). */
    private static String log(String prefix) {
        return NftRenderer.tagStatement(new FlowTags.LogDrop(prefix));
    }
}
