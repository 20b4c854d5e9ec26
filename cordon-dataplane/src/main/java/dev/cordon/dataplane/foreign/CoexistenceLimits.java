package dev.cordon.dataplane.foreign;

import dev.cordon.dataplane.CoexistenceIssue;
import dev.cordon.policy.compile.Coexistence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the other nftables tables of a network stack make impossible about a coexistence state, for both backends.
 * Pure. Only native tables of other tools count (iptables-nft's own tables are where the iptables backend works and
 * what the nftables backend marks or precedes):
 *
 * <ul>
 *   <li><b>exclusive</b>: a table owned by another process ({@code flags owner}, e.g. firewalld's) cannot be deleted
 *       by anyone else: its base chains stay on the path ({@value #EXCLUSIVE}, an error);</li>
 *   <li><b>primary</b>: a filter base chain on input, forward or output at a priority lower than Cordon's runs before
 *       Cordon decides; one at or below conntrack's (-200) cannot be preceded by any chain that needs connection
 *       state ({@value #PRIMARY}, a warning: its drops still count, its accepts never skip Cordon);</li>
 *   <li><b>not primary</b>: Cordon cannot mark what a native table passes on, so against it traffic needs both to
 *       allow ({@value #NOT_PRIMARY}, a warning: stricter than not primary, never weaker).</li>
 * </ul>
 */
public final class CoexistenceLimits {
    public static final String EXCLUSIVE = "coexistence_exclusive_impossible";
    public static final String PRIMARY = "coexistence_primary_not_first";
    public static final String NOT_PRIMARY = "coexistence_not_primary_both_decide";
    static final Set<String> FILTER_HOOKS = Set.of("input", "forward", "output");
    static final int CONNTRACK = -200;

    private CoexistenceLimits() {}

    /**
     * The issues of {@code state} given every table and base chain of the stack; {@code cordonPriority} is where
     * Cordon's filter decision runs (nftables backend: its filter base chains; iptables backend: iptables' filter
     * chains, 0).
     */
    public static List<CoexistenceIssue> of(Coexistence state, int cordonPriority, List<NftTableId> tables,
                                            List<NftBaseChain> chains) {
        List<CoexistenceIssue> out = new ArrayList<>();
        switch (state) {
            case EXCLUSIVE -> {
                for (NftTableId t : tables) {
                    if (t.cordon() || !t.owned()) continue;
                    out.add(new CoexistenceIssue(EXCLUSIVE, "error", "exclusive is impossible here: table " + t.spec()
                            + " is owned by another process (flags owner) and only that process may change or delete"
                            + " it, so its base chains stay on the path beside Cordon's (their drops still count)."
                            + " Stop the firewall that owns it, or put this workload in coexistence."));
                }
            }
            case PRIMARY -> {
                for (NftBaseChain c : chains) {
                    if (!c.table().nativeForeign() || !FILTER_HOOKS.contains(c.hook()) || c.prio() >= cordonPriority) {
                        continue;
                    }
                    String why = c.prio() <= CONNTRACK
                            ? "at or before connection tracking (-200), where no stateful firewall can run before it"
                            : "before Cordon's filter chains (priority " + cordonPriority + ")";
                    out.add(new CoexistenceIssue(PRIMARY, "warning", "primary holds only in part: chain " + c
                            + " runs " + why + ", so it sees traffic before Cordon decides (its drops count first;"
                            + " its accepts never skip Cordon). Move that chain to a priority above "
                            + cordonPriority + ", or accept that it decides first."));
                }
            }
            case NOT_PRIMARY -> {
                Map<NftTableId, List<String>> byTable = new LinkedHashMap<>();
                for (NftBaseChain c : chains) {
                    if (!c.table().nativeForeign() || !FILTER_HOOKS.contains(c.hook()) || !"filter".equals(c.type())) {
                        continue;
                    }
                    byTable.computeIfAbsent(c.table(), k -> new ArrayList<>()).add(c.hook() + " " + c.prio());
                }
                byTable.forEach((t, hooks) -> out.add(new CoexistenceIssue(NOT_PRIMARY, "warning",
                        "not primary holds only in part: table " + t.spec() + " is a native nftables firewall (base"
                        + " chains " + String.join(", ", hooks) + "), and Cordon can mark only what iptables passes on,"
                        + " so traffic through that table must be allowed by both it and Cordon (stricter than not"
                        + " primary, never weaker). Write that firewall's rules with iptables, or make Cordon primary.")));
            }
        }
        return out;
    }
}
