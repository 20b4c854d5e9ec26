package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.backend.Backends;
import java.util.List;

/** {@link ChangeWatchKernelSuite} on the nftables backend. */
class NftablesChangeWatchKernelTest extends ChangeWatchKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.NFTABLES;
    }

    @Override
    protected List<String> tamper() {
        return List.of("nft", "flush", "chain", "ip", "cordon", "CORDON-INPUT");
    }

    @Override
    protected List<String> unrelated() {
        return List.of("nft", "add", "table", "inet", "distro");
    }
}
