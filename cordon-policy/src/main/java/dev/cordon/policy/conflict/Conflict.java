package dev.cordon.policy.conflict;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A rule conflict (SPEC §3): {@code rule}'s traffic is (partly) decided otherwise by {@code conflictingRule};
 * {@code exampleFlow} is one concrete flow that shows it.
 */
public record Conflict(Kind kind, RuleHref rule, RuleHref conflictingRule, ExampleFlow exampleFlow) {
    public enum Kind {
        ALLOW_OVERRIDDEN_BY_OVERRIDE_DENY("allow_overridden_by_override_deny"),
        DENY_OVERRIDDEN_BY_ALLOW("deny_overridden_by_allow");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }
    }

    /** {@code {"href": ...}} as the API writes rule references. */
    public record RuleHref(String href) {}

    /** A concrete flow: source and destination addresses, protocol number and port ({@code null} = any). */
    public record ExampleFlow(String src, String dst, int proto, Integer port) {}
}
