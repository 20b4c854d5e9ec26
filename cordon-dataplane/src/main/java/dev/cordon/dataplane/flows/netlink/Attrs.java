package dev.cordon.dataplane.flows.netlink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The attributes of one netlink message or nested attribute, indexed by type (the last of a repeated type wins,
 * unknown types above 63 are skipped). Values are read in network byte order, as netfilter sends them. Pure.
 */
public final class Attrs {
    private static final int MAX_TYPE = 64;
    private final ByteBuffer buf;
    private final int[] start = new int[MAX_TYPE];
    private final int[] len = new int[MAX_TYPE];

    private Attrs(ByteBuffer buf) {
        this.buf = buf;
        java.util.Arrays.fill(start, -1);
    }

    /** The attributes in {@code buf} from {@code from} to {@code to} (exclusive); a truncated tail is ignored. */
    public static Attrs parse(ByteBuffer buf, int from, int to) {
        Attrs a = new Attrs(buf);
        ByteBuffer h = buf.duplicate().order(ByteOrder.nativeOrder());
        int off = from;
        while (off + 4 <= to) {
            int l = h.getShort(off) & 0xffff;
            int type = h.getShort(off + 2) & Nl.NLA_TYPE_MASK;
            if (l < 4 || off + l > to) break;
            if (type < MAX_TYPE) {
                a.start[type] = off + 4;
                a.len[type] = l - 4;
            }
            off += Nl.align(l);
        }
        return a;
    }

    public boolean has(int type) {
        return type < MAX_TYPE && start[type] >= 0;
    }

    /** The nested attributes of {@code type}, or an empty set. */
    public Attrs nested(int type) {
        if (!has(type)) return new Attrs(buf);
        return parse(buf, start[type], start[type] + len[type]);
    }

    public int u8(int type) {
        return has(type) && len[type] >= 1 ? buf.get(start[type]) & 0xff : -1;
    }

    public int u16(int type) {
        return has(type) && len[type] >= 2 ? buf.duplicate().order(ByteOrder.BIG_ENDIAN).getShort(start[type]) & 0xffff : -1;
    }

    public long u32(int type) {
        return has(type) && len[type] >= 4 ? buf.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(start[type]) & 0xffffffffL : -1;
    }

    public long u64(int type) {
        return has(type) && len[type] >= 8 ? buf.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(start[type]) : -1;
    }

    /** A NUL-terminated string value (the NUL and anything after it dropped). */
    public String string(int type) {
        if (!has(type)) return null;
        byte[] b = bytes(type);
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    public byte[] bytes(int type) {
        if (!has(type)) return null;
        byte[] b = new byte[len[type]];
        buf.get(start[type], b);
        return b;
    }

    /** A 4- or 16-byte address value as its canonical text ({@code 10.0.0.1}, {@code fd00::1}). */
    public String address(int type) {
        byte[] b = bytes(type);
        return b == null ? null : addressText(b);
    }

    public static String addressText(byte[] b) {
        try {
            String s = InetAddress.getByAddress(b).getHostAddress();
            return b.length == 16 ? compress(s) : s;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Java prints IPv6 uncompressed (fd00:0:0:0:0:0:0:1); the rest of Cordon uses RFC 5952 text. */
    static String compress(String full) {
        String c = dev.cordon.policy.membership.AddrRanges.canonical(full);
        return c == null ? full : c;
    }
}
