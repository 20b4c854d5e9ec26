package dev.cordon.dataplane.flows.nflog;

import dev.cordon.dataplane.flows.BlockedPacket;
import dev.cordon.dataplane.flows.netlink.Attrs;
import dev.cordon.dataplane.flows.netlink.Nl;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * An nfnetlink_log packet message ({@code NFULNL_MSG_PACKET}) → a {@link BlockedPacket}: prefix, hook, mark and
 * sequence from the attributes, addresses, protocol, ports or ICMP type/code from the copied packet (IPv4 header
 * with options; IPv6 fixed header — a packet with extension headers reports their next-header number as proto and
 * no ports). Pure; attribute numbers are those of {@code linux/netfilter/nfnetlink_log.h}.
 */
public final class NflogParser {
    public static final int SUBSYS_ULOG = 4;
    public static final int MSG_PACKET = 0;
    public static final int MSG_CONFIG = 1;
    static final int NFULA_PACKET_HDR = 1;
    static final int NFULA_MARK = 2;
    static final int NFULA_PAYLOAD = 9;
    static final int NFULA_PREFIX = 10;
    static final int NFULA_SEQ = 12;

    private NflogParser() {}

    public static Optional<BlockedPacket> parse(Nl.Message m) {
        if (m.subsystem() != SUBSYS_ULOG || m.kind() != MSG_PACKET) return Optional.empty();
        Attrs a = m.attrs();
        byte[] hdr = a.bytes(NFULA_PACKET_HDR);
        int hook = hdr != null && hdr.length >= 3 ? hdr[2] & 0xff : -1;
        byte[] p = a.bytes(NFULA_PAYLOAD);
        if (p == null || p.length < 1) return Optional.empty();
        int version = (p[0] >> 4) & 0xf;
        int proto;
        int l4;
        String src;
        String dst;
        if (version == 4 && p.length >= 20) {
            proto = p[9] & 0xff;
            l4 = (p[0] & 0xf) * 4;
            src = Attrs.address(ByteBuffer.wrap(p), 12, 4);
            dst = Attrs.address(ByteBuffer.wrap(p), 16, 4);
        } else if (version == 6 && p.length >= 40) {
            proto = p[6] & 0xff;
            l4 = 40;
            src = Attrs.address(ByteBuffer.wrap(p), 8, 16);
            dst = Attrs.address(ByteBuffer.wrap(p), 24, 16);
        } else {
            return Optional.empty();
        }
        int sport = -1;
        int dport = -1;
        int itype = -1;
        int icode = -1;
        boolean icmp = proto == 1 || proto == 58;
        if (icmp && p.length >= l4 + 2) {
            itype = p[l4] & 0xff;
            icode = p[l4 + 1] & 0xff;
        } else if ((proto == 6 || proto == 17 || proto == 132) && p.length >= l4 + 4) {
            sport = ((p[l4] & 0xff) << 8) | (p[l4 + 1] & 0xff);
            dport = ((p[l4 + 2] & 0xff) << 8) | (p[l4 + 3] & 0xff);
        }
        return Optional.of(new BlockedPacket(version, proto, src, dst, sport, dport, itype, icode,
                a.string(NFULA_PREFIX), hook, Math.max(0, a.u32(NFULA_MARK)), a.u32(NFULA_SEQ)));
    }
}
