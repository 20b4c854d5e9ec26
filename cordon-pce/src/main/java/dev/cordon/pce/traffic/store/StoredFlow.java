package dev.cordon.pce.traffic.store;

/**
 * One row of {@code traffic_flows}: a flow summary oriented source → destination, as one end reported it
 * ({@code flowDirection} inbound = the destination's VEN, outbound = the source's), both ends resolved; the packet
 * and byte counters are those of the destination ({@code dst_bi} = bytes into it, {@code dst_bo} = out of it), as
 * Illumio names them. Times are epoch milliseconds; {@code day} the UTC day of {@code lastSeen}.
 */
public record StoredFlow(int org, int day, String venHref, Long seq, String flowDirection, FlowEnd src, FlowEnd dst,
                         int proto, Integer port, Integer icmpType, Integer icmpCode, String decision, String reason,
                         String ruleHref, Long policyVersion, long connections, long firstSeen, long lastSeen,
                         long dstPi, long dstPo, long dstBi, long dstBo, String state) {
    public static int dayOf(long epochMillis) {
        return (int) Math.floorDiv(epochMillis, 86_400_000L);
    }
}
