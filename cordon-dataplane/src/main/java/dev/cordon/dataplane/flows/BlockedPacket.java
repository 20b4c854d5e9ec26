package dev.cordon.dataplane.flows;

/**
 * One packet a rule logged to NFLOG before dropping it (or before letting it through in visibility only), as
 * {@code nfnetlink_log} delivered it: the L3/L4 header fields read from the copied packet, the rule's log prefix
 * (Cordon's names the decision and the rule index: see {@code FlowMark}), the netfilter hook it was logged at
 * ({@code 1} input, {@code 2} forward, {@code 3} output) and the instance's sequence number (-1 when absent), whose
 * gaps are packets the kernel could not deliver.
 */
public record BlockedPacket(int family, int proto, String src, String dst, int srcPort, int dstPort, int icmpType,
                            int icmpCode, String prefix, int hook, long mark, long seq) {
    public static final int HOOK_INPUT = 1;
    public static final int HOOK_FORWARD = 2;
    public static final int HOOK_OUTPUT = 3;
}
