package dev.cordon.policy.decide;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A rule named in an explanation: its href, the rule set it belongs to, and its kind. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleRef(String href, String ruleSet, String ruleSetName, String kind) {
    public static final String ALLOW = "allow";
    public static final String DENY = "deny";
    public static final String OVERRIDE_DENY = "override_deny";
}
