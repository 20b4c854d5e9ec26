package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.backend.Backends;

/**
 * {@link DifferentialKernelSuite} on the nftables backend, with half the documents of the iptables run (each
 * coexistence state twice) to keep the suite's runtime modest; {@link CrossBackendKernelTest} compares the two
 * backends with each other directly.
 */
class NftablesDifferentialKernelTest extends DifferentialKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.NFTABLES;
    }

    @Override
    protected int documents() {
        return 6;
    }
}
