package dev.cordon.dataplane.iptables.render;

import dev.cordon.dataplane.Family;
import java.util.List;

/**
 * What Cordon wants in one table of one family: its own chains (rules in order) and its jumps from built-in
 * chains. Turning this into restore text depends on the coexistence state and on what is live (see
 * {@code dataplane.iptables.RestoreScript}); {@link #builtins} lists the table's kernel chains.
 */
public record TableSpec(Family family, String table, List<ChainSpec> chains, List<JumpSpec> jumps) {
    public TableSpec {
        chains = List.copyOf(chains);
        jumps = List.copyOf(jumps);
    }

    /** The kernel chains of a table, in the order {@code iptables-save} prints them. */
    public static List<String> builtins(String table) {
        return switch (table) {
            case "raw" -> List.of("PREROUTING", "OUTPUT");
            case "mangle" -> List.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING");
            case "nat" -> List.of("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING");
            case "filter" -> List.of("INPUT", "FORWARD", "OUTPUT");
            default -> throw new IllegalArgumentException("unknown table " + table
                    + ": Cordon programs raw, mangle, nat and filter");
        };
    }

    /** The four tables, in the order Cordon applies them. */
    public static final List<String> TABLES = List.of("raw", "mangle", "nat", "filter");

    public boolean isEmpty() {
        return chains.isEmpty() && jumps.isEmpty();
    }
}
