package dev.cordon.ven.flows;

import dev.cordon.dataplane.backend.Backends;

/** {@link FlowDecisionKernelSuite} on the iptables backend. */
class IptablesFlowDecisionKernelTest extends FlowDecisionKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.IPTABLES;
    }
}
