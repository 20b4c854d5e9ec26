package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.backend.Backends;
import java.util.List;

/** {@link ChangeWatchKernelSuite} on the iptables backend (iptables-nft: its commits are nf_tables transactions). */
class IptablesChangeWatchKernelTest extends ChangeWatchKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.IPTABLES;
    }

    @Override
    protected List<String> tamper() {
        return List.of("iptables", "-w", "-F", "CORDON-INPUT");
    }

    @Override
    protected List<String> unrelated() {
        return List.of("nft", "add", "table", "inet", "distro");
    }
}
