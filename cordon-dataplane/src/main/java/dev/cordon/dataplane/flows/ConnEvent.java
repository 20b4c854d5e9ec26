package dev.cordon.dataplane.flows;

/**
 * One conntrack event of a connection, as the kernel reported it ({@code ctnetlink}).
 *
 * <p>The tuple is the <em>original</em> direction (what the first packet carried, before any NAT), so a connection
 * to a DNATed address shows the address the client used; {@code replySrc} is the reply tuple's source (the real
 * server after DNAT). Counters are those of the whole connection so far: {@code packetsOrig}/{@code bytesOrig} in
 * the original direction (initiator → responder), {@code ...Reply} back; they are set on {@link Kind#DESTROY} and
 * {@link Kind#SNAPSHOT} when {@code nf_conntrack_acct} is on, and 0 otherwise. {@code mark} is the connection mark
 * (Cordon's decision and rule index live in its {@code FlowMark} bits). Ports are -1 for ICMP, which carries
 * {@code icmpType}/{@code icmpCode} (-1 otherwise).
 *
 * @param id        the kernel's conntrack id (unique among live connections of the namespace)
 * @param tcpState  the TCP state name ({@code ESTABLISHED}, {@code TIME_WAIT}...) or null
 */
public record ConnEvent(Kind kind, long id, int family, int proto, String src, String dst, int srcPort, int dstPort,
                        int icmpType, int icmpCode, String replySrc, long mark, long packetsOrig, long bytesOrig,
                        long packetsReply, long bytesReply, String tcpState) {
    /** What happened. */
    public enum Kind {
        /** A new connection was confirmed (its first packet passed every hook). */
        NEW,
        /** The connection ended (closed and timed out, or removed). */
        DESTROY,
        /** The connection existed when capture started (the initial dump), reported once. */
        SNAPSHOT
    }

    /** True when the connection's destination was translated (DNAT: the reply comes from another address). */
    public boolean dnat() {
        return replySrc != null && !replySrc.equals(dst);
    }
}
