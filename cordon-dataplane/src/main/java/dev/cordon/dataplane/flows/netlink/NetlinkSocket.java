package dev.cordon.dataplane.flows.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * One raw netlink socket ({@code AF_NETLINK}), opened inside a network namespace when one is named. Reads block
 * for at most {@code SO_RCVTIMEO} (so a reader thread sees a stop request within that time); a receive-buffer
 * overrun ({@code ENOBUFS}: the kernel dropped messages because the reader was too slow) is reported as
 * {@link #OVERRUN}, never hidden: {@code NETLINK_NO_ENOBUFS} stays off so each overrun can be counted.
 *
 * <p>Thread ownership: one reader thread per socket; {@link #send} may be called from another thread before the
 * reader starts. Not for concurrent receives.
 */
public final class NetlinkSocket implements AutoCloseable {
    /** {@link #receive} result: the receive buffer overflowed; at least one message is lost. */
    public static final int OVERRUN = -1;
    /** {@link #receive} result: nothing arrived within the read timeout. */
    public static final int TIMEOUT = 0;
    public static final int NETLINK_NETFILTER = 12;
    /** The most datagrams one {@link #receiveAll} hands over. */
    public static final int BATCH = BatchReceive.SLOTS;
    private static final int BUFFER = 256 << 10;

    private final int fd;
    private final Memory buffer = new Memory(BUFFER);
    private BatchReceive batch;
    private volatile boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /**
     * Opens and binds a socket of {@code protocol} subscribed to the multicast {@code groups} (a list of group
     * numbers, may be empty), in namespace {@code netns} (empty: the caller's), with a receive buffer of
     * {@code rcvbuf} bytes ({@code SO_RCVBUFFORCE}, so the host's rmem_max does not cap it) and a read timeout.
     */
    public static NetlinkSocket open(int protocol, int[] groups, Optional<String> netns, int rcvbuf, int timeoutMs) {
        return NetNamespace.call(netns, () -> {
            int fd;
            try {
                fd = LibC.C.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
            } catch (LastErrorException e) {
                throw new NetlinkException("cannot open a netlink socket (protocol " + protocol + "): errno "
                        + e.getErrorCode(), e.getErrorCode());
            }
            NetlinkSocket s = new NetlinkSocket(fd);
            try {
                s.option(LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, intBytes(rcvbuf), "SO_RCVBUFFORCE " + rcvbuf);
                s.option(LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeval(timeoutMs), "SO_RCVTIMEO");
                s.option(LibC.SOL_NETLINK, LibC.NETLINK_NO_ENOBUFS, intBytes(0), "NETLINK_NO_ENOBUFS off");
                ByteBuffer addr = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
                addr.putShort((short) LibC.AF_NETLINK).putShort((short) 0).putInt(0).putInt(0);
                try {
                    LibC.C.bind(fd, addr.array(), 12);
                } catch (LastErrorException e) {
                    throw new NetlinkException("cannot bind the netlink socket: errno " + e.getErrorCode(), e.getErrorCode());
                }
                for (int g : groups) {
                    s.option(LibC.SOL_NETLINK, LibC.NETLINK_ADD_MEMBERSHIP, intBytes(g), "join group " + g);
                }
                return s;
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
        });
    }

    private void option(int level, int name, byte[] value, String what) {
        try {
            LibC.C.setsockopt(fd, level, name, value, value.length);
        } catch (LastErrorException e) {
            throw new NetlinkException("netlink socket option " + what + " refused: errno " + e.getErrorCode()
                    + (e.getErrorCode() == 1 ? " (needs root, CAP_NET_ADMIN)" : ""), e.getErrorCode());
        }
    }

    /** Sends one (or several concatenated) netlink messages to the kernel. */
    public void send(byte[] message) {
        try {
            LibC.C.send(fd, message, message.length, 0);
        } catch (LastErrorException e) {
            throw new NetlinkException("netlink send failed: errno " + e.getErrorCode(), e.getErrorCode());
        }
    }

    /**
     * Receives one datagram (one or more netlink messages) into a fresh little-endian buffer via {@code into}:
     * returns the byte count, {@link #TIMEOUT} or {@link #OVERRUN}.
     */
    public int receive(ByteBuffer[] into) {
        long n;
        try {
            n = LibC.C.recv(fd, buffer, BUFFER, 0);
        } catch (LastErrorException e) {
            return failedReceive(e);
        }
        if (n <= 0) return TIMEOUT;
        ByteBuffer b = ByteBuffer.wrap(buffer.getByteArray(0, (int) n)).order(ByteOrder.nativeOrder());
        into[0] = b;
        return (int) n;
    }

    /**
     * Receives every datagram queued now (at least one, waiting up to the read timeout for it; at most
     * {@value BatchReceive#SLOTS}) and hands each to {@code each} as (buffer, length); the buffer is valid only during
     * the call. Returns the datagram count, {@link #TIMEOUT} or {@link #OVERRUN}. The readers' path: one system call
     * for many events and no allocation.
     */
    public int receiveAll(DatagramSink each) {
        if (batch == null) batch = new BatchReceive();
        int n;
        try {
            n = batch.receive(fd);
        } catch (LastErrorException e) {
            return failedReceive(e);
        }
        if (n <= 0) return TIMEOUT;
        for (int i = 0; i < n; i++) each.datagram(batch.slot(i), batch.length(i));
        return n;
    }

    /** A receive that failed: {@link #TIMEOUT} (nothing yet, or closing), {@link #OVERRUN} (the kernel dropped), or thrown. */
    private int failedReceive(LastErrorException e) {
        int err = e.getErrorCode();
        if (err == LibC.EAGAIN || err == LibC.EINTR) return TIMEOUT;
        if (err == LibC.ENOBUFS) return OVERRUN;
        if (closed) return TIMEOUT;
        throw new NetlinkException("netlink receive failed: errno " + err, err);
    }

    /** Takes one received datagram. */
    @FunctionalInterface
    public interface DatagramSink {
        void datagram(ByteBuffer buf, int length);
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            LibC.C.close(fd);
        } catch (LastErrorException e) {
            // closing twice or a dead socket: nothing left to release
        }
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    private static byte[] timeval(int ms) {
        return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(ms / 1000).putLong((ms % 1000) * 1000L)
                .array();
    }
}
