package dev.cordon.pce.traffic.ingest;

import dev.cordon.policy.membership.AddrRanges;

/**
 * A flow end's address in the one spelling the store keeps ({@link AddrRanges#canonical}), with a fast path for the
 * common case: an IPv4 address already written canonically (four decimal numbers 0-255 without leading zeros) is
 * returned as it is, without the address library's parse (most of the per-summary cost at 50,000 summaries/s).
 * Anything else (IPv6, odd spellings, a prefix) goes through the library; null means not one address.
 */
final class Addresses {
    private Addresses() {}

    static String canonical(String v) {
        if (isCanonicalIpv4(v)) return v;
        if (v.indexOf('/') >= 0) return null;
        return AddrRanges.canonical(v);
    }

    static boolean isCanonicalIpv4(String v) {
        int n = v.length();
        if (n < 7 || n > 15) return false;
        int parts = 0;
        int i = 0;
        while (i < n) {
            int start = i;
            int value = 0;
            while (i < n && v.charAt(i) != '.') {
                char c = v.charAt(i);
                if (c < '0' || c > '9') return false;
                value = value * 10 + (c - '0');
                i++;
            }
            int len = i - start;
            if (len == 0 || len > 3 || value > 255 || (len > 1 && v.charAt(start) == '0')) return false;
            parts++;
            if (i < n) {
                i++; // the dot
                if (i == n) return false;
            }
        }
        return parts == 4;
    }
}
