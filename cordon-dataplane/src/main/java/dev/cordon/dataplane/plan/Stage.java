package dev.cordon.dataplane.plan;

import java.util.List;
import java.util.Locale;

/**
 * The four points of the kernel's packet path Cordon programs, in the order it applies them, each with the hooks it
 * sees packets at (in the kernel's order). iptables calls them tables; nftables gives base chains the same types and
 * priorities.
 */
public enum Stage {
    RAW(List.of(Hook.PREROUTING, Hook.OUTPUT)),
    MANGLE(List.of(Hook.PREROUTING, Hook.INPUT, Hook.FORWARD, Hook.OUTPUT, Hook.POSTROUTING)),
    NAT(List.of(Hook.PREROUTING, Hook.INPUT, Hook.OUTPUT, Hook.POSTROUTING)),
    FILTER(List.of(Hook.INPUT, Hook.FORWARD, Hook.OUTPUT));

    private final List<Hook> hooks;

    Stage(List<Hook> hooks) {
        this.hooks = hooks;
    }

    public List<Hook> hooks() {
        return hooks;
    }

    /** "raw", "mangle", "nat", "filter". */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stage named {@code table} (as custom statements name it). */
    public static Stage of(String table) {
        for (Stage s : values()) if (s.wire().equals(table)) return s;
        throw new IllegalArgumentException("unknown table " + table + ": Cordon programs raw, mangle, nat and filter");
    }

    /** A kernel hook: where packets enter a stage. */
    public enum Hook {
        PREROUTING, INPUT, FORWARD, OUTPUT, POSTROUTING
    }
}
