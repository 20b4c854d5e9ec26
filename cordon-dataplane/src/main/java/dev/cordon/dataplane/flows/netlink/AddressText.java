package dev.cordon.dataplane.flows.netlink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Address bytes → canonical text ({@code 10.0.0.1}, RFC 5952 {@code fd00::1}), remembered: a host sees the same few
 * thousand peers over and over, and making a new string (and an {@code InetAddress}) for both ends of every event
 * was the readers' largest allocation. Each distinct address is formatted once and the same string instance is
 * handed out after, so events allocate no address text. Bounded: past {@value #MAX} addresses the memory is
 * dropped and refilled (a scan of a /8 costs formatting again, never unbounded memory). Thread-safe.
 */
public final class AddressText {
    static final int MAX = 1 << 16;
    private static final ConcurrentHashMap<Integer, String> V4 = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<V6, String> V6S = new ConcurrentHashMap<>();

    private record V6(long hi, long lo) {}

    private AddressText() {}

    /** The text of the IPv4 address {@code a} (network order read as a big-endian int). */
    public static String v4(int a) {
        String s = V4.get(a);
        if (s != null) return s;
        s = ((a >>> 24) & 255) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
        if (V4.size() >= MAX) V4.clear();
        V4.put(a, s);
        return s;
    }

    /** The text of the IPv6 address whose 16 bytes are {@code hi} then {@code lo} (big-endian). */
    public static String v6(long hi, long lo) {
        V6 k = new V6(hi, lo);
        String s = V6S.get(k);
        if (s != null) return s;
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        s = format(b);
        if (V6S.size() >= MAX) V6S.clear();
        V6S.put(k, s);
        return s;
    }

    /** Any 4- or 16-byte address, uncached (the slow path, for callers that hold bytes). */
    static String format(byte[] b) {
        try {
            String s = InetAddress.getByAddress(b).getHostAddress();
            if (b.length != 16) return s;
            String c = dev.cordon.policy.membership.AddrRanges.canonical(s);
            return c == null ? s : c;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
