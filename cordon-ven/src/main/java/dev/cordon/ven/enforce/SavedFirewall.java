package dev.cordon.ven.enforce;

/**
 * The host firewall as {@code iptables-save} and {@code ip6tables-save} printed it, taken at activation so that
 * unpairing with {@code firewall_restore: saved} can put it back.
 */
public record SavedFirewall(String ipv4, String ipv6) {}
