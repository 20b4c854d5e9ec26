package dev.cordon.policy.decide;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One end's decision: its verdict and the rule that decided it ({@code null} when the enforcement mode's default
 * decided), plus, for explanations, which workload this end is and why.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndDecision(Verdict verdict, RuleRef rule, String workload, String reason) {}
