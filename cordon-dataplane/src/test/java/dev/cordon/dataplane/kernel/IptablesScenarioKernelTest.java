package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.backend.Backends;

/** {@link ScenarioKernelSuite} on the iptables backend. */
class IptablesScenarioKernelTest extends ScenarioKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.IPTABLES;
    }
}
