package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.backend.Backends;

/** {@link ForeignNftKernelSuite} on the iptables backend. */
class IptablesForeignNftKernelTest extends ForeignNftKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.IPTABLES;
    }
}
