package dev.cordon.dataplane.render;

/** An IP family: which tools program it and how names and sets are suffixed. */
public enum Family {
    V4("4", "inet", "iptables", "IPv4"), V6("6", "inet6", "ip6tables", "IPv6");

    private final String suffix;
    private final String ipsetFamily;
    private final String tool;
    private final String display;

    Family(String suffix, String ipsetFamily, String tool, String display) {
        this.suffix = suffix;
        this.ipsetFamily = ipsetFamily;
        this.tool = tool;
        this.display = display;
    }

    /** "4" or "6", used in set names. */
    public String suffix() {
        return suffix;
    }

    /** The {@code family} argument of {@code ipset create}. */
    public String ipsetFamily() {
        return ipsetFamily;
    }

    /** "iptables" or "ip6tables". */
    public String tool() {
        return tool;
    }

    public String restoreCommand() {
        return tool + "-restore";
    }

    public String saveCommand() {
        return tool + "-save";
    }

    public String display() {
        return display;
    }

    public static Family of(String address) {
        return address.indexOf(':') >= 0 ? V6 : V4;
    }
}
