package dev.cordon.policy.validate;

import dev.cordon.policy.model.RuleSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Collects every problem of one validation run, in the order found, each with the rule sets it concerns. Messages
 * are {@code "<subject>: <reason>."}, so each names its object first and says how to fix it after.
 */
final class Findings {
    private record Finding(ValidationError error, RuleSet ruleSet, RuleSet otherRuleSet) {
        boolean concerns(RuleSet rs) {
            return same(ruleSet, rs) || same(otherRuleSet, rs);
        }

        private static boolean same(RuleSet a, RuleSet b) {
            return a != null && (a == b || (a.href() != null && Objects.equals(a.href(), b.href())));
        }
    }

    private final List<Finding> all = new ArrayList<>();

    void add(Subject about, String token, String reason) {
        add(about, null, token, reason);
    }

    /** A problem shared by two rule sets (a name or an href used by both): it concerns each of them. */
    void add(Subject about, RuleSet otherRuleSet, String token, String reason) {
        String message = about.text() + ": " + reason + (reason.endsWith(".") ? "" : ".");
        all.add(new Finding(new ValidationError(token, message), about.ruleSet(), otherRuleSet));
    }

    List<ValidationError> errors() {
        return all.stream().map(Finding::error).toList();
    }

    List<ValidationError> about(RuleSet rs) {
        return all.stream().filter(f -> f.concerns(rs)).map(Finding::error).toList();
    }
}
