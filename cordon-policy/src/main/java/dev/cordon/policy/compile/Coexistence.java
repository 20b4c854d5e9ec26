package dev.cordon.policy.compile;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A workload's resolved firewall state (SPEC §6). */
public enum Coexistence {
    EXCLUSIVE("exclusive"), PRIMARY("primary"), NOT_PRIMARY("not_primary");

    private final String wire;

    Coexistence(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static Coexistence parse(String s) {
        for (Coexistence c : values()) {
            if (c.wire.equals(s)) return c;
        }
        throw new IllegalArgumentException("unknown coexistence '" + s + "': use exclusive, primary or not_primary");
    }
}
