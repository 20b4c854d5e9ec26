package dev.cordon.dataplane.iptables.render;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.plan.Plan;
import dev.cordon.dataplane.plan.PlanRule;
import dev.cordon.dataplane.plan.PublishedPorts;
import dev.cordon.policy.model.EnforcementMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    static Map<String, List<String>> chains(Plan plan, Family f) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<PlanRule> judge = PublishedPorts.rules(plan, f);
        boolean blocksAny = judge.stream().anyMatch(x -> x.verdict() == PlanRule.Verdict.DROP
                || x.verdict() == PlanRule.Verdict.LOG);
        if (!blocksAny) return out;
        List<String> published = new ArrayList<>();
        for (PlanRule x : judge) {
            String match = IptablesRenderer.match(x.match());
            published.add(match + switch (x.verdict()) {
                case PASS -> "-j RETURN";
                case DROP, LOG -> SET_MARK;
                default -> throw new IllegalStateException("no published-port form for " + x.verdict());
            });
        }
        boolean visibility = plan.mode() == EnforcementMode.VISIBILITY_ONLY;
        out.put("CORDON-PREROUTING", List.of("-m conntrack --ctstate NEW -m addrtype --dst-type LOCAL -j " + CHAIN));
        out.put("CORDON-INPUT", List.of(CLEAR_MARK));
        out.put("CORDON-FORWARD", List.of(
                IS_MARKED + "-m conntrack --ctstate DNAT " + (visibility ? IptablesRenderer.LOG : "-j DROP"),
                CLEAR_MARK));
        out.put(CHAIN, published);
        return out;
    }
}
