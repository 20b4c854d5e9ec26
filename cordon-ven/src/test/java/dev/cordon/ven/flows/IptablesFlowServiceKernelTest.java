package dev.cordon.ven.flows;

import dev.cordon.dataplane.backend.Backends;

/** {@link FlowServiceKernelSuite} on the iptables backend. */
class IptablesFlowServiceKernelTest extends FlowServiceKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.IPTABLES;
    }
}
