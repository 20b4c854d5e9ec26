package dev.cordon.dataplane.plan;

/**
 * One planned rule: a match and what happens to a packet it matches. {@code jumpTo} names the Cordon chain of a
 * {@link Verdict#JUMP}, else it is null.
 */
public record PlanRule(Match match, Verdict verdict, String jumpTo) {
    /** What a matching packet meets. */
    public enum Verdict {
        /** Leave Cordon's verdict to the rest of the path: accepted (exclusive, not primary) or returned (primary). */
        PASS,
        DROP,
        /** Logged (rate-limited, prefix {@code cordon-pb}) and evaluated further: visibility only. */
        LOG,
        /** Not tracked by conntrack (stateless allows). */
        NOTRACK,
        /** Continue in the Cordon chain {@code jumpTo}. */
        JUMP,
        /** A custom statement: its match carries its own target. */
        CUSTOM
    }

    public PlanRule {
        if ((verdict == Verdict.JUMP) != (jumpTo != null)) {
            throw new IllegalArgumentException("a jump names its chain, and only a jump does");
        }
    }

    public static PlanRule of(Match m, Verdict v) {
        return new PlanRule(m, v, null);
    }
}
