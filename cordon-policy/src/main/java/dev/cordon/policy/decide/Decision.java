package dev.cordon.policy.decide;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * The answer to "is this flow allowed": the verdict at each end, the deciding rule at each end, and every rule of
 * each kind that matched the flow. A flow passes when neither end blocks it.
 */
public record Decision(Flow flow, boolean allowed, EndDecision source, EndDecision destination,
                       List<RuleRef> secRules, List<RuleRef> denyRules, List<RuleRef> overrideDenyRules) {
    public Decision {
        secRules = List.copyOf(secRules);
        denyRules = List.copyOf(denyRules);
        overrideDenyRules = List.copyOf(overrideDenyRules);
    }

    /**
     * The rule that decided the outcome: when blocked, the rule of a blocking end (destination first); when
     * allowed, the destination's rule, else the source's. {@code null} when a mode's default decided.
     */
    @JsonIgnore
    public RuleRef decidingRule() {
        if (!allowed) {
            if (destination.verdict() == Verdict.BLOCKED && destination.rule() != null) return destination.rule();
            if (source.verdict() == Verdict.BLOCKED && source.rule() != null) return source.rule();
            return null;
        }
        return destination.rule() != null ? destination.rule() : source.rule();
    }
}
