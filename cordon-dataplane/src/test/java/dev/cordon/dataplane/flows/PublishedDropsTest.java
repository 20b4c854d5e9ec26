package dev.cordon.dataplane.flows;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PublishedDropsTest {
    private static BlockedPacket packet(String dst, int dport, String prefix, int hook) {
        return new BlockedPacket(4, 6, "192.0.2.11", dst, 40000, dport, -1, -1, prefix, hook, 0, 1);
    }

    @Test
    void aPreDnatLogAndItsForwardDropBecomeOneBlockedPacketToTheOriginalDestination() {
        PublishedDrops d = new PublishedDrops();
        assertThat(d.accept(packet("10.4.0.1", 8080, "cordon P 3", 0))).isEmpty();
        BlockedPacket p = d.accept(packet("172.17.0.2", 80, "cordon F", BlockedPacket.HOOK_FORWARD)).orElseThrow();
        assertThat(p.dst()).isEqualTo("10.4.0.1");
        assertThat(p.dstPort()).isEqualTo(8080);
        assertThat(p.prefix()).isEqualTo("cordon D 3");
        assertThat(p.hook()).isEqualTo(BlockedPacket.HOOK_FORWARD);
        assertThat(d.unpaired()).isZero();
    }

    @Test
    void aPreDnatLogWithoutAForwardDropIsTheHostsOwnTrafficAndIsNotReported() {
        PublishedDrops d = new PublishedDrops();
        assertThat(d.accept(packet("10.4.0.1", 22, "cordon P 0", 0))).isEmpty();
        // filter INPUT's own drop log of the same packet passes through unchanged
        BlockedPacket own = packet("10.4.0.1", 22, "cordon D 0", BlockedPacket.HOOK_INPUT);
        assertThat(d.accept(own)).contains(own);
        // another peer's forward drop does not take the pending half
        BlockedPacket other = new BlockedPacket(4, 6, "192.0.2.12", "172.17.0.2", 40000, 80, -1, -1, "cordon F",
                BlockedPacket.HOOK_FORWARD, 0, 2);
        assertThat(d.accept(other)).isEmpty();
        assertThat(d.unpaired()).isEqualTo(1);
    }

    @Test
    void pendingHalvesAreBounded() {
        PublishedDrops d = new PublishedDrops();
        for (int i = 0; i <= PublishedDrops.MAX_PENDING; i++) {
            d.accept(new BlockedPacket(4, 6, "192.0.2.11", "10.4.0.1", i, 8080, -1, -1, "cordon P 0", 0, 0, i));
        }
        // the oldest was forgotten: its forward half is unpaired, the newest still pairs
        assertThat(d.accept(new BlockedPacket(4, 6, "192.0.2.11", "172.17.0.2", 0, 80, -1, -1, "cordon F", 2, 0, 0))).isEmpty();
        assertThat(d.accept(new BlockedPacket(4, 6, "192.0.2.11", "172.17.0.2", PublishedDrops.MAX_PENDING, 80, -1, -1,
                "cordon F", 2, 0, 0))).isPresent();
        assertThat(d.unpaired()).isEqualTo(1);
    }
}
