package dev.cordon.dataplane.nftables.render;

import dev.cordon.dataplane.Family;
import java.util.List;

/** Cordon's table of one family ({@code ip cordon} or {@code ip6 cordon}): its sets and chains. */
public record NftTable(Family family, List<NftSet> sets, List<NftChain> chains) {
    public NftTable {
        sets = List.copyOf(sets);
        chains = List.copyOf(chains);
    }

    /** "ip" or "ip6". */
    public String nftFamily() {
        return nftFamily(family);
    }

    public static String nftFamily(Family f) {
        return f == Family.V4 ? "ip" : "ip6";
    }

    /** "ip cordon". */
    public String spec() {
        return nftFamily() + " " + NftDesired.TABLE;
    }
}
