package dev.cordon.policy.compile;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What an entry does, in precedence order: override deny, then allow, then deny. */
public enum Action {
    OVERRIDE_DENY("override_deny"), ALLOW("allow"), DENY("deny");

    private final String wire;

    Action(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static Action parse(String s) {
        for (Action a : values()) {
            if (a.wire.equals(s)) return a;
        }
        throw new IllegalArgumentException("unknown action '" + s + "'");
    }
}
