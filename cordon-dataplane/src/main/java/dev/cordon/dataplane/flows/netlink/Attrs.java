package dev.cordon.dataplane.flows.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The attributes of one netlink message or nested attribute: a window {@code [from, to)} of the received buffer,
 * looked up by type when asked (the last of a repeated type wins). Values are read in network byte order, as
 * netfilter sends them. Nothing is copied or indexed up front: a conntrack event is a dozen attributes a few levels
 * deep, and per-parse index arrays were kilobytes of garbage per event on the capture path. Pure.
 */
public final class Attrs {
    private static final Attrs EMPTY = new Attrs(ByteBuffer.allocate(0), 0, 0);
    private final ByteBuffer buf;
    private final int from;
    private final int to;

    private Attrs(ByteBuffer buf, int from, int to) {
        this.buf = buf;
        this.from = from;
        this.to = to;
    }

    /** The attributes in {@code buf} from {@code from} to {@code to} (exclusive); a truncated tail is ignored. */
    public static Attrs parse(ByteBuffer buf, int from, int to) {
        return new Attrs(buf, from, to);
    }

    /** Offset of the value of the last attribute of {@code type}, or -1; its length is {@link #lengthAt}. */
    private int find(int type) {
        int found = -1;
        int off = from;
        while (off + 4 <= to) {
            int l = le16(off);
            if (l < 4 || off + l > to) break;
            if ((le16(off + 2) & Nl.NLA_TYPE_MASK) == type) found = off;
            off += Nl.align(l);
        }
        return found;
    }

    private int lengthAt(int attr) {
        return le16(attr) - 4;
    }

    /** Header fields are in host order (little-endian on every platform Cordon runs on, as Nl assumes). */
    private int le16(int i) {
        short s = buf.getShort(i);
        return (buf.order() == ByteOrder.nativeOrder() ? s : Short.reverseBytes(s)) & 0xffff;
    }

    private boolean big() {
        return buf.order() == ByteOrder.BIG_ENDIAN;
    }

    public boolean has(int type) {
        return find(type) >= 0;
    }

    /** The nested attributes of {@code type}, or an empty set. */
    public Attrs nested(int type) {
        int a = find(type);
        if (a < 0) return EMPTY;
        return new Attrs(buf, a + 4, a + 4 + lengthAt(a));
    }

    public int u8(int type) {
        int a = find(type);
        return a >= 0 && lengthAt(a) >= 1 ? buf.get(a + 4) & 0xff : -1;
    }

    public int u16(int type) {
        int a = find(type);
        if (a < 0 || lengthAt(a) < 2) return -1;
        short s = buf.getShort(a + 4);
        return (big() ? s : Short.reverseBytes(s)) & 0xffff;
    }

    public long u32(int type) {
        int a = find(type);
        return a >= 0 && lengthAt(a) >= 4 ? be32(a + 4) & 0xffffffffL : -1;
    }

    public long u64(int type) {
        int a = find(type);
        if (a < 0 || lengthAt(a) < 8) return -1;
        long v = buf.getLong(a + 4);
        return big() ? v : Long.reverseBytes(v);
    }

    private int be32(int i) {
        int v = buf.getInt(i);
        return big() ? v : Integer.reverseBytes(v);
    }

    private long be64(int i) {
        long v = buf.getLong(i);
        return big() ? v : Long.reverseBytes(v);
    }

    /** A NUL-terminated string value (the NUL and anything after it dropped). */
    public String string(int type) {
        byte[] b = bytes(type);
        if (b == null) return null;
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    public byte[] bytes(int type) {
        int a = find(type);
        if (a < 0) return null;
        byte[] b = new byte[lengthAt(a)];
        buf.get(a + 4, b);
        return b;
    }

    /** A 4- or 16-byte address value as its canonical text ({@code 10.0.0.1}, {@code fd00::1}); shared strings. */
    public String address(int type) {
        int a = find(type);
        if (a < 0) return null;
        return switch (lengthAt(a)) {
            case 4 -> AddressText.v4(be32(a + 4));
            case 16 -> AddressText.v6(be64(a + 4), be64(a + 12));
            default -> null;
        };
    }

    /** {@code length} address bytes of a buffer at {@code at} (4 or 16) as text; shared strings. */
    public static String address(ByteBuffer b, int at, int length) {
        ByteBuffer big = b.order() == ByteOrder.BIG_ENDIAN ? b : b.duplicate().order(ByteOrder.BIG_ENDIAN);
        return switch (length) {
            case 4 -> AddressText.v4(big.getInt(at));
            case 16 -> AddressText.v6(big.getLong(at), big.getLong(at + 8));
            default -> null;
        };
    }

    public static String addressText(byte[] b) {
        return AddressText.format(b);
    }
}
