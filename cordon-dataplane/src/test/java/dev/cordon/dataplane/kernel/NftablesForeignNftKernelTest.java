package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.backend.Backends;

/** {@link ForeignNftKernelSuite} on the nftables backend. */
class NftablesForeignNftKernelTest extends ForeignNftKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.NFTABLES;
    }
}
