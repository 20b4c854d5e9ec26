package dev.cordon.dataplane.flows.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Many netlink datagrams per system call: {@code recvmmsg(2)} with {@code MSG_WAITFORONE} (block for the first, up to
 * the socket's read timeout, then take whatever else is queued without waiting) into {@value #SLOTS} fixed slots.
 * Each multicast conntrack event is a datagram of its own, so one {@code recv} per event was one system call and one
 * JNA call per event; at tens of thousands of connections per second that was most of the reader's time. The call is
 * bound by JNA direct mapping ({@link Native#register}), which skips the interface proxy's reflection on every call.
 *
 * <p>Nothing is allocated per receive: the slots are views of one native buffer, valid until the next receive.
 * The {@code struct mmsghdr} layout is that of 64-bit Linux (x86-64 and arm64 alike). Thread ownership: one reader.
 */
final class BatchReceive {
    static final int SLOTS = 64;
    /** Bytes per datagram: an nfnetlink_log batch is at most a page or two; a conntrack event a few hundred bytes. */
    static final int SLOT = 16 << 10;
    private static final int MMSGHDR = 64;
    private static final int IOVEC = 16;
    private static final int MSG_LEN = 56;
    private static final int MSG_WAITFORONE = 0x10000;

    static {
        Native.register(BatchReceive.class, NativeLibrary.getInstance("c"));
    }

    private static native int recvmmsg(int fd, Pointer msgvec, int vlen, int flags, Pointer timeout)
            throws LastErrorException;

    private final Memory headers = new Memory((long) MMSGHDR * SLOTS);
    private final Memory iovecs = new Memory((long) IOVEC * SLOTS);
    private final Memory data = new Memory((long) SLOT * SLOTS);
    private final ByteBuffer[] views = new ByteBuffer[SLOTS];

    BatchReceive() {
        headers.clear();
        for (int i = 0; i < SLOTS; i++) {
            iovecs.setPointer((long) IOVEC * i, data.share((long) SLOT * i));
            iovecs.setLong((long) IOVEC * i + 8, SLOT);
            long h = (long) MMSGHDR * i;
            headers.setPointer(h + 16, iovecs.share((long) IOVEC * i)); // msg_iov
            headers.setLong(h + 24, 1); // msg_iovlen
            views[i] = data.getByteBuffer((long) SLOT * i, SLOT).order(ByteOrder.nativeOrder());
        }
    }

    /** Receives up to {@value #SLOTS} datagrams: their count; throws {@link LastErrorException} as recvmmsg fails. */
    int receive(int fd) {
        return recvmmsg(fd, headers, SLOTS, MSG_WAITFORONE, null);
    }

    /** Datagram {@code i} of the last receive, little-endian view from 0 (valid until the next receive). */
    ByteBuffer slot(int i) {
        return views[i].order(ByteOrder.nativeOrder());
    }

    /** Its length in bytes (a datagram longer than a slot is cut to the slot: the parser drops the cut message). */
    int length(int i) {
        return Math.min(SLOT, headers.getInt((long) MMSGHDR * i + MSG_LEN));
    }
}
