package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.backend.Backends;

/** {@link ScenarioKernelSuite} on the nftables backend. */
class NftablesScenarioKernelTest extends ScenarioKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.NFTABLES;
    }
}
