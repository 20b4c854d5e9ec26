package dev.cordon.dataplane.iptables.render;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.iptables.render.RestoreScript;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;

/**
 * Everything Cordon wants in the kernel for one policy: ipsets and per-family tables. A pure value computed by
 * {@link IptablesRenderer} from the plan; equal policies give equal states and byte-identical {@link #text()}. An {@code idle} policy
 * gives an empty state: Cordon leaves the firewall alone.
 */
public record DesiredState(String policyHash, EnforcementMode mode, Coexistence coexistence, List<SetSpec> sets,
                           List<TableSpec> tables) {
    public DesiredState {
        sets = List.copyOf(sets);
        tables = List.copyOf(tables);
    }

    public boolean idle() {
        return mode == EnforcementMode.IDLE;
    }

    public List<TableSpec> tables(Family f) {
        return tables.stream().filter(t -> t.family() == f).toList();
    }

    /**
     * The text an operator would feed to the tools on a host where Cordon has nothing yet: the {@code ipset
     * restore} part, then each table of IPv4, then of IPv6, each section headed by a comment naming the command.
     * This is what {@code cordon policy compile --format iptables} prints.
     */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("# cordon policy ").append(policyHash).append(" mode ").append(mode.wire()).append(" coexistence ")
                .append(coexistence.wire()).append('\n');
        if (idle()) {
            sb.append("# idle: Cordon leaves the firewall alone and removes its own chains, jumps and sets\n");
            return sb.toString();
        }
        sb.append("# ipset restore\n");
        for (SetSpec s : sets) s.appendRestore(sb, s.name());
        for (Family f : Family.values()) {
            for (TableSpec t : tables(f)) {
                boolean noflush = coexistence != Coexistence.EXCLUSIVE;
                sb.append("# ").append(Tools.restoreCommand(f)).append(" -w").append(noflush ? " --noflush" : "")
                        .append(" (table ").append(t.table()).append(")\n");
                sb.append(RestoreScript.fresh(t, coexistence));
            }
        }
        return sb.toString();
    }
}
