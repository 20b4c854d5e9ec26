package dev.cordon.dataplane.foreign;

import dev.cordon.dataplane.Family;
import java.util.Set;

/**
 * One nftables table by family and name, as {@code nft list tables} prints it. Tells Cordon's own tables (named
 * {@value #CORDON}) from the ones iptables-nft (and ebtables/arptables-nft) manage under their fixed names, and both
 * from native tables other tools wrote (nftables.service, firewalld, an administrator). {@code owned}: the table
 * carries {@code flags owner}, so only the process that created it may change or delete it (firewalld's does).
 */
public record NftTableId(String family, String name, boolean owned) {
    /** A table as commands name it (ownership unknown: not owned). */
    public NftTableId(String family, String name) {
        this(family, name, false);
    }

    /** The name of Cordon's own tables, one per family ({@code ip cordon}, {@code ip6 cordon}). */
    public static final String CORDON = "cordon";

    private static final Set<String> XTABLES = Set.of("filter", "nat", "mangle", "raw", "security");
    private static final Set<String> EBTABLES = Set.of("filter", "nat", "broute");

    public boolean cordon() {
        return name.equals(CORDON) && (family.equals("ip") || family.equals("ip6"));
    }

    /** A table the iptables-nft family of tools owns under its fixed name (they refuse tables written natively). */
    public boolean iptablesNft() {
        return switch (family) {
            case "ip", "ip6" -> XTABLES.contains(name);
            case "arp" -> name.equals("filter");
            case "bridge" -> EBTABLES.contains(name);
            default -> false;
        };
    }

    /** Neither Cordon's nor iptables-nft's: a native table another tool wrote. */
    public boolean nativeForeign() {
        return !cordon() && !iptablesNft();
    }

    /** "inet distro", as nft commands take it. */
    public String spec() {
        return family + " " + name;
    }

    /** The address family a change in this table is reported under (inet, arp, bridge, netdev: IPv4). */
    public Family ipFamily() {
        return family.equals("ip6") ? Family.V6 : Family.V4;
    }

    @Override
    public String toString() {
        return spec();
    }
}
