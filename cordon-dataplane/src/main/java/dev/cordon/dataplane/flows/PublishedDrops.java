package dev.cordon.dataplane.flows;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Turns the two logs of a blocked published-port packet into the one blocked packet the VEN reports
 * (docs/design/traffic-capture.md, "Published ports"). The drop happens in mangle FORWARD, after Docker's DNAT, where
 * the packet names the container, not the host's address and published port that the host's policy judged; the
 * kernel here cannot attach the conntrack entry to an NFLOG message ({@code CONFIG_NETFILTER_NETLINK_GLUE_CT} is
 * often off). So the judgement in mangle PREROUTING logs the packet before the DNAT ({@code "cordon P <i>"}, the
 * original destination), and the forward drop logs it again ({@code "cordon F"}). A {@code P} packet without a
 * following {@code F} was the host's own traffic (it went to INPUT, where the filter rules decide and log it
 * themselves) and is forgotten; a {@code P} and the {@code F} with the same source (the DNAT keeps it) become the
 * {@code P} packet with prefix {@code "cordon D <i>"}. The kernel appends both messages of one packet to the group's
 * queue in hook order, so a {@code P} always comes first.
 *
 * <p>Not thread-safe: used on the NFLOG reader thread only. Bounded at {@value #MAX_PENDING} pending {@code P}
 * packets, oldest forgotten first.
 */
public final class PublishedDrops {
    static final int MAX_PENDING = 4096;

    private record Key(int family, int proto, String src, int srcPort) {}

    private final Map<Key, BlockedPacket> pending = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, BlockedPacket> eldest) {
            return size() > MAX_PENDING;
        }
    };
    // written by the reader thread only, read by the reporter
    private volatile long unpaired;

    /** The packet to report for {@code p}: itself, a paired published drop, or empty (a half still waiting). */
    public Optional<BlockedPacket> accept(BlockedPacket p) {
        OptionalInt published = FlowMark.publishedIndex(p.prefix());
        Key k = new Key(p.family(), p.proto(), p.src(), p.srcPort());
        if (published.isPresent()) {
            pending.put(k, p);
            return Optional.empty();
        }
        if (p.prefix() != null && p.prefix().strip().equals(FlowMark.FORWARDED_PREFIX)) {
            BlockedPacket before = pending.remove(k);
            if (before == null) {
                // its pre-DNAT half was rate-limited away or evicted: the original destination is lost
                unpaired++;
                return Optional.empty();
            }
            return Optional.of(new BlockedPacket(before.family(), before.proto(), before.src(), before.dst(),
                    before.srcPort(), before.dstPort(), before.icmpType(), before.icmpCode(),
                    FlowMark.blockedPrefix(FlowMark.publishedIndex(before.prefix()).getAsInt()),
                    BlockedPacket.HOOK_FORWARD, p.mark(), p.seq()));
        }
        return Optional.of(p);
    }

    /** Forward-path drops whose pre-DNAT half never arrived (reported as lost, not as a flow). */
    public long unpaired() {
        return unpaired;
    }
}
