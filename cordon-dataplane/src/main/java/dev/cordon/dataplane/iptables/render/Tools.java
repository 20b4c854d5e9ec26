package dev.cordon.dataplane.iptables.render;

import dev.cordon.dataplane.Family;

/** The iptables and ipset tool names of a family. */
public final class Tools {
    private Tools() {}

    /** "iptables" or "ip6tables". */
    public static String tool(Family f) {
        return f == Family.V4 ? "iptables" : "ip6tables";
    }

    public static String restoreCommand(Family f) {
        return tool(f) + "-restore";
    }

    public static String saveCommand(Family f) {
        return tool(f) + "-save";
    }

    /** The {@code family} argument of {@code ipset create}. */
    public static String ipsetFamily(Family f) {
        return f == Family.V4 ? "inet" : "inet6";
    }
}
