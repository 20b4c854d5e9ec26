package dev.cordon.dataplane.iptables.render;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.flows.FlowMark;
import dev.cordon.dataplane.plan.FlowTags;
import dev.cordon.dataplane.plan.Plan;
import dev.cordon.dataplane.plan.PlanRule;
import dev.cordon.dataplane.plan.PublishedPorts;
import dev.cordon.policy.model.EnforcementMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The iptables form of {@link PublishedPorts}: judge a DNATed, forwarded connection by its original destination.
 * iptables cannot match a set against conntrack's original port, so the judgement runs where the packet still
 * carries it, and the verdict travels as one mark bit:
 *
 * <ul>
 *   <li>mangle {@code CORDON-PREROUTING} (before nat PREROUTING, where Docker DNATs): a new connection to a local
 *       address enters {@code CORDON-PUBLISHED}, the host's inbound rules; what they allow returns, what they block
 *       (or in visibility only would block) gets {@link PublishedPorts#BLOCKED_MARK}. Nothing is dropped here: the
 *       host's own traffic is still decided in filter INPUT, in its coexistence place.</li>
 *   <li>mangle {@code CORDON-FORWARD} (before filter FORWARD, where Docker accepts): a marked packet whose connection
 *       was DNATed is dropped (visibility only: logged); the mark is then cleared.</li>
 *   <li>mangle {@code CORDON-INPUT}: the mark is cleared from the host's own traffic.</li>
 * </ul>
 *
 * <p>Flow tags (docs/design/traffic-capture.md, "Published ports"): each judging rule carries the tag it carries in
 * {@code CORDON-INPUT}, guarded the same way, so a forwarded connection's conntrack event names the decision and
 * rule the host's policy gives it; a rule that blocks sets the mark's decision {@code 11} with its index instead of
 * logging (the packet may still be the host's own, decided in filter INPUT). After the judgement, a blocked
 * connection is logged {@code "cordon P <i>"} (header before the DNAT); mangle FORWARD logs {@code "cordon F"} before
 * the drop, and the VEN pairs the two ({@code flows.PublishedDrops}). Mangle {@code CORDON-INPUT} clears the tag
 * from the host's own new connections, which filter INPUT then tags at its coexistence place.
 *
 * <p>Mangle is a table Docker never writes to, so container start/stop and daemon restarts cannot move these
 * jumps. Plan rules of the same chains (custom mangle statements) follow these rules.
 */
final class PublishedPortRules {
    static final String CHAIN = "CORDON-PUBLISHED";
    private static final String MARK = String.format("0x%x", PublishedPorts.BLOCKED_MARK);
    private static final String IS_MARKED = "-m mark --mark " + MARK + "/" + MARK + " ";
    private static final String SET_MARK = "-j MARK --set-xmark " + MARK + "/" + MARK;
    private static final String CLEAR_MARK = IS_MARKED + "-j MARK --set-xmark 0x0/" + MARK;

    private PublishedPortRules() {}

    /**
     * Cordon's mangle chains for published ports of one family, by name, in hook order (PREROUTING, INPUT, FORWARD)
     * followed by {@link #CHAIN}; empty when the host's inbound rules block nothing (nothing to carry).
     */
    static Map<String, List<String>> chains(Plan plan, Family f, FlowTags tags) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<PublishedPorts.Judged> judge = PublishedPorts.judged(plan, f, tags);
        boolean blocksAny = judge.stream().anyMatch(x -> x.rule().verdict() == PlanRule.Verdict.DROP
                || x.rule().verdict() == PlanRule.Verdict.LOG);
        if (!blocksAny) return out;
        List<String> published = new ArrayList<>();
        Set<Integer> blockedIndexes = new LinkedHashSet<>();
        boolean tagged = false;
        for (PublishedPorts.Judged j : judge) {
            PlanRule x = j.rule();
            String match = IptablesRenderer.match(x.match());
            if (j.tag().isPresent()) {
                tagged = true;
                FlowTags.Tag tag = j.tag().get();
                if (tag instanceof FlowTags.LogDrop d) {
                    int i = FlowMark.blockedIndex(d.prefix()).orElseThrow();
                    blockedIndexes.add(i);
                    published.add(IptablesRenderer.tag(x, new FlowTags.Mark(FlowMark.blocked(i))));
                } else {
                    published.add(IptablesRenderer.tag(x, tag));
                }
            }
            published.add(match + switch (x.verdict()) {
                case PASS -> "-j RETURN";
                case DROP, LOG -> SET_MARK;
                default -> throw new IllegalStateException("no published-port form for " + x.verdict());
            });
        }
        boolean visibility = plan.mode() == EnforcementMode.VISIBILITY_ONLY;
        List<String> prerouting = new ArrayList<>();
        prerouting.add("-m conntrack --ctstate NEW -m addrtype --dst-type LOCAL -j " + CHAIN);
        for (int i : blockedIndexes) {
            prerouting.add(IS_MARKED + "-m connmark --mark " + FlowMark.xmark(FlowMark.blocked(i)) + " "
                    + nflog(FlowMark.publishedPrefix(i)));
        }
        out.put("CORDON-PREROUTING", prerouting);
        List<String> input = new ArrayList<>(List.of(CLEAR_MARK));
        if (tagged) {
            input.add("-m conntrack --ctstate NEW -m connmark ! --mark " + String.format("0x0/0x%x", FlowMark.MASK)
                    + " -j CONNMARK --set-xmark " + String.format("0x0/0x%x", FlowMark.MASK));
        }
        out.put("CORDON-INPUT", input);
        List<String> forward = new ArrayList<>();
        String dropped = IS_MARKED + "-m conntrack --ctstate DNAT ";
        if (visibility) {
            forward.add(dropped + IptablesRenderer.LOG);
        } else {
            if (!blockedIndexes.isEmpty()) forward.add(dropped + nflog(FlowMark.FORWARDED_PREFIX));
            forward.add(dropped + "-j DROP");
        }
        forward.add(CLEAR_MARK);
        out.put("CORDON-FORWARD", forward);
        out.put(CHAIN, published);
        return out;
    }

    /** A rate-limited NFLOG to the VEN's group, as the filter drops' log ({@link IptablesRenderer#tag}). */
    private static String nflog(String prefix) {
        return "-m limit --limit " + FlowTags.LOG_RATE_PER_SECOND + "/sec --limit-burst " + FlowTags.LOG_BURST
                + " -j NFLOG --nflog-prefix \"" + prefix + "\" --nflog-group " + FlowMark.NFLOG_GROUP
                + " --nflog-size " + FlowTags.LOG_SNAPLEN + " --nflog-threshold " + FlowTags.LOG_QUEUE_THRESHOLD;
    }
}
