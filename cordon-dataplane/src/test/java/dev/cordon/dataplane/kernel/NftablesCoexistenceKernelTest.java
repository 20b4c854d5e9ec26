package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.backend.Backends;

/** {@link CoexistenceKernelSuite} on the nftables backend. */
class NftablesCoexistenceKernelTest extends CoexistenceKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.NFTABLES;
    }
}
