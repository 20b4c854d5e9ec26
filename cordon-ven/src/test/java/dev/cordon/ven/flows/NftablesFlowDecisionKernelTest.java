package dev.cordon.ven.flows;

import dev.cordon.dataplane.backend.Backends;

/** {@link FlowDecisionKernelSuite} on the nftables backend. */
class NftablesFlowDecisionKernelTest extends FlowDecisionKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.NFTABLES;
    }
}
