package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.backend.Backends;

/** {@link DifferentialKernelSuite} on the nftables backend. */
class NftablesDifferentialKernelTest extends DifferentialKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.NFTABLES;
    }
}
