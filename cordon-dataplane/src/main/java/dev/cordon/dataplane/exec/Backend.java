package dev.cordon.dataplane.exec;

/**
 * Which iptables implementation the host runs: {@code iptables -V} ends in "(nf_tables)" or "(legacy)". Both
 * take the same restore text; the difference matters for error messages (they report failing lines
 * differently) and for operators reading the logs.
 */
public enum Backend {
    NF_TABLES, LEGACY;

    /** Parses {@code iptables -V} output, e.g. "iptables v1.8.9 (nf_tables)". */
    public static Backend parse(String versionOutput) {
        if (versionOutput.contains("(nf_tables)")) return NF_TABLES;
        if (versionOutput.contains("(legacy)")) return LEGACY;
        // iptables before 1.8 prints no backend and is always legacy.
        return LEGACY;
    }
}
