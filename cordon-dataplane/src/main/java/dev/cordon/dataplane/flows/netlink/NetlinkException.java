package dev.cordon.dataplane.flows.netlink;

/** A netlink call failed; {@code errno} is the kernel's error number (0 when none applies). */
public final class NetlinkException extends RuntimeException {
    private final int errno;

    public NetlinkException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
