package dev.cordon.dataplane.flows.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * The netlink and nfnetlink framing, pure: message headers ({@code nlmsghdr}: length, type, flags, seq, port, in
 * host order), the nfnetlink header ({@code nfgenmsg}: family, version, resource id in network order) and the
 * attribute TLVs ({@code nlattr}: length, type, value padded to 4 bytes). Attribute values of netfilter
 * subsystems are in network byte order.
 */
public final class Nl {
    public static final int NLMSG_HDRLEN = 16;
    public static final int NFGEN_HDRLEN = 4;
    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;
    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_DUMP = 0x300;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;
    public static final int NLA_TYPE_MASK = 0x3fff;
    public static final int NLA_F_NESTED = 0x8000;

    private Nl() {}

    /** One message of a datagram: header fields and the payload's bounds within {@code buf}. */
    public record Message(ByteBuffer buf, int type, int flags, int seq, int start, int end) {
        /** The subsystem of an nfnetlink message type (high byte). */
        public int subsystem() {
            return (type >> 8) & 0xff;
        }

        /** The message kind within its subsystem (low byte). */
        public int kind() {
            return type & 0xff;
        }

        /** nfgenmsg family (AF_INET 2, AF_INET6 10, AF_UNSPEC 0). */
        public int family() {
            return buf.get(start) & 0xff;
        }

        /** The errno of an NLMSG_ERROR message (0 = an acknowledgement). */
        public int error() {
            return -buf.order(ByteOrder.nativeOrder()).getInt(start);
        }

        /** The attributes after the nfgenmsg header. */
        public Attrs attrs() {
            return Attrs.parse(buf, start + NFGEN_HDRLEN, end);
        }
    }

    /** Calls {@code each} for every message in a received datagram (a truncated tail is ignored). */
    public static void messages(ByteBuffer b, int length, Consumer<Message> each) {
        b.order(ByteOrder.nativeOrder());
        int off = 0;
        while (off + NLMSG_HDRLEN <= length) {
            int len = b.getInt(off);
            if (len < NLMSG_HDRLEN || off + len > length) return;
            int type = b.getShort(off + 4) & 0xffff;
            int flags = b.getShort(off + 6) & 0xffff;
            int seq = b.getInt(off + 8);
            each.accept(new Message(b, type, flags, seq, off + NLMSG_HDRLEN, off + len));
            off += align(len);
        }
    }

    public static int align(int n) {
        return (n + 3) & ~3;
    }

    /** Builds one nfnetlink request: header, nfgenmsg, then attributes added with {@link Builder#attr}. */
    public static Builder request(int subsystem, int kind, int flags, int family, int resId, int seq) {
        return new Builder(subsystem << 8 | kind, flags, family, resId, seq);
    }

    /** A growing nfnetlink message. */
    public static final class Builder {
        private final ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());

        Builder(int type, int flags, int family, int resId, int seq) {
            b.putInt(0).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
            b.put((byte) family).put((byte) 0).order(ByteOrder.BIG_ENDIAN).putShort((short) resId)
                    .order(ByteOrder.nativeOrder());
        }

        /** Adds an attribute whose value is {@code value} (already in the byte order the kernel wants). */
        public Builder attr(int type, byte[] value) {
            b.putShort((short) (4 + value.length)).putShort((short) type).put(value);
            while (b.position() % 4 != 0) b.put((byte) 0);
            return this;
        }

        public byte[] bytes() {
            int len = b.position();
            b.putInt(0, len);
            byte[] out = new byte[len];
            b.get(0, out);
            return out;
        }
    }
}
