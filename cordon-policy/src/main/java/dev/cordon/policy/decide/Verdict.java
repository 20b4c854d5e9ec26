package dev.cordon.policy.decide;

import com.fasterxml.jackson.annotation.JsonValue;

/** One end's verdict on a flow (SPEC §3 mode table). */
public enum Verdict {
    ALLOWED("allowed"), BLOCKED("blocked"), POTENTIALLY_BLOCKED("potentially_blocked"), NOT_ENFORCED("not_enforced");

    private final String wire;

    Verdict(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    public static Verdict parse(String s) {
        for (Verdict v : values()) {
            if (v.wire.equals(s)) return v;
        }
        throw new IllegalArgumentException("unknown verdict '" + s + "'");
    }
}
