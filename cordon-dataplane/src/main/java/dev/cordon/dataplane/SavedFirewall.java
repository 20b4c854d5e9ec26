package dev.cordon.dataplane;

/**
 * The host firewall as the backend that saved it printed it, taken before Cordon's first apply so that unpairing
 * with {@code firewall_restore: saved} can put it back. For the iptables backend {@code ipv4} and {@code ipv6} are
 * {@code iptables-save} and {@code ip6tables-save} output. Only the backend named by {@code backend} can restore
 * it; files written before the backend was recorded hold iptables text, so a missing name reads as "iptables".
 */
public record SavedFirewall(String backend, String ipv4, String ipv6) {
    public SavedFirewall {
        backend = backend == null ? "iptables" : backend;
        ipv4 = ipv4 == null ? "" : ipv4;
        ipv6 = ipv6 == null ? "" : ipv6;
    }
}
