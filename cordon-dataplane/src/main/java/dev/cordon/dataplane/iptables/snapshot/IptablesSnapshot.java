package dev.cordon.dataplane.iptables.snapshot;

import dev.cordon.dataplane.AppliedState;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.iptables.render.JumpSpec;
import dev.cordon.dataplane.iptables.render.RestoreScript;
import dev.cordon.dataplane.iptables.save.SavedTable;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.hash.Sha256;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The iptables backend's applied snapshot: the policy that was applied, the tables as the kernel printed them right
 * after the apply ({@code iptables-save}, canonical, only the tables Cordon watches), and Cordon's ipsets with their
 * members. A plain value (Jackson-friendly: its JSON is the snapshot format VENs have written since before the
 * backend was named, see {@code dataplane.backend.Backends}).
 */
public record IptablesSnapshot(FirewallPolicy policy, Map<Family, Map<String, SavedTable>> tables,
                               Map<String, SetSnapshot> sets) implements AppliedState {
    /** The name this backend goes by in snapshots and saved firewalls. */
    public static final String BACKEND = "iptables";

    public IptablesSnapshot {
        tables = Map.copyOf(tables);
        sets = Map.copyOf(sets);
    }

    /** One of Cordon's ipsets as applied: type and sorted members in {@code ipset list} form. */
    public record SetSnapshot(String type, List<String> members) {
        public SetSnapshot {
            members = List.copyOf(members);
        }
    }

    @Override
    public String backend() {
        return BACKEND;
    }

    /** The applied tables of one family. */
    public Map<String, SavedTable> tables(Family f) {
        return tables.getOrDefault(f, Map.of());
    }

    /**
     * The canonical text of what Cordon owns (set members by count and digest): when exclusive every chain of every
     * watched table with its policy; otherwise only {@code CORDON*} chains and the cordon-commented jumps (with their
     * positions when primary); plus Cordon's sets and members.
     */
    @Override
    public String owned() {
        boolean exclusive = policy.coexistence() == Coexistence.EXCLUSIVE;
        StringBuilder sb = new StringBuilder();
        for (Family f : Family.values()) {
            for (SavedTable t : new TreeMap<>(tables(f)).values()) {
                for (String chain : new TreeSet<>(t.policies().keySet())) {
                    boolean own = RestoreScript.isCordonChain(chain);
                    List<String> rules = t.rules(chain);
                    if (exclusive || own) {
                        sb.append(f).append(' ').append(t.table()).append(' ').append(chain).append(' ')
                                .append(t.policies().get(chain)).append('\n');
                        rules.forEach(r -> sb.append("  ").append(r).append('\n'));
                    } else {
                        // a primary jump must be first; a not-primary one moves as other tools add rules above it
                        boolean primary = policy.coexistence() == Coexistence.PRIMARY;
                        for (int i = 0; i < rules.size(); i++) {
                            if (JumpSpec.isCordonJump(rules.get(i))) {
                                sb.append(f).append(' ').append(t.table()).append(' ').append(chain)
                                        .append(primary ? " #" + i : "").append(' ').append(rules.get(i)).append('\n');
                            }
                        }
                    }
                }
            }
        }
        new TreeMap<>(sets).forEach((name, set) -> sb.append("set ").append(name).append(' ').append(set.type())
                .append(' ').append(set.members().size()).append(" members ")
                .append(Sha256.hex(String.join("\n", new TreeSet<>(set.members())), 16)).append('\n'));
        return sb.toString();
    }
}
