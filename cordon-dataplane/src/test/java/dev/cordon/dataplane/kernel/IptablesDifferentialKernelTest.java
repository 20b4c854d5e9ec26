package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.backend.Backends;

/** {@link DifferentialKernelSuite} on the iptables backend. */
class IptablesDifferentialKernelTest extends DifferentialKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.IPTABLES;
    }
}
