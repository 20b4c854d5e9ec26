package dev.cordon.dataplane.nftables.render;

/**
 * The not-primary pass mark. In nftables an accept ends only its own base chain, so "packets the other firewalls
 * accept never reach Cordon" needs them to say which packets they passed on: the last rule of iptables-nft's
 * filter INPUT, FORWARD and OUTPUT (both families) sets {@link #BIT} ({@code -j MARK --or-mark}); packets one of
 * their rules accepted never get there, and Cordon's base chain, running after them, accepts every packet without
 * the bit. Native nftables tables of other tools cannot be given such a rule: against them not primary is "both must
 * allow" (docs/design/dataplane.md).
 */
public final class PassMark {
    /** Bit 23: clear of Docker's, kube-proxy's (bits 14, 15) and Calico's default (0xffff0000 is configurable there). */
    public static final int BIT = 0x00800000;
    /** The comment iptables-nft's rule carries, which is how Cordon finds it. */
    public static final String COMMENT = "cordon-pass";

    private PassMark() {}

    static String hex(int v) {
        return String.format("0x%08x", v);
    }

    /** The rule's parameters after {@code -A CHAIN}. */
    public static String iptablesRule() {
        return "-m comment --comment " + COMMENT + " -j MARK --or-mark " + hex(BIT);
    }
}
