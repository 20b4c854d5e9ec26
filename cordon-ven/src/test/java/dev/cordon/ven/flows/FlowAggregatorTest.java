package dev.cordon.ven.flows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.flows.BlockedPacket;
import dev.cordon.dataplane.flows.ConnEvent;
import dev.cordon.dataplane.flows.FlowMark;
import dev.cordon.dataplane.flows.RuleIndex;
import dev.cordon.protocol.flows.FlowSummary;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlowAggregatorTest {
    static final String R1 = "/orgs/1/sec_policy/active/rule_sets/1/sec_rules/1";
    static final String R2 = "/orgs/1/sec_policy/active/rule_sets/1/sec_rules/2";
    static final RuleIndex RULES = RuleIndex.of(List.of(R2, R1));
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    final FlowAggregator agg = new FlowAggregator(new Classifier(Set.of("10.0.0.2", "fd00::2"), RULES, 7L), 100, 100);

    static ConnEvent conn(ConnEvent.Kind kind, long id, String src, String dst, int proto, int dport, long mark,
                          long po, long bo, long pr, long br) {
        return new ConnEvent(kind, id, src.contains(":") ? 6 : 4, proto, src, dst, proto == 1 ? -1 : 40000 + (int) id,
                proto == 1 ? -1 : dport, proto == 1 ? 8 : -1, proto == 1 ? 0 : -1, dst, mark, po, bo, pr, br, null);
    }

    @Test
    void anInboundAllowedConnectionIsOneSummaryWithItsRuleAndCountersFromTheWorkloadsView() {
        long mark = FlowMark.allowed(RULES.index(R2));
        agg.connection(conn(ConnEvent.Kind.NEW, 1, "10.0.0.9", "10.0.0.2", 6, 80, mark, 0, 0, 0, 0), T0);
        agg.connection(conn(ConnEvent.Kind.DESTROY, 1, "10.0.0.9", "10.0.0.2", 6, 80, mark, 6, 400, 4, 900),
                T0.plusSeconds(2));
        List<FlowSummary> out = agg.flush(Visibility.FLOW_FULL_DETAIL);
        assertThat(out).containsExactly(new FlowSummary("inbound", "10.0.0.2", "10.0.0.9", 6, 80, null, null,
                "allowed", null, R2, 7L, 1, "2026-01-01T00:00:00Z", "2026-01-01T00:00:02Z", 6, 4, 400, 900, "closed"));
        assertThat(agg.flush(Visibility.FLOW_FULL_DETAIL)).isEmpty();
    }

    @Test
    void outboundCountsTheOriginalDirectionAsOutAndManyConnectionsShareOneKey() {
        long mark = FlowMark.potentiallyBlocked(0);
        for (int i = 1; i <= 3; i++) {
            agg.connection(conn(ConnEvent.Kind.NEW, i, "10.0.0.2", "192.0.2.1", 17, 53, mark, 0, 0, 0, 0), T0);
            agg.connection(conn(ConnEvent.Kind.DESTROY, i, "10.0.0.2", "192.0.2.1", 17, 53, mark, 1, 60, 1, 120), T0);
        }
        FlowSummary s = agg.flush(Visibility.FLOW_FULL_DETAIL).get(0);
        assertThat(s.direction()).isEqualTo("outbound");
        assertThat(s.decision()).isEqualTo("potentially_blocked");
        assertThat(s.ruleHref()).as("index 0: the mode's default decided").isNull();
        assertThat(s.connections()).isEqualTo(3);
        assertThat(List.of(s.packetsOut(), s.bytesOut(), s.packetsIn(), s.bytesIn())).containsExactly(3L, 180L, 3L, 360L);
    }

    @Test
    void aConnectionOpenAtTheFlushIsActiveAndItsEndLandsInALaterInterval() {
        long mark = FlowMark.allowed(RULES.index(R1));
        agg.connection(conn(ConnEvent.Kind.NEW, 5, "fd00::9", "fd00::2", 6, 22, mark, 0, 0, 0, 0), T0);
        FlowSummary first = agg.flush(Visibility.FLOW_FULL_DETAIL).get(0);
        assertThat(first.state()).isEqualTo("active");
        assertThat(first.connections()).isEqualTo(1);
        assertThat(first.ruleHref()).isEqualTo(R1);
        agg.use(new Classifier(Set.of("10.0.0.2", "fd00::2"), RuleIndex.EMPTY, 8L));
        agg.connection(conn(ConnEvent.Kind.DESTROY, 5, "fd00::9", "fd00::2", 6, 22, mark, 10, 1000, 9, 5000),
                T0.plusSeconds(90));
        FlowSummary end = agg.flush(Visibility.FLOW_FULL_DETAIL).get(0);
        assertThat(end.state()).isEqualTo("closed");
        assertThat(end.connections()).isZero();
        assertThat(end.ruleHref()).as("kept from the NEW, under the policy that decided it").isEqualTo(R1);
        assertThat(end.policyVersion()).isEqualTo(7L);
        assertThat(end.bytesIn()).isEqualTo(1000);
        assertThat(agg.liveConnections()).isZero();
    }

    @Test
    void unmarkedConnectionsAreUnknownWithAReasonAndTheSnapshotIsReportedApart() {
        agg.connection(conn(ConnEvent.Kind.NEW, 1, "10.0.0.9", "10.0.0.2", 6, 80, 0, 0, 0, 0, 0), T0);
        agg.connection(conn(ConnEvent.Kind.SNAPSHOT, 2, "10.0.0.9", "10.0.0.2", 6, 80, 0, 5, 50, 5, 50), T0);
        agg.connection(conn(ConnEvent.Kind.SNAPSHOT, 3, "10.0.0.9", "10.0.0.2", 6, 443,
                FlowMark.allowed(RULES.index(R1)), 5, 50, 5, 50), T0);
        List<FlowSummary> out = agg.flush(Visibility.FLOW_FULL_DETAIL);
        assertThat(out).extracting(FlowSummary::port, FlowSummary::decision, FlowSummary::reason, FlowSummary::state,
                FlowSummary::ruleHref).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(80, "unknown", "accepted_outside_cordon", "active", null),
                org.assertj.core.groups.Tuple.tuple(80, "unknown", "established_before_start", "snapshot", null),
                org.assertj.core.groups.Tuple.tuple(443, "allowed", null, "snapshot", R1));
    }

    @Test
    void blockedPacketsCountOneConnectionPerSourcePortAndIcmpHasTypeAndCode() {
        for (int sport : new int[] {5000, 5000, 5000, 5001}) {
            agg.blocked(new BlockedPacket(4, 6, "10.0.0.9", "10.0.0.2", sport, 81, -1, -1,
                    FlowMark.blockedPrefix(RULES.index(R1)), 1, 0, 1), T0);
        }
        agg.blocked(new BlockedPacket(4, 1, "10.0.0.2", "10.0.0.8", -1, -1, 8, 0, FlowMark.blockedPrefix(0), 3, 0, 2), T0);
        agg.blocked(new BlockedPacket(4, 6, "10.0.0.9", "10.0.0.2", 1, 2, -1, -1, "someone else", 1, 0, 3), T0);
        List<FlowSummary> out = agg.flush(Visibility.FLOW_FULL_DETAIL);
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).extracting(FlowSummary::decision, FlowSummary::ruleHref, FlowSummary::connections,
                FlowSummary::port).containsExactly("blocked", R1, 2L, 81);
        assertThat(out.get(1)).extracting(FlowSummary::direction, FlowSummary::port, FlowSummary::icmpType,
                FlowSummary::icmpCode, FlowSummary::ruleHref).containsExactly("outbound", null, 8, 0, null);
    }

    @Test
    void trafficNotOfThisWorkloadIsIgnored() {
        agg.connection(conn(ConnEvent.Kind.NEW, 1, "10.0.0.8", "10.0.0.9", 6, 80, 0, 0, 0, 0, 0), T0);
        agg.connection(conn(ConnEvent.Kind.NEW, 2, "10.0.0.2", "10.0.0.2", 6, 80, 0, 0, 0, 0, 0), T0);
        assertThat(agg.flush(Visibility.FLOW_FULL_DETAIL)).isEmpty();
    }

    @Test
    void visibilityLevelsDecideWhatIsReported() {
        Runnable fill = () -> {
            agg.connection(conn(ConnEvent.Kind.SNAPSHOT, 1, "10.0.0.9", "10.0.0.2", 6, 80,
                    FlowMark.allowed(1), 5, 50, 5, 50), T0);
            agg.connection(conn(ConnEvent.Kind.SNAPSHOT, 2, "10.0.0.9", "10.0.0.2", 6, 81,
                    FlowMark.potentiallyBlocked(0), 5, 50, 5, 50), T0);
        };
        fill.run();
        assertThat(agg.flush(Visibility.FLOW_FULL_DETAIL)).hasSize(2);
        fill.run();
        assertThat(agg.flush(Visibility.FLOW_SUMMARY)).hasSize(2).allSatisfy(s -> {
            assertThat(s.connections()).isEqualTo(1);
            assertThat(s.bytesIn() + s.bytesOut() + s.packetsIn() + s.packetsOut()).isZero();
        });
        fill.run();
        assertThat(agg.flush(Visibility.FLOW_DROPS)).extracting(FlowSummary::decision).containsExactly("potentially_blocked");
        fill.run();
        assertThat(agg.flush(Visibility.ENHANCED_DATA_COLLECTION)).hasSize(2)
                .allSatisfy(s -> assertThat(s.bytesIn() + s.bytesOut()).isEqualTo(100));
        fill.run();
        assertThat(agg.flush(Visibility.FLOW_OFF)).isEmpty();
        assertThat(Visibility.parse("flow_drops")).isEqualTo(Visibility.FLOW_DROPS);
        assertThat(Visibility.parse("enhanced_data_collection")).isEqualTo(Visibility.ENHANCED_DATA_COLLECTION);
    }

    @Test
    void eventsPastTheBoundsAreCountedNotLost() {
        FlowAggregator small = new FlowAggregator(new Classifier(Set.of("10.0.0.2"), RULES, 1L), 2, 100);
        for (int port = 1; port <= 5; port++) {
            small.connection(conn(ConnEvent.Kind.NEW, port, "10.0.0.9", "10.0.0.2", 6, port, 0, 0, 0, 0, 0), T0);
        }
        assertThat(small.flush(Visibility.FLOW_FULL_DETAIL)).hasSize(2);
        assertThat(small.takeDropped()).isEqualTo(3);
        assertThat(small.takeDropped()).isZero();
    }

    static BlockedPacket syn(int sport) {
        return new BlockedPacket(4, 6, "10.0.0.9", "10.0.0.2", sport, 81, -1, -1, FlowMark.blockedPrefix(RULES.index(R1)),
                1, 0, 1);
    }

    @Test
    void aBlockedSynRetransmittedAcrossAnIntervalBoundaryIsOneConnection() {
        // the first SYN near the end of one interval, its retransmissions (1 s, 3 s, 7 s later) in the next two
        agg.blocked(syn(5000), T0);
        List<FlowSummary> first = agg.flush(Visibility.FLOW_FULL_DETAIL);
        agg.blocked(syn(5000), T0.plusSeconds(1));
        agg.blocked(syn(5000), T0.plusSeconds(3));
        List<FlowSummary> second = agg.flush(Visibility.FLOW_FULL_DETAIL);
        agg.blocked(syn(5000), T0.plusSeconds(7));
        agg.blocked(syn(5001), T0.plusSeconds(7)); // another attempt (new source port) in the same interval
        List<FlowSummary> third = agg.flush(Visibility.FLOW_FULL_DETAIL);

        assertThat(first).extracting(FlowSummary::connections).containsExactly(1L);
        assertThat(second).as("retransmissions only: no new connection, no summary").isEmpty();
        assertThat(third).extracting(FlowSummary::connections).containsExactly(1L);
        long total = first.stream().mapToLong(FlowSummary::connections).sum()
                + third.stream().mapToLong(FlowSummary::connections).sum();
        assertThat(total).as("two attempts over three intervals").isEqualTo(2);
        assertThat(third.get(0).lastSeen()).isEqualTo(T0.plusSeconds(7).toString());
    }

    @Test
    void theSameSourcePortAfterTheRetryWindowIsANewAttempt() {
        agg.blocked(syn(5000), T0);
        agg.flush(Visibility.FLOW_FULL_DETAIL);
        agg.blocked(syn(5000), T0.plus(FlowAggregator.ATTEMPT_WINDOW).plusSeconds(1));
        assertThat(agg.flush(Visibility.FLOW_FULL_DETAIL)).extracting(FlowSummary::connections).containsExactly(1L);
        // the first attempt was forgotten at that flush; only the second is remembered
        assertThat(agg.rememberedAttempts()).isEqualTo(1);
    }
}
