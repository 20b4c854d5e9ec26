package dev.cordon.dataplane.nftables.render;

import java.util.List;

/**
 * One chain of Cordon's table and its rules in nft syntax, in order. A base chain ({@code hook} not null) is
 * attached to a netfilter hook at {@code priority} with policy accept; a regular chain ({@code hook} null) is entered
 * by a jump.
 */
public record NftChain(String name, String hook, Integer priority, List<String> rules) {
    public NftChain {
        rules = List.copyOf(rules);
    }

    public boolean base() {
        return hook != null;
    }

    /** The base chain header ("type filter hook input priority -5; policy accept;"); "" for a regular chain. */
    public String header() {
        return base() ? "type filter hook " + hook + " priority " + priority + "; policy accept;" : "";
    }
}
