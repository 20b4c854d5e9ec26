package dev.cordon.ven.enforce;

/** What the firewall becomes when a VEN is unpaired. */
public enum FirewallRestore {
    /** The firewall as it was before activation (saved then). */
    SAVED,
    /** Open: Cordon's state removed, the filter table's built-in chains accept. */
    DEFAULT;

    /** Parses {@code saved} or {@code default}. */
    public static FirewallRestore parse(String s) {
        for (FirewallRestore f : values()) if (f.name().equalsIgnoreCase(s)) return f;
        throw new IllegalArgumentException("firewall_restore '" + s + "' is not known: use saved (the firewall as it"
                + " was before activation) or default (open)");
    }
}
