package dev.cordon.dataplane.flows.conntrack;

import dev.cordon.dataplane.flows.ConnEvent;
import dev.cordon.dataplane.flows.netlink.Attrs;
import dev.cordon.dataplane.flows.netlink.Nl;
import java.util.Optional;

/**
 * A ctnetlink message ({@code IPCTNL_MSG_CT_NEW} / {@code _DELETE}) → a {@link ConnEvent}. Pure; attribute numbers
 * are those of {@code linux/netfilter/nfnetlink_conntrack.h}.
 */
public final class CtParser {
    public static final int SUBSYS_CTNETLINK = 1;
    public static final int MSG_NEW = 0;
    public static final int MSG_GET = 1;
    public static final int MSG_DELETE = 2;
    static final int CTA_TUPLE_ORIG = 1;
    static final int CTA_TUPLE_REPLY = 2;
    static final int CTA_PROTOINFO = 4;
    static final int CTA_MARK = 8;
    static final int CTA_COUNTERS_ORIG = 9;
    static final int CTA_COUNTERS_REPLY = 10;
    static final int CTA_ID = 12;
    static final int CTA_TUPLE_IP = 1;
    static final int CTA_TUPLE_PROTO = 2;
    static final int CTA_IP_V4_SRC = 1;
    static final int CTA_IP_V4_DST = 2;
    static final int CTA_IP_V6_SRC = 3;
    static final int CTA_IP_V6_DST = 4;
    static final int CTA_PROTO_NUM = 1;
    static final int CTA_PROTO_SRC_PORT = 2;
    static final int CTA_PROTO_DST_PORT = 3;
    static final int CTA_PROTO_ICMP_TYPE = 5;
    static final int CTA_PROTO_ICMP_CODE = 6;
    static final int CTA_PROTO_ICMPV6_TYPE = 8;
    static final int CTA_PROTO_ICMPV6_CODE = 9;
    static final int CTA_COUNTERS_PACKETS = 1;
    static final int CTA_COUNTERS_BYTES = 2;
    static final int CTA_PROTOINFO_TCP = 1;
    static final int CTA_PROTOINFO_TCP_STATE = 1;
    private static final String[] TCP_STATES = {"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
        "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"};

    private CtParser() {}

    /**
     * The event a message carries, or empty for a message that is not a connection (errors, done, updates of an
     * existing connection when {@code kindOverride} is null and the message is not a creation).
     *
     * @param kindOverride the kind to report (SNAPSHOT for dump answers), or null to read it from the message
     */
    public static Optional<ConnEvent> parse(Nl.Message m, ConnEvent.Kind kindOverride) {
        if (m.subsystem() != SUBSYS_CTNETLINK) return Optional.empty();
        ConnEvent.Kind kind;
        if (kindOverride != null) kind = kindOverride;
        else if (m.kind() == MSG_DELETE) kind = ConnEvent.Kind.DESTROY;
        else if (m.kind() == MSG_NEW && (m.flags() & Nl.NLM_F_CREATE) != 0) kind = ConnEvent.Kind.NEW;
        else return Optional.empty();
        Attrs a = m.attrs();
        Attrs orig = a.nested(CTA_TUPLE_ORIG);
        Attrs ip = orig.nested(CTA_TUPLE_IP);
        Attrs proto = orig.nested(CTA_TUPLE_PROTO);
        boolean v6 = ip.has(CTA_IP_V6_SRC);
        String src = ip.address(v6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC);
        String dst = ip.address(v6 ? CTA_IP_V6_DST : CTA_IP_V4_DST);
        if (src == null || dst == null) return Optional.empty();
        int p = proto.u8(CTA_PROTO_NUM);
        int sport = proto.u16(CTA_PROTO_SRC_PORT);
        int dport = proto.u16(CTA_PROTO_DST_PORT);
        int itype = proto.u8(v6 ? CTA_PROTO_ICMPV6_TYPE : CTA_PROTO_ICMP_TYPE);
        int icode = proto.u8(v6 ? CTA_PROTO_ICMPV6_CODE : CTA_PROTO_ICMP_CODE);
        Attrs reply = a.nested(CTA_TUPLE_REPLY).nested(CTA_TUPLE_IP);
        String replySrc = reply.address(v6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC);
        long mark = Math.max(0, a.u32(CTA_MARK));
        Attrs co = a.nested(CTA_COUNTERS_ORIG);
        Attrs cr = a.nested(CTA_COUNTERS_REPLY);
        int st = a.nested(CTA_PROTOINFO).nested(CTA_PROTOINFO_TCP).u8(CTA_PROTOINFO_TCP_STATE);
        String tcp = st >= 0 && st < TCP_STATES.length ? TCP_STATES[st] : null;
        return Optional.of(new ConnEvent(kind, a.u32(CTA_ID), v6 ? 6 : 4, p, src, dst, sport, dport, itype, icode,
                replySrc, mark, Math.max(0, co.u64(CTA_COUNTERS_PACKETS)), Math.max(0, co.u64(CTA_COUNTERS_BYTES)),
                Math.max(0, cr.u64(CTA_COUNTERS_PACKETS)), Math.max(0, cr.u64(CTA_COUNTERS_BYTES)), tcp));
    }
}
