package dev.cordon.dataplane.iptables.tamper;

import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.iptables.save.SavedTable;
import dev.cordon.dataplane.iptables.snapshot.IptablesSnapshot;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The targeted repair of the iptables backend, pure: when every change a check found is inside Cordon's own chains
 * ({@code CORDON*}: rules deleted, added, reordered, the chain flushed or deleted) or among the members of Cordon's
 * sets, the repair restores only those chains, from the snapshot's read-back text, with one
 * {@code iptables-restore --noflush} per family and table (declaring a user chain there flushes it, then its rules are
 * appended as {@code iptables-save} printed them, so the chain reads back exactly as the snapshot holds it), and puts
 * the members back with one {@code ipset restore}. Anything else (a jump, a built-in chain, a foreign rule or table, a
 * missing set) gives empty: the caller applies whole.
 */
public final class ChainRepair {
    /** {@code restores}: the {@code iptables-restore --noflush} inputs per family; {@code ipset}: "" or one restore. */
    public record Plan(Map<Family, List<String>> restores, String ipset) {
        public Plan {
            restores = Map.copyOf(restores);
        }
    }

    private ChainRepair() {}

    public static Optional<Plan> plan(IptablesSnapshot applied, List<Change> changes) {
        if (changes.isEmpty()) return Optional.empty();
        Map<Family, Map<String, Set<String>>> chains = new EnumMap<>(Family.class);
        StringBuilder ipset = new StringBuilder();
        for (Change c : changes) {
            switch (c.kind()) {
                case RULE_DELETED, RULE_ADDED, RULE_REORDERED, CHAIN_FLUSHED, CHAIN_DELETED -> {
                    SavedTable t = applied.tables(c.family()).get(c.table());
                    if (t == null || !c.chain().startsWith("CORDON") || !t.hasChain(c.chain())) return Optional.empty();
                    chains.computeIfAbsent(c.family(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(c.table(), k -> new LinkedHashSet<>()).add(c.chain());
                }
                case SET_MEMBER_REMOVED, SET_MEMBER_ADDED -> {
                    IptablesSnapshot.SetSnapshot s = applied.sets().get(c.chain());
                    if (s == null || c.rule().isEmpty()) return Optional.empty();
                    ipset.append(c.kind() == dev.cordon.dataplane.ChangeKind.SET_MEMBER_REMOVED ? "add " : "del ")
                            .append(c.chain()).append(' ').append(c.rule()).append(" -exist\n");
                }
                default -> {
                    return Optional.empty();
                }
            }
        }
        Map<Family, List<String>> restores = new EnumMap<>(Family.class);
        chains.forEach((f, tables) -> restores.put(f, tables.entrySet().stream().map(e -> {
            SavedTable t = applied.tables(f).get(e.getKey());
            StringBuilder sb = new StringBuilder("*").append(e.getKey()).append('\n');
            for (String chain : e.getValue()) sb.append(':').append(chain).append(" - [0:0]\n");
            for (String chain : e.getValue()) {
                for (String r : t.rules(chain)) sb.append("-A ").append(chain).append(' ').append(r).append('\n');
            }
            return sb.append("COMMIT\n").toString();
        }).toList()));
        return Optional.of(new Plan(restores, ipset.toString()));
    }
}
