package dev.cordon.dataplane.plan;

import dev.cordon.dataplane.Family;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * An address block in the exact form {@code ipset list} prints it: network address with host bits cleared, no
 * prefix for a single host, IPv6 compressed like {@code inet_ntop}. Rendering members in that form is what lets a
 * tamper check compare kernel output with the applied snapshot by plain string equality.
 *
 * <p>{@code hash:net} sets cannot hold a /0; {@link #ipsetBlocks()} splits it into its two /1 halves, which cover
 * the same addresses.
 */
public record Cidr(Family family, byte[] bytes, int prefix) {

    /** Parses "10.0.0.1", "10.0.0.0/8", "fd00::/64"; throws with a message naming the value when invalid. */
    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        Family f = Family.of(addr);
        int max = f == Family.V4 ? 32 : 128;
        int prefix;
        try {
            prefix = slash < 0 ? max : Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address or CIDR block: the prefix is not a number");
        }
        if (prefix < 0 || prefix > max || !addr.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("'" + text + "' is not an address or CIDR block");
        }
        byte[] b;
        try {
            b = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address or CIDR block");
        }
        if ((f == Family.V4) != (b.length == 4)) {
            throw new IllegalArgumentException("'" + text + "' mixes IPv4 and IPv6 notation");
        }
        for (int i = 0; i < b.length * 8; i++) {
            if (i >= prefix) b[i / 8] &= (byte) ~(0x80 >>> (i % 8));
        }
        return new Cidr(f, b, prefix);
    }

    public int maxPrefix() {
        return family == Family.V4 ? 32 : 128;
    }

    /** The blocks a {@code hash:net} set holds for this block: itself, or the two /1 halves of a /0. */
    public List<Cidr> ipsetBlocks() {
        if (prefix > 0) return List.of(this);
        byte[] hi = new byte[bytes.length];
        hi[0] = (byte) 0x80;
        return List.of(new Cidr(family, new byte[bytes.length], 1), new Cidr(family, hi, 1));
    }

    /** Address and prefix as ipset prints them. */
    @Override
    public String toString() {
        String a = address();
        return prefix == maxPrefix() ? a : a + "/" + prefix;
    }

    /** Address with the prefix always written, as iptables {@code -s}/{@code -d} take it. */
    public String withPrefix() {
        return address() + "/" + prefix;
    }

    /** The dotted-quad netmask of a v4 block, or the full v6 mask, as {@code conntrack --mask-src} takes it. */
    public String mask() {
        byte[] m = new byte[bytes.length];
        for (int i = 0; i < prefix; i++) m[i / 8] |= (byte) (0x80 >>> (i % 8));
        return family == Family.V4 ? v4(m) : v6(m);
    }

    /** The address part alone. */
    public String address() {
        return family == Family.V4 ? v4(bytes) : v6(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    private static String v4(byte[] b) {
        return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }

    /** RFC 5952 form: longest run (first on ties) of two or more zero groups becomes "::"; hex lower case. */
    private static String v6(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) bestStart = -1;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
