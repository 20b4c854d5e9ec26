package dev.cordon.policy.validate;

import dev.cordon.policy.model.RuleSet;

/**
 * The object a problem is about, as messages name it ({@code "Rule set 'web' (/orgs/1/...), allow rule /orgs/..."}),
 * and the rule set it belongs to, if any, so that {@link Validator#validateRuleSet} can keep only that rule set's
 * problems without matching message text.
 */
record Subject(String text, RuleSet ruleSet) {
    static Subject of(String text) {
        return new Subject(text, null);
    }

    static Subject of(RuleSet rs) {
        return new Subject("Rule set '" + rs.name() + "' (" + Names.href(rs.href()) + ")", rs);
    }

    /** A part of this subject, e.g. one rule of a rule set or one statement of a rule. */
    Subject then(String part) {
        return new Subject(text + ", " + part, ruleSet);
    }
}
