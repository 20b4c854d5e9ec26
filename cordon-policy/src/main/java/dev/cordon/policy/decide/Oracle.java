package dev.cordon.policy.decide;

import dev.cordon.policy.membership.Resolved;

/** Being written. */
public final class Oracle {
    public static Decision explain(Resolved r, Flow f) { throw new UnsupportedOperationException("being written"); }
}
