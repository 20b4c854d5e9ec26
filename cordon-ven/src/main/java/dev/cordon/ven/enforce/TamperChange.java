package dev.cordon.ven.enforce;

/**
 * One difference between the live firewall and the applied snapshot: family ({@code IPv4}/{@code IPv6}), table
 * (or {@code ipset}), chain (or set name), the rule text (or set member; empty when the whole chain or set is
 * concerned) and the kind in snake case ({@code rule_added}, {@code chain_flushed}, {@code jump_not_first}, ...).
 */
public record TamperChange(String family, String table, String chain, String rule, String kind) {
    @Override
    public String toString() {
        return kind + " " + family + " " + table + "/" + chain + (rule.isEmpty() ? "" : ": " + rule);
    }
}
