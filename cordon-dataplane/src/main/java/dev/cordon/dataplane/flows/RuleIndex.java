package dev.cordon.dataplane.flows;

import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.PolicyEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The compact rule numbers a policy's connection marks carry: every rule href the policy's entries name, sorted, is
 * numbered from 1 ({@link FlowMark}: 0 = the mode's default). The renderer and the VEN build it from the same
 * {@link FirewallPolicy}, so they agree without sending the table anywhere; a new policy renumbers, which is why
 * each flow summary also names its policy version. Immutable.
 */
public final class RuleIndex {
    private final List<String> hrefs;
    private final Map<String, Integer> index;

    private RuleIndex(List<String> hrefs) {
        this.hrefs = List.copyOf(hrefs);
        java.util.HashMap<String, Integer> m = new java.util.HashMap<>();
        for (int i = 0; i < hrefs.size(); i++) m.put(hrefs.get(i), i + 1);
        this.index = Map.copyOf(m);
    }

    public static final RuleIndex EMPTY = new RuleIndex(List.of());

    public static RuleIndex of(FirewallPolicy p) {
        TreeSet<String> rules = new TreeSet<>();
        Stream.concat(p.inbound().stream(), p.outbound().stream()).map(PolicyEntry::rule)
                .filter(r -> r != null).forEach(rules::add);
        return new RuleIndex(new ArrayList<>(rules));
    }

    public static RuleIndex of(List<String> hrefs) {
        return new RuleIndex(new ArrayList<>(new TreeSet<>(hrefs)));
    }

    /** The index of {@code href} (1..), or {@link FlowMark#OVERFLOW} when past the mark's range; 0 for null. */
    public int index(String href) {
        if (href == null) return 0;
        Integer i = index.get(href);
        if (i == null) throw new IllegalArgumentException("rule " + href + " is not in this policy");
        return Math.min(i, FlowMark.OVERFLOW);
    }

    /** The index of {@code href}; {@link FlowMark#OVERFLOW} (no single rule named) when the policy does not name it. */
    public int indexOrOverflow(String href) {
        Integer i = href == null ? null : index.get(href);
        return i == null ? FlowMark.OVERFLOW : Math.min(i, FlowMark.OVERFLOW);
    }

    /** The href of {@code index}, or null for 0 (the default), the overflow index or an unknown one. */
    public String href(int index) {
        if (index <= 0 || index >= FlowMark.OVERFLOW || index > hrefs.size()) return null;
        return hrefs.get(index - 1);
    }

    public int size() {
        return hrefs.size();
    }
}
