package dev.cordon.pce.auth.throttle;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;

/**
 * What a source address counts as. An IPv4 address is itself; an IPv6 address counts as its /64, because one host
 * is usually given a whole /64 and could otherwise rotate through 2^64 sources. An IPv4-mapped IPv6 address is its
 * IPv4 address. Stateless.
 */
public final class Sources {
    private Sources() {}

    /** The subject a source address is counted under. */
    public static String subject(String address) {
        IPAddress a = parse(address);
        if (a == null) return String.valueOf(address);
        if (a.isIPv6() && a.toIPv6().isIPv4Mapped()) return a.toIPv6().getEmbeddedIPv4Address().toCanonicalString();
        if (a.isIPv6()) return a.toPrefixBlock(64).toCanonicalString();
        return a.toCanonicalString();
    }

    /** 127.0.0.0/8, ::1, or an IPv4-mapped loopback address. */
    public static boolean isLoopback(String address) {
        IPAddress a = parse(address);
        if (a == null) return false;
        if (a.isIPv6() && a.toIPv6().isIPv4Mapped()) a = a.toIPv6().getEmbeddedIPv4Address();
        return a.isLoopback();
    }

    private static IPAddress parse(String address) {
        if (address == null) return null;
        String s = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        return new IPAddressString(s).getAddress();
    }
}
