package dev.cordon.dataplane.iptables.render;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.plan.Stage;
import java.util.Arrays;
import java.util.List;

/**
 * What Cordon wants in one table of one family: its own chains (rules in order) and its jumps from built-in
 * chains. Turning this into restore text depends on the coexistence state and on what is live (see
 * {@link RestoreScript}); {@link #builtins} lists the table's kernel chains.
 */
public record TableSpec(Family family, String table, List<ChainSpec> chains, List<JumpSpec> jumps) {
    public TableSpec {
        chains = List.copyOf(chains);
        jumps = List.copyOf(jumps);
    }

    /**
     * The kernel chains of a table, in the order {@code iptables-save} prints them: the hooks of the plan's stage of
     * that name, so the plan and the tables Cordon writes cannot disagree.
     */
    public static List<String> builtins(String table) {
        return Stage.of(table).hooks().stream().map(Enum::name).toList();
    }

    /** The four tables, in the order Cordon applies them. */
    public static final List<String> TABLES = Arrays.stream(Stage.values()).map(Stage::wire).toList();

    public boolean isEmpty() {
        return chains.isEmpty() && jumps.isEmpty();
    }
}
