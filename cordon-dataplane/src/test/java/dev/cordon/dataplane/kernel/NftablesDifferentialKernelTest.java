package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.backend.Backends;

/**
 * {@link DifferentialKernelSuite} on the nftables backend, with a quarter of the documents of the iptables run (each
 * coexistence state once) to keep the suite's runtime modest; {@link CrossBackendKernelTest} compares the two
 * backends with each other directly.
 */
class NftablesDifferentialKernelTest extends DifferentialKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.NFTABLES;
    }

    @Override
    protected int documents() {
        return 3;
    }
}
