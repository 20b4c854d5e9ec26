package dev.cordon.policy.compile;

import dev.cordon.policy.membership.Resolved;

/** Being written. */
public final class Compiler {
    public static CompiledOrg compile(Resolved r) { throw new UnsupportedOperationException("being written"); }
}
