package dev.cordon.dataplane;

/**
 * The host firewall as the backend that saved it printed it, taken before Cordon's first apply so that unpairing
 * with {@code firewall_restore: saved} can put it back. {@code ipv4} and {@code ipv6} are {@code iptables-save} and
 * {@code ip6tables-save} output (the iptables-nft or legacy tables); {@code nftables} is the native nftables tables
 * that are not iptables-nft's own, as {@code nft list table} prints them ("" when there were none or {@code nft} is
 * not installed). Both backends save all three, so exclusive mode can set foreign native tables aside and unpair can
 * bring them back. Only the backend named by {@code backend} can restore it; files written before the backend was
 * recorded hold iptables text, so a missing name reads as "iptables" and a missing {@code nftables} as "".
 */
public record SavedFirewall(String backend, String ipv4, String ipv6, String nftables) {
    public SavedFirewall {
        backend = backend == null ? "iptables" : backend;
        ipv4 = ipv4 == null ? "" : ipv4;
        ipv6 = ipv6 == null ? "" : ipv6;
        nftables = nftables == null ? "" : nftables;
    }

    /** A saved firewall without native nftables tables. */
    public SavedFirewall(String backend, String ipv4, String ipv6) {
        this(backend, ipv4, ipv6, "");
    }
}
