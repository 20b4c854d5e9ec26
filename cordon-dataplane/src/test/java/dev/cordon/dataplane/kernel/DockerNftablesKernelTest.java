package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.backend.Backends;

/**
 * {@link DockerKernelSuite} on the nftables backend: Docker writes iptables-nft rules, Cordon its own nft table; the
 * published port is judged in Cordon's table before Docker's DNAT and its FORWARD accept.
 */
class DockerNftablesKernelTest extends DockerKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.NFTABLES;
    }
}
