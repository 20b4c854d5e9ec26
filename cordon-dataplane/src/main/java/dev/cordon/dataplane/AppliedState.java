package dev.cordon.dataplane;

import dev.cordon.dataplane.iptables.SavedTable;
import dev.cordon.dataplane.render.Family;
import dev.cordon.policy.compile.FirewallPolicy;
import java.util.List;
import java.util.Map;

/**
 * The applied snapshot: the policy that was applied, the tables as the kernel printed them right after the apply
 * ({@code iptables-save}, canonical, only the tables Cordon watches), and Cordon's ipsets with their members.
 * Tamper checks compare against this, never against the rendered input, because iptables rewrites what it is
 * given. A plain value: a VEN may persist it (it is Jackson-friendly) and hand it back to
 * {@link Dataplane#create(dev.cordon.dataplane.exec.CommandRunner, AppliedState)} after a restart.
 */
public record AppliedState(FirewallPolicy policy, Map<Family, Map<String, SavedTable>> tables,
                           Map<String, SetSnapshot> sets) {
    public AppliedState {
        tables = Map.copyOf(tables);
        sets = Map.copyOf(sets);
    }

    /** One of Cordon's ipsets as applied: type and sorted members in {@code ipset list} form. */
    public record SetSnapshot(String type, List<String> members) {
        public SetSnapshot {
            members = List.copyOf(members);
        }
    }

    /** The applied tables of one family. */
    public Map<String, SavedTable> tables(Family f) {
        return tables.getOrDefault(f, Map.of());
    }
}
