package dev.cordon.dataplane.flows.nflog;

import dev.cordon.dataplane.flows.BlockedPacket;
import dev.cordon.dataplane.flows.netlink.NetlinkException;
import dev.cordon.dataplane.flows.netlink.NetlinkSocket;
import dev.cordon.dataplane.flows.netlink.Nl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Listens to one NFLOG group ({@code -j NFLOG --nflog-group N}, nft {@code log group N}) of a network namespace
 * through nfnetlink_log: binds the group, asks for the first {@value #COPY_RANGE} bytes of each packet (enough for
 * the IP and L4 headers), a flush at least every {@value #FLUSH_CS} centiseconds (so a rule's
 * {@code --nflog-threshold} batch never waits long) and per-instance sequence numbers, whose gaps count as lost
 * packets in {@link #lost()}, as do receive-buffer overruns.
 *
 * <p>Only one socket may bind a group in a namespace at a time; a second one is refused ({@code EPERM}).
 * Thread ownership: {@link #pump} on one reader thread.
 */
public final class NflogListener implements AutoCloseable {
    static final int COPY_RANGE = 128;
    static final int FLUSH_CS = 50;
    private static final int NFULA_CFG_CMD = 1;
    private static final int NFULA_CFG_MODE = 2;
    private static final int NFULA_CFG_TIMEOUT = 4;
    private static final int NFULA_CFG_FLAGS = 6;
    private static final int CMD_BIND = 1;
    private static final int COPY_PACKET = 2;
    private static final int FLAG_SEQ = 0x1;

    private final NetlinkSocket socket;
    private final int group;
    private final AtomicLong lost = new AtomicLong();
    private long lastSeq = -1;

    private NflogListener(NetlinkSocket socket, int group) {
        this.socket = socket;
        this.group = group;
    }

    /** Binds NFLOG {@code group} (0..65535) in namespace {@code netns} (empty: the caller's). */
    public static NflogListener open(Optional<String> netns, int group, int rcvbuf) {
        if (group < 0 || group > 65535) throw new IllegalArgumentException("NFLOG group " + group + " is not 0..65535");
        NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_NETFILTER, new int[0], netns, rcvbuf, 200);
        NflogListener l = new NflogListener(s, group);
        try {
            l.config(1, "bind", attr -> attr.attr(NFULA_CFG_CMD, new byte[] {CMD_BIND}));
            l.config(2, "copy mode", attr -> attr.attr(NFULA_CFG_MODE,
                    ByteBuffer.allocate(6).order(ByteOrder.BIG_ENDIAN).putInt(COPY_RANGE).put((byte) COPY_PACKET)
                            .put((byte) 0).array()));
            l.config(3, "flush timeout", attr -> attr.attr(NFULA_CFG_TIMEOUT,
                    ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(FLUSH_CS).array()));
            l.config(4, "sequence numbers", attr -> attr.attr(NFULA_CFG_FLAGS,
                    ByteBuffer.allocate(2).order(ByteOrder.BIG_ENDIAN).putShort((short) FLAG_SEQ).array()));
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return l;
    }

    private void config(int seq, String what, Consumer<Nl.Builder> attrs) {
        Nl.Builder b = Nl.request(NflogParser.SUBSYS_ULOG, NflogParser.MSG_CONFIG, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK,
                0, group, seq);
        attrs.accept(b);
        socket.send(b.bytes());
        ByteBuffer[] got = new ByteBuffer[1];
        int[] err = {Integer.MIN_VALUE};
        for (int tries = 0; tries < 10 && err[0] == Integer.MIN_VALUE; tries++) {
            int n = socket.receive(got);
            if (n <= 0) continue;
            Nl.messages(got[0], n, m -> {
                if (m.type() == Nl.NLMSG_ERROR && m.seq() == seq) err[0] = m.error();
            });
        }
        if (err[0] == Integer.MIN_VALUE) throw new NetlinkException("NFLOG group " + group + ": no answer to " + what, 0);
        if (err[0] != 0) {
            throw new NetlinkException("NFLOG group " + group + ": " + what + " refused, errno " + err[0]
                    + (err[0] == 1 && seq == 1 ? " (another program already listens to this group in this namespace)" : ""),
                    err[0]);
        }
    }

    /** Reads logged packets into {@code sink} until {@code running} turns false or the socket is closed. */
    public void pump(Consumer<BlockedPacket> sink, BooleanSupplier running) {
        Consumer<Nl.Message> each = m -> NflogParser.parse(m).ifPresent(p -> {
            if (p.seq() >= 0) {
                if (lastSeq >= 0 && p.seq() > lastSeq + 1) lost.addAndGet(p.seq() - lastSeq - 1);
                lastSeq = p.seq();
            }
            sink.accept(p);
        });
        NetlinkSocket.DatagramSink datagram = (buf, len) -> Nl.messages(buf, len, each);
        while (running.getAsBoolean() && !socket.closed()) {
            if (socket.receiveAll(datagram) == NetlinkSocket.OVERRUN) lost.incrementAndGet();
        }
    }

    /** Packets logged but not delivered so far (sequence gaps and overruns; an overrun counts as one). */
    public long lost() {
        return lost.get();
    }

    @Override
    public void close() {
        socket.close();
    }
}
