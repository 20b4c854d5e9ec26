package dev.cordon.dataplane.flows.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The allocation-free attribute reader on hand-built TLVs: nesting, repeats, byte order, addresses, truncation. */
class AttrsTest {
    /** One attribute: host-order header, value as given, padded to 4. */
    static byte[] attr(int type, byte[] value) {
        int len = 4 + value.length;
        ByteBuffer b = ByteBuffer.allocate(Nl.align(len)).order(ByteOrder.nativeOrder());
        b.putShort((short) len).putShort((short) type).put(value);
        return b.array();
    }

    static byte[] cat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) b.put(p);
        return b.array();
    }

    static byte[] be(int bytes, long v) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(v);
        return java.util.Arrays.copyOfRange(b.array(), 8 - bytes, 8);
    }

    @Test
    void readsNestedValuesInNetworkOrderWhateverTheBuffersOrder() {
        byte[] v6 = {(byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
        byte[] inner = cat(attr(1, new byte[] {10, 0, 0, 1}), attr(3, v6));
        byte[] msg = cat(attr(1, inner), attr(2, be(2, 443)), attr(3, be(4, 0xdeadbeefL)), attr(4, be(8, 1L << 40)),
                attr(5, new byte[] {'c', 'o', 'r', 'd', 'o', 'n', 0, 'x'}), attr(6, new byte[] {7}));
        for (ByteOrder order : new ByteOrder[] {ByteOrder.nativeOrder(), ByteOrder.BIG_ENDIAN}) {
            ByteBuffer buf = ByteBuffer.allocateDirect(msg.length + 8).order(order);
            buf.position(8);
            buf.put(msg);
            Attrs a = Attrs.parse(buf, 8, 8 + msg.length);
            assertThat(a.nested(1).address(1)).isEqualTo("10.0.0.1");
            assertThat(a.nested(1).address(3)).isEqualTo("fd00::2");
            assertThat(a.u16(2)).isEqualTo(443);
            assertThat(a.u32(3)).isEqualTo(0xdeadbeefL);
            assertThat(a.u64(4)).isEqualTo(1L << 40);
            assertThat(a.string(5)).isEqualTo("cordon");
            assertThat(a.u8(6)).isEqualTo(7);
            assertThat(a.has(9)).isFalse();
            assertThat(a.u32(9)).isEqualTo(-1);
            assertThat(a.nested(9).has(1)).isFalse();
        }
    }

    @Test
    void theLastOfARepeatedTypeWinsAndATruncatedTailIsIgnored() {
        byte[] msg = cat(attr(2, be(2, 1)), attr(2, be(2, 2)), attr(3, be(4, 5)));
        ByteBuffer buf = ByteBuffer.wrap(msg).order(ByteOrder.nativeOrder());
        assertThat(Attrs.parse(buf, 0, msg.length).u16(2)).isEqualTo(2);
        Attrs cut = Attrs.parse(buf, 0, msg.length - 2); // the last attribute runs past the end
        assertThat(cut.u16(2)).isEqualTo(2);
        assertThat(cut.has(3)).isFalse();
    }

    @Test
    void addressTextIsCanonicalAndTheSameInstanceEachTime() {
        String a = AddressText.v4(0x0a000001);
        assertThat(a).isEqualTo("10.0.0.1").isSameAs(AddressText.v4(0x0a000001));
        assertThat(AddressText.v4(0xc0a80101)).isEqualTo("192.168.1.1");
        assertThat(AddressText.v6(0x20010db800000000L, 1L)).isEqualTo("2001:db8::1")
                .isSameAs(AddressText.v6(0x20010db800000000L, 1L));
        assertThat(Attrs.address(ByteBuffer.wrap(new byte[] {0, 0, (byte) 172, 16, 0, 9}), 2, 4)).isEqualTo("172.16.0.9");
    }
}
