package dev.cordon.dataplane.foreign;

/**
 * A base chain of some nftables table, as {@code nft -j list chains} prints it: attached to {@code hook} at
 * {@code prio}, of {@code type} (filter, nat, route).
 */
public record NftBaseChain(NftTableId table, String name, String type, String hook, int prio) {
    @Override
    public String toString() {
        return table.spec() + " " + name + " (" + type + " hook " + hook + " priority " + prio + ")";
    }
}
