package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** How a managed workload enforces policy (SPEC §3 mode table). */
public enum EnforcementMode {
    IDLE("idle"), VISIBILITY_ONLY("visibility_only"), SELECTIVE("selective"), FULL("full");

    private final String wire;

    EnforcementMode(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static EnforcementMode parse(String s) {
        for (EnforcementMode m : values()) {
            if (m.wire.equals(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown enforcement_mode '" + s + "': use one of "
                + Arrays.stream(values()).map(EnforcementMode::wire).collect(Collectors.joining(", ")));
    }

    /** {@code enforced} in firewall settings means selective or full; {@code illuminated} means visibility_only. */
    public boolean isEnforced() {
        return this == SELECTIVE || this == FULL;
    }
}
