package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.backend.Backends;

/** {@link DockerKernelSuite} on the iptables backend. */
class DockerIptablesKernelTest extends DockerKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.IPTABLES;
    }
}
