package dev.cordon.policy.compile;

import dev.cordon.policy.membership.Resolved;

/** Compiles every workload of a resolved document into firewall policies (see {@link CompiledOrg}). */
public final class Compiler {
    private Compiler() {}

    public static CompiledOrg compile(Resolved r) {
        return new CompiledOrg(r);
    }
}
