package dev.cordon.ven.flows;

import dev.cordon.dataplane.backend.Backends;

/** {@link FlowServiceKernelSuite} on the nftables backend. */
class NftablesFlowServiceKernelTest extends FlowServiceKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.NFTABLES;
    }
}
