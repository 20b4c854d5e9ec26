package dev.cordon.dataplane.nftables.render;

import java.util.List;

/**
 * One named set of Cordon's table: {@code type} as nft writes it ({@code ipv4_addr} for a peer set,
 * {@code ipv4_addr . inet_proto . inet_service} for a class set), whether it is an interval set ({@code flags
 * interval}: CIDR blocks; else a hash set of single addresses), and its elements in nft syntax
 * ({@code 10.1.0.0/24 . tcp . 443}), non-overlapping and sorted.
 */
public record NftSet(String name, String type, boolean interval, List<String> elements) {
    public NftSet {
        elements = List.copyOf(elements);
    }

    /** The declaration without elements, as the body of {@code add set}. */
    public String declaration() {
        return "{ type " + type + ";" + (interval ? " flags interval;" : "") + " }";
    }
}
