package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.backend.Backends;

/** {@link CoexistenceKernelSuite} on the iptables backend. */
class IptablesCoexistenceKernelTest extends CoexistenceKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.IPTABLES;
    }
}
