package dev.cordon.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.flows.BlockedPacket;
import dev.cordon.dataplane.flows.ConnEvent;
import dev.cordon.dataplane.flows.capture.FlowCapture;
import dev.cordon.dataplane.flows.conntrack.ConntrackEvents;
import dev.cordon.dataplane.flows.netlink.NetlinkException;
import dev.cordon.dataplane.flows.nflog.NflogListener;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.assertj.core.api.Assertions;

/**
 * Kernel capture through raw netlink (JNA → libc), in throw-away network namespaces with real TCP, UDP and ICMP:
 * the VEN's namespace {@code server} marks what a rule allowed (as Cordon's tagging does, keeping a bit another tool
 * set), logs to NFLOG and drops what a rule blocks, and DNATs one port; capture runs inside that namespace only (the
 * sockets are opened after {@code setns}), so the host's own traffic never shows up. Once per way of writing the
 * rules: iptables' {@code CONNMARK}/{@code NFLOG} targets ({@link IptablesFlowCaptureKernelTest}) and nft's
 * {@code ct mark set}/{@code log group} statements ({@link NftablesFlowCaptureKernelTest}), the forms the two
 * backends' renders use; the same capture reads both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FlowCaptureKernelSuite {
    /** The tag value the rules set, within {@code FlowMark.MASK}. */
    static final long TAG = 0x11230000L;
    /** A bit outside Cordon's mask that another tool (Docker uses 0x4000) set first: the tag must keep it. */
    static final long FOREIGN_BIT = 0x4000L;
    private Lab lab;
    private Lab.Host client;
    private Lab.Host server;
    private Lab.Host client6;
    private Lab.Host server6;

    /**
     * In {@code h}'s INPUT: established accept; tcp/81 logged to NFLOG group 1703 with prefix "cordon D 7", then
     * dropped; every new connection marked {@link #FOREIGN_BIT}, then tagged {@link #TAG} within Cordon's mask.
     * {@code dnat}: tcp/8080 DNATed to 10.78.0.9:80 (IPv4).
     */
    abstract void rules(Lab.Host h, boolean v6, boolean dnat);

    @BeforeAll
    void lab() {
        lab = Lab.create();
        try {
            client = lab.host("10.77.0.1");
            server = lab.host("10.77.0.2");
            client6 = lab.host("fd77::1");
            server6 = lab.host("fd77::2");
            server.run("ip", "addr", "add", "10.78.0.9/32", "dev", "lo");
            rules(server, false, true);
            rules(server6, true, false);
            server.listen(Set.of("tcp:80", "tcp:81", "udp:53"));
            server6.listen(Set.of("tcp:80", "udp:53"));
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    @AfterAll
    void cleanup() {
        if (lab != null) lab.close();
    }

    @Test
    void newAndDestroyEventsCarryTheMarkTheOriginalTupleAndCountersBothWays() throws Exception {
        // a UDP exchange before capture starts: reported once, as a snapshot
        assertThat(client.reaches("10.77.0.2", 53, "udp")).isTrue();
        BlockingQueue<ConnEvent> conns = new LinkedBlockingQueue<>();
        BlockingQueue<BlockedPacket> blocked = new LinkedBlockingQueue<>();
        try (FlowCapture cap = FlowCapture.start(FlowCapture.Config.of(Optional.of(server.ns)), sink(conns, blocked))) {
            assertThat(server.run("sysctl", "-n", "net.netfilter.nf_conntrack_acct").stdout().strip()).isEqualTo("1");
            ConnEvent snap = take(conns, e -> e.kind() == ConnEvent.Kind.SNAPSHOT && e.proto() == 17);
            assertThat(snap.src()).isEqualTo("10.77.0.1");
            assertThat(snap.dst()).isEqualTo("10.77.0.2");
            assertThat(snap.dstPort()).isEqualTo(53);
            assertThat(snap.mark()).as("the tag set Cordon's bits and kept the other tool's").isEqualTo(TAG | FOREIGN_BIT);

            assertThat(client.reaches("10.77.0.2", 80, "tcp")).isTrue();
            ConnEvent tcp = take(conns, e -> e.kind() == ConnEvent.Kind.NEW && e.proto() == 6 && e.dstPort() == 80);
            assertThat(tcp.src()).isEqualTo("10.77.0.1");
            assertThat(tcp.family()).isEqualTo(4);
            assertThat(tcp.mark()).isEqualTo(TAG | FOREIGN_BIT);
            server.run("conntrack", "-D", "-p", "tcp", "--dport", "80");
            ConnEvent end = take(conns, e -> e.kind() == ConnEvent.Kind.DESTROY && e.id() == tcp.id());
            assertThat(end.packetsOrig()).isGreaterThanOrEqualTo(3);
            assertThat(end.packetsReply()).isGreaterThanOrEqualTo(2);
            assertThat(end.bytesOrig()).isGreaterThan(100);
            assertThat(end.bytesReply()).isGreaterThan(80);

            // DNAT: the original destination (what the client used) is kept, the reply comes from the real one
            assertThat(client.reaches("10.77.0.2", 8080, "tcp")).isTrue();
            ConnEvent dnat = take(conns, e -> e.kind() == ConnEvent.Kind.NEW && e.dstPort() == 8080);
            assertThat(dnat.dst()).isEqualTo("10.77.0.2");
            assertThat(dnat.replySrc()).isEqualTo("10.78.0.9");
            assertThat(dnat.dnat()).isTrue();

            // ICMP echo: type 8 code 0
            icmpEcho(client, "10.77.0.2");
            ConnEvent icmp = take(conns, e -> e.kind() == ConnEvent.Kind.NEW && e.proto() == 1);
            assertThat(icmp.icmpType()).isEqualTo(8);
            assertThat(icmp.icmpCode()).isEqualTo(0);
            assertThat(icmp.srcPort()).isEqualTo(-1);

            // blocked: the SYN reaches NFLOG with the rule's prefix (and retransmissions with it)
            assertThat(client.reaches("10.77.0.2", 81, "tcp")).isFalse();
            BlockedPacket b = take(blocked, p -> p.dstPort() == 81);
            assertThat(b.prefix()).isEqualTo("cordon D 7");
            assertThat(b.src()).isEqualTo("10.77.0.1");
            assertThat(b.proto()).isEqualTo(6);
            assertThat(b.hook()).isEqualTo(BlockedPacket.HOOK_INPUT);
            assertThat(b.seq()).isGreaterThanOrEqualTo(0);
            assertThat(conns.stream().filter(e -> e.dstPort() == 81)).as("a dropped SYN confirms no connection").isEmpty();
            assertThat(cap.kernelLost()).isZero();
        }
    }

    @Test
    void ipv6TcpUdpAndTheHostsOwnTrafficStaysOut() throws Exception {
        BlockingQueue<ConnEvent> conns = new LinkedBlockingQueue<>();
        BlockingQueue<BlockedPacket> blocked = new LinkedBlockingQueue<>();
        try (FlowCapture cap = FlowCapture.start(new FlowCapture.Config(Optional.of(server6.ns), 1704, 1 << 20),
                sink(conns, blocked))) {
            assertThat(client6.reaches("fd77::2", 80, "tcp")).isTrue();
            assertThat(client6.reaches("fd77::2", 53, "udp")).isTrue();
            ConnEvent tcp = take(conns, e -> e.kind() == ConnEvent.Kind.NEW && e.proto() == 6);
            assertThat(tcp.family()).isEqualTo(6);
            assertThat(tcp.src()).isEqualTo("fd77::1");
            assertThat(tcp.dst()).isEqualTo("fd77::2");
            ConnEvent udp = take(conns, e -> e.kind() == ConnEvent.Kind.NEW && e.proto() == 17);
            assertThat(udp.dstPort()).isEqualTo(53);
            assertThat(udp.mark()).isEqualTo(TAG | FOREIGN_BIT);
            server6.run("conntrack", "-D", "-f", "ipv6", "-p", "udp");
            ConnEvent end = take(conns, e -> e.kind() == ConnEvent.Kind.DESTROY && e.id() == udp.id());
            assertThat(end.packetsOrig()).isEqualTo(1);
            assertThat(end.packetsReply()).isEqualTo(1);
            // traffic in another namespace (the IPv4 pair) is not this namespace's
            assertThat(client.reaches("10.77.0.2", 80, "tcp")).isTrue();
            assertThat(conns.poll(500, TimeUnit.MILLISECONDS)).satisfiesAnyOf(
                    e -> assertThat(e).isNull(), e -> assertThat(e.family()).isEqualTo(6));
            assertThat(conns.stream().filter(e -> e.family() == 4)).isEmpty();
        }
    }

    @Test
    void aSecondListenerOnTheSameNflogGroupIsRefusedWithAClearMessage() {
        try (NflogListener first = NflogListener.open(Optional.of(server.ns), 1705, 1 << 20)) {
            Assertions.assertThatThrownBy(() -> NflogListener.open(Optional.of(server.ns), 1705, 1 << 20))
                    .isInstanceOf(NetlinkException.class).hasMessageContaining("another program already listens");
        }
    }

    @Test
    void aMissingNamespaceIsNamed() {
        Assertions.assertThatThrownBy(() -> ConntrackEvents.open(Optional.of("cordon-no-such-ns"), 1 << 20))
                .isInstanceOf(NetlinkException.class).hasMessageContaining("no network namespace 'cordon-no-such-ns'");
    }

    private static FlowCapture.Sink sink(BlockingQueue<ConnEvent> conns, BlockingQueue<BlockedPacket> blocked) {
        return new FlowCapture.Sink() {
            @Override
            public void connection(ConnEvent e) {
                conns.add(e);
            }

            @Override
            public void blocked(BlockedPacket p) {
                blocked.add(p);
            }
        };
    }

    /** The first element matching {@code p}, waiting for it (the others are put back at the end). */
    private static <T> T take(BlockingQueue<T> q, Predicate<T> p) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        java.util.List<T> skipped = new java.util.ArrayList<>();
        try {
            while (System.nanoTime() < deadline) {
                T t = q.poll(100, TimeUnit.MILLISECONDS);
                if (t == null) continue;
                if (p.test(t)) return t;
                skipped.add(t);
            }
        } finally {
            q.addAll(skipped);
        }
        throw new AssertionError("no matching event within 10 s; seen: " + skipped);
    }

    private static void icmpEcho(Lab.Host from, String to) {
        from.run("python3", "-c", String.join("\n",
                "import socket, struct, sys",
                "s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP); s.settimeout(2)",
                "def csum(b):",
                "    t = sum(struct.unpack('!%dH' % (len(b) // 2), b)); t = (t >> 16) + (t & 0xffff); t += t >> 16",
                "    return ~t & 0xffff",
                "h = struct.pack('!BBHHH', 8, 0, 0, 7, 1) + b'cordon!!'",
                "h = struct.pack('!BBHHH', 8, 0, csum(h), 7, 1) + b'cordon!!'",
                "s.sendto(h, (sys.argv[1], 0)); s.recvfrom(256)"), to);
    }
}
