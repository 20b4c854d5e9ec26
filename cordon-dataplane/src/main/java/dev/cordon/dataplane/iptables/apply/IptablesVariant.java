package dev.cordon.dataplane.iptables.apply;

/**
 * Which iptables implementation the host runs: {@code iptables -V} ends in "(nf_tables)" (iptables-nft, the
 * iptables commands over the kernel's nf_tables) or "(legacy)" (the old x_tables). Both take the same restore
 * text; the difference matters for error messages (they report failing lines differently) and for operators
 * reading the logs. Not to be confused with a dataplane backend: both variants are the iptables backend.
 */
public enum IptablesVariant {
    NF_TABLES, LEGACY;

    /** Parses {@code iptables -V} output, e.g. "iptables v1.8.9 (nf_tables)". */
    public static IptablesVariant parse(String versionOutput) {
        if (versionOutput.contains("(nf_tables)")) return NF_TABLES;
        if (versionOutput.contains("(legacy)")) return LEGACY;
        // iptables before 1.8 prints no variant and is always legacy.
        return LEGACY;
    }
}
