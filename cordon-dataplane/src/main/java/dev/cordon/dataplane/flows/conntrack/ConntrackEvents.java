package dev.cordon.dataplane.flows.conntrack;

import dev.cordon.dataplane.flows.ConnEvent;
import dev.cordon.dataplane.flows.netlink.NetNamespace;
import dev.cordon.dataplane.flows.netlink.NetlinkException;
import dev.cordon.dataplane.flows.netlink.NetlinkSocket;
import dev.cordon.dataplane.flows.netlink.Nl;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The conntrack table of one network namespace over ctnetlink: NEW and DESTROY events (multicast groups
 * {@code NFNLGRP_CONNTRACK_NEW} and {@code _DESTROY}) and a one-off dump of the connections that exist.
 *
 * <p>Events are lossy by design (netlink(7)): when the reader falls behind the kernel drops messages and the next
 * receive fails with {@code ENOBUFS}; each such overrun is counted in {@link #overruns()} (at least one event lost
 * each), so a report can say that its data has a gap.
 *
 * <p>Thread ownership: {@link #pump} on one reader thread; {@link #dump} on any thread (its own socket).
 */
public final class ConntrackEvents implements AutoCloseable {
    static final int GROUP_NEW = 1;
    static final int GROUP_DESTROY = 3;
    private static final int READ_TIMEOUT_MS = 200;

    private final Optional<String> netns;
    private final NetlinkSocket events;
    private final AtomicLong overruns = new AtomicLong();

    private ConntrackEvents(Optional<String> netns, NetlinkSocket events) {
        this.netns = netns;
        this.events = events;
    }

    /**
     * Subscribes to the conntrack events of namespace {@code netns} (empty: the caller's) with a receive buffer of
     * {@code rcvbuf} bytes, after turning on per-connection packet and byte accounting there
     * ({@code net.netfilter.nf_conntrack_acct=1}; it applies to connections created from then on).
     */
    public static ConntrackEvents open(Optional<String> netns, int rcvbuf) {
        enableAccounting(netns);
        return new ConntrackEvents(netns, NetlinkSocket.open(NetlinkSocket.NETLINK_NETFILTER,
                new int[] {GROUP_NEW, GROUP_DESTROY}, netns, rcvbuf, READ_TIMEOUT_MS));
    }

    /**
     * Sets {@code nf_conntrack_acct} to 1 in the namespace. {@code /proc/sys/net} shows the network namespace of
     * the thread that opens the file, so this is written from inside the namespace.
     */
    public static void enableAccounting(Optional<String> netns) {
        NetNamespace.call(netns, () -> {
            Path p = Path.of("/proc/sys/net/netfilter/nf_conntrack_acct");
            try {
                if (!Files.readString(p).strip().equals("1")) Files.writeString(p, "1", StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new NetlinkException("cannot turn on conntrack accounting (" + p + "): " + e.getMessage()
                        + " (needs root and the nf_conntrack module)", 0);
            }
            return null;
        });
    }

    /** Reads events into {@code sink} until {@code running} turns false or the socket is closed. */
    public void pump(Consumer<ConnEvent> sink, BooleanSupplier running) {
        Consumer<Nl.Message> each = m -> CtParser.parse(m, null).ifPresent(sink);
        NetlinkSocket.DatagramSink datagram = (buf, len) -> Nl.messages(buf, len, each);
        while (running.getAsBoolean() && !events.closed()) {
            int n = events.receiveAll(datagram);
            if (n == NetlinkSocket.OVERRUN) {
                overruns.incrementAndGet();
            } else if (n > 0 && n < NetlinkSocket.BATCH) {
                coalesce();
            }
        }
    }

    /**
     * After a batch that emptied the queue, let events gather for {@value #COALESCE_MS} ms before the next read, so
     * one system call takes dozens of them. Reading as each event arrives cost a wake-up per event or two: the
     * reader's, and the kernel's in the packet path (a waiting reader is woken from the softirq of the connection's
     * first packet), which at tens of thousands of connections per second was most of what capture added per
     * connect. A full batch reads again at once. What queues meanwhile (at 100k events/s ~1,000 datagrams, ~1.5
     * MB of socket memory) is far inside the 32 MiB receive buffer, and a report is per interval, so the delay
     * costs nothing.
     */
    private static void coalesce() {
        try {
            Thread.sleep(COALESCE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final int COALESCE_MS = 10;

    /** Overruns of the event socket so far (each lost one or more events). */
    public long overruns() {
        return overruns.get();
    }

    /** The connections in the table now (IPv4 and IPv6), as {@link ConnEvent.Kind#SNAPSHOT} events. */
    public List<ConnEvent> dump() {
        List<ConnEvent> out = new ArrayList<>();
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_NETFILTER, new int[0], netns, 4 << 20, 2000)) {
            s.send(Nl.request(CtParser.SUBSYS_CTNETLINK, CtParser.MSG_GET, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, 0, 0, 1)
                    .bytes());
            ByteBuffer[] got = new ByteBuffer[1];
            boolean[] done = {false};
            int[] error = {0};
            while (!done[0]) {
                int n = s.receive(got);
                if (n == NetlinkSocket.TIMEOUT) throw new NetlinkException("the conntrack dump did not finish", 0);
                if (n == NetlinkSocket.OVERRUN) throw new NetlinkException("the conntrack dump overran its buffer", 105);
                Nl.messages(got[0], n, m -> {
                    if (m.type() == Nl.NLMSG_DONE) done[0] = true;
                    else if (m.type() == Nl.NLMSG_ERROR) {
                        error[0] = m.error();
                        done[0] = true;
                    } else CtParser.parse(m, ConnEvent.Kind.SNAPSHOT).ifPresent(out::add);
                });
            }
            if (error[0] != 0) throw new NetlinkException("the conntrack dump failed: errno " + error[0], error[0]);
        }
        return out;
    }

    @Override
    public void close() {
        events.close();
    }
}
