package dev.cordon.dataplane.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.flows.netlink.Nl;
import dev.cordon.dataplane.foreign.NftTableId;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NftEventsTest {
    private static byte[] name(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    private static byte[] be32(long v) {
        return ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt((int) v).array();
    }

    private static void feed(NftEvents.Transactions t, byte[] message) {
        Nl.messages(ByteBuffer.wrap(message), message.length, t::message);
    }

    private static byte[] change(int kind, int family, String table) {
        return Nl.request(NftEvents.SUBSYS_NFTABLES, kind, 0, family, 0, 1).attr(NftEvents.TABLE_ATTR, name(table)).bytes();
    }

    private static byte[] gen(long pid) {
        return Nl.request(NftEvents.SUBSYS_NFTABLES, NftEvents.MSG_NEWGEN, 0, 0, 0, 1)
                .attr(1, be32(42)).attr(NftEvents.GEN_PROC_PID, be32(pid)).attr(3, name("nft")).bytes();
    }

    @Test
    void aTransactionIsAnnouncedAtItsGenerationWhenAForeignProcessTouchedAnInterestingTable() {
        OwnWrites own = new OwnWrites();
        own.accept(100);
        AtomicInteger calls = new AtomicInteger();
        NftEvents.Transactions t = new NftEvents.Transactions(own, NftTableId::cordon, calls::incrementAndGet);
        feed(t, change(6, 2, "cordon")); // NEWRULE in ip cordon
        assertThat(calls).hasValue(0);
        feed(t, gen(100));
        assertThat(calls).as("Cordon's own commit").hasValue(0);
        feed(t, change(8, 1, "distro")); // DELRULE in inet distro
        feed(t, gen(200));
        assertThat(calls).as("a table Cordon does not care about").hasValue(0);
        feed(t, change(8, 10, "cordon")); // DELRULE in ip6 cordon
        feed(t, change(3, 1, "distro"));
        feed(t, gen(200));
        assertThat(calls).hasValue(1);
        t.lost();
        assertThat(calls).as("lost notifications may have been tampering").hasValue(2);
    }

    @Test
    void ownWritesKeepTheRecentPids() {
        OwnWrites own = new OwnWrites();
        for (long p = 1; p <= OwnWrites.KEEP + 10; p++) own.accept(p);
        assertThat(own.contains(1)).isFalse();
        assertThat(own.contains(OwnWrites.KEEP + 10)).isTrue();
        assertThat(own.contains(11)).isTrue();
    }
}
