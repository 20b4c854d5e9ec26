package dev.cordon.policy.membership;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressSeqRange;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable set of IPv4 and IPv6 addresses as sorted, disjoint, non-adjacent closed intervals.
 *
 * <p>Both families live on one number line so that set algebra needs no family cases: an IPv4 address keeps its
 * 32-bit value, an IPv6 address is shifted by 2^128, so the two never overlap. Union, intersection and
 * difference are linear merges. Addresses are parsed and printed with the {@code ipaddress} library only.
 */
public final class AddrRanges {
    static final BigInteger V6_OFFSET = BigInteger.ONE.shiftLeft(128);
    private static final BigInteger V4_MAX = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
    private static final BigInteger V6_MAX = V6_OFFSET.add(V6_OFFSET.subtract(BigInteger.ONE));
    public static final AddrRanges EMPTY = new AddrRanges(new BigInteger[0]);
    public static final AddrRanges ALL = new AddrRanges(new BigInteger[] {BigInteger.ZERO, V4_MAX, V6_OFFSET, V6_MAX});

    /** lo0, hi0, lo1, hi1, ... sorted, disjoint and non-adjacent. */
    private final BigInteger[] bounds;

    private AddrRanges(BigInteger[] bounds) {
        this.bounds = bounds;
    }

    /** Parses an address, a CIDR, or (with {@code to}) a range; throws {@link IllegalArgumentException} if malformed. */
    public static AddrRanges parse(String from, String to) {
        IPAddress lo = parseAddress(from, true);
        if (to == null || to.isBlank()) {
            IPAddress block = lo.toPrefixBlock();
            return interval(key(block.getLower()), key(block.getUpper()));
        }
        IPAddress hi = parseAddress(to, false);
        if (lo.isIPv4() != hi.isIPv4()) {
            throw new IllegalArgumentException("'" + from + "' and '" + to + "' are of different IP versions");
        }
        BigInteger a = key(lo.getLower());
        BigInteger b = key(hi.getUpper());
        if (b.compareTo(a) < 0) {
            throw new IllegalArgumentException("to_ip '" + to + "' is below from_ip '" + from + "'");
        }
        return interval(a, b);
    }

    /** One address (a CIDR's prefix length, if any, is ignored: an interface address names one host). */
    public static AddrRanges single(String address) {
        BigInteger k = key(parseAddress(address, false).withoutPrefixLength());
        return interval(k, k);
    }

    /** The canonical text of one address, or {@code null} when it is not an address. */
    public static String canonical(String address) {
        if (address == null) return null;
        IPAddress a = new IPAddressString(address.trim()).getAddress();
        return a == null ? null : a.withoutPrefixLength().toCanonicalString();
    }

    public static IPAddress parseAddress(String text, boolean allowPrefix) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an address is required");
        }
        IPAddressString s = new IPAddressString(text.trim());
        IPAddress a = s.getAddress();
        if (a == null || (!allowPrefix && a.isPrefixed() && !a.isSinglePrefixBlock() && a.getCount().compareTo(BigInteger.ONE) > 0)) {
            throw new IllegalArgumentException("'" + text + "' is not a valid IPv4 or IPv6 address"
                    + (allowPrefix ? " or CIDR" : ""));
        }
        return a;
    }

    /** The position of an address on the shared number line (IPv6 shifted by 2^128). */
    public static BigInteger key(IPAddress a) {
        BigInteger v = a.getValue();
        return a.isIPv4() ? v : v.add(V6_OFFSET);
    }

    private static AddrRanges interval(BigInteger lo, BigInteger hi) {
        return new AddrRanges(new BigInteger[] {lo, hi});
    }

    /** Builds a set from the given single-address keys, in any order, with duplicates. */
    public static AddrRanges ofKeys(List<BigInteger> keys) {
        if (keys.isEmpty()) return EMPTY;
        BigInteger[] sorted = keys.toArray(new BigInteger[0]);
        Arrays.sort(sorted);
        List<BigInteger> out = new ArrayList<>();
        BigInteger lo = sorted[0];
        BigInteger hi = sorted[0];
        for (int i = 1; i < sorted.length; i++) {
            BigInteger k = sorted[i];
            if (k.compareTo(hi.add(BigInteger.ONE)) <= 0) {
                if (k.compareTo(hi) > 0) hi = k;
            } else {
                out.add(lo);
                out.add(hi);
                lo = k;
                hi = k;
            }
        }
        out.add(lo);
        out.add(hi);
        return new AddrRanges(out.toArray(new BigInteger[0]));
    }

    /** Visits each interval, ascending, as (low key, high key). */
    public void forEachInterval(java.util.function.BiConsumer<BigInteger, BigInteger> visitor) {
        for (int i = 0; i < bounds.length; i += 2) visitor.accept(bounds[i], bounds[i + 1]);
    }

    public boolean isEmpty() {
        return bounds.length == 0;
    }

    public int intervalCount() {
        return bounds.length / 2;
    }

    public boolean contains(String address) {
        String c = canonical(address);
        return c != null && containsKey(key(new IPAddressString(c).getAddress()));
    }

    public boolean containsKey(BigInteger k) {
        int lo = 0;
        int hi = bounds.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (k.compareTo(bounds[2 * mid]) < 0) hi = mid - 1;
            else if (k.compareTo(bounds[2 * mid + 1]) > 0) lo = mid + 1;
            else return true;
        }
        return false;
    }

    /** True when every address of {@code other} is in this set. */
    public boolean containsAll(AddrRanges other) {
        return other.minus(this).isEmpty();
    }

    public AddrRanges union(AddrRanges o) {
        if (o.isEmpty()) return this;
        if (isEmpty()) return o;
        List<BigInteger[]> all = new ArrayList<>();
        for (int i = 0; i < bounds.length; i += 2) all.add(new BigInteger[] {bounds[i], bounds[i + 1]});
        for (int i = 0; i < o.bounds.length; i += 2) all.add(new BigInteger[] {o.bounds[i], o.bounds[i + 1]});
        all.sort(Comparator.comparing((BigInteger[] r) -> r[0]));
        List<BigInteger> out = new ArrayList<>();
        BigInteger lo = all.get(0)[0];
        BigInteger hi = all.get(0)[1];
        for (int i = 1; i < all.size(); i++) {
            BigInteger[] r = all.get(i);
            if (r[0].compareTo(hi.add(BigInteger.ONE)) <= 0) {
                if (r[1].compareTo(hi) > 0) hi = r[1];
            } else {
                out.add(lo);
                out.add(hi);
                lo = r[0];
                hi = r[1];
            }
        }
        out.add(lo);
        out.add(hi);
        return new AddrRanges(out.toArray(new BigInteger[0]));
    }

    public AddrRanges intersect(AddrRanges o) {
        List<BigInteger> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < bounds.length && j < o.bounds.length) {
            BigInteger lo = bounds[i].max(o.bounds[j]);
            BigInteger hi = bounds[i + 1].min(o.bounds[j + 1]);
            if (lo.compareTo(hi) <= 0) {
                out.add(lo);
                out.add(hi);
            }
            if (bounds[i + 1].compareTo(o.bounds[j + 1]) < 0) i += 2;
            else j += 2;
        }
        return new AddrRanges(out.toArray(new BigInteger[0]));
    }

    public boolean intersects(AddrRanges o) {
        return !intersect(o).isEmpty();
    }

    public AddrRanges minus(AddrRanges o) {
        if (isEmpty() || o.isEmpty()) return this;
        List<BigInteger> out = new ArrayList<>();
        int j = 0;
        for (int i = 0; i < bounds.length; i += 2) {
            BigInteger lo = bounds[i];
            BigInteger hi = bounds[i + 1];
            while (j < o.bounds.length && o.bounds[j + 1].compareTo(lo) < 0) j += 2;
            int k = j;
            while (lo != null && k < o.bounds.length && o.bounds[k].compareTo(hi) <= 0) {
                if (o.bounds[k].compareTo(lo) > 0) {
                    out.add(lo);
                    out.add(o.bounds[k].subtract(BigInteger.ONE));
                }
                lo = o.bounds[k + 1].compareTo(hi) >= 0 ? null : o.bounds[k + 1].add(BigInteger.ONE);
                k += 2;
            }
            if (lo != null) {
                out.add(lo);
                out.add(hi);
            }
        }
        return new AddrRanges(out.toArray(new BigInteger[0]));
    }

    /** The lowest address of the set, as text; {@code null} when empty. */
    public String first() {
        return isEmpty() ? null : text(bounds[0]);
    }

    /** The CIDR blocks that exactly cover the IPv4 part, ascending. */
    public List<String> v4Cidrs() {
        return cidrs(false);
    }

    /** The CIDR blocks that exactly cover the IPv6 part, ascending. */
    public List<String> v6Cidrs() {
        return cidrs(true);
    }

    private List<String> cidrs(boolean v6) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < bounds.length; i += 2) {
            boolean isV6 = bounds[i].compareTo(V6_OFFSET) >= 0;
            if (isV6 != v6) continue;
            if (!v6 && bounds[i].equals(bounds[i + 1])) {
                out.add(text(bounds[i]) + "/32");
                continue;
            }
            IPAddressSeqRange r = address(bounds[i]).spanWithRange(address(bounds[i + 1]));
            for (IPAddress block : r.spanWithPrefixBlocks()) {
                out.add(block.toCanonicalString());
            }
        }
        return out;
    }

    static IPAddress address(BigInteger k) {
        if (k.compareTo(V6_OFFSET) >= 0) {
            return new IPv6Address(k.subtract(V6_OFFSET));
        }
        return new IPv4Address(k.intValue());
    }

    static String text(BigInteger k) {
        return address(k).toCanonicalString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddrRanges a && Arrays.equals(bounds, a.bounds);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bounds);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < bounds.length; i += 2) {
            parts.add(bounds[i].equals(bounds[i + 1]) ? text(bounds[i]) : text(bounds[i]) + "-" + text(bounds[i + 1]));
        }
        return String.join(",", parts);
    }
}
