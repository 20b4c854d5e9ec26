package dev.cordon.dataplane.nftables.read;

import java.util.List;
import java.util.Map;

/**
 * One nftables table as the kernel printed it ({@code nft -j list table}), in a canonical form that compares by
 * equality: chains with their base-chain attributes and rules (each rule its {@code expr} and comment as compact
 * JSON, without handles or counters), sets with type, flags and sorted elements in nft syntax. {@code elements} of
 * a set is null when the listing was terse ({@code -t}, no elements).
 */
public record LiveTable(Map<String, Chain> chains, Map<String, Set> sets) {
    public LiveTable {
        chains = Map.copyOf(chains);
        sets = Map.copyOf(sets);
    }

    /** A chain: {@code hook} is null for a regular chain. */
    public record Chain(String type, String hook, Integer prio, String policy, List<String> rules) {
        public Chain {
            rules = List.copyOf(rules);
        }

        /** "type filter hook input priority -5 policy accept", or "regular". */
        public String header() {
            return hook == null ? "regular" : "type " + type + " hook " + hook + " priority " + prio + " policy " + policy;
        }
    }

    /** A set: {@code elements} null when not listed. */
    public record Set(String type, List<String> flags, List<String> elements) {
        public Set {
            flags = List.copyOf(flags);
            elements = elements == null ? null : List.copyOf(elements);
        }

        public Set withoutElements() {
            return new Set(type, flags, null);
        }
    }
}
