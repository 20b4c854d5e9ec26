package dev.cordon.dataplane.nftables.tamper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.Policies;
import dev.cordon.dataplane.foreign.NftTableId;
import dev.cordon.dataplane.nftables.read.LiveTable;
import dev.cordon.dataplane.nftables.snapshot.NftSnapshot;
import dev.cordon.dataplane.watch.NftChange;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NftEventChangesTest {
    private static final NftTableId V4 = new NftTableId("ip", "cordon");
    private static final NftSnapshot SNAP = new NftSnapshot(Policies.allowOne("192.0.2.10", 80, EnforcementMode.FULL, Coexistence.PRIMARY),
            Map.of(Family.V4, new LiveTable(
                    Map.of("CORDON-INPUT", new LiveTable.Chain(null, null, null, null, List.of("a", "b")),
                            "filter-input", new LiveTable.Chain("filter", "input", -5, "accept", List.of("jump CORDON-INPUT"))),
                    Map.of("cordon-in-al-4", new LiveTable.Set("ipv4_addr . inet_proto . inet_service", List.of("interval"), List.of("x"))))),
            false);

    private static List<ChangeKind> kinds(NftChange... notes) {
        return NftEventChanges.of(SNAP, List.of(notes)).stream().map(Change::kind).toList();
    }

    @Test
    void everyRuleOfAChainDeletedIsAFlushAndSomeAreDeletions() {
        assertThat(kinds(new NftChange(V4, NftChange.DELRULE, "CORDON-INPUT"), new NftChange(V4, NftChange.DELRULE, "CORDON-INPUT")))
                .containsExactly(ChangeKind.CHAIN_FLUSHED);
        assertThat(kinds(new NftChange(V4, NftChange.DELRULE, "CORDON-INPUT"))).containsExactly(ChangeKind.RULE_DELETED);
        assertThat(kinds(new NftChange(V4, NftChange.NEWRULE, "CORDON-INPUT"))).containsExactly(ChangeKind.RULE_ADDED);
    }

    @Test
    void chainsSetsAndTheTable() {
        assertThat(kinds(new NftChange(V4, NftChange.NEWCHAIN, "filter-input"))).containsExactly(ChangeKind.POLICY_CHANGED);
        assertThat(kinds(new NftChange(V4, NftChange.NEWCHAIN, "EVIL"))).containsExactly(ChangeKind.FOREIGN_CHAIN);
        assertThat(kinds(new NftChange(V4, NftChange.DELSETELEM, "cordon-in-al-4"))).containsExactly(ChangeKind.SET_MEMBER_REMOVED);
        assertThat(kinds(new NftChange(V4, NftChange.NEWSETELEM, "cordon-in-al-4"))).containsExactly(ChangeKind.SET_MEMBER_ADDED);
        assertThat(kinds(new NftChange(V4, NftChange.DELSET, "cordon-in-al-4"))).containsExactly(ChangeKind.SET_MISSING);
        assertThat(kinds(new NftChange(V4, NftChange.DELTABLE, "cordon")))
                .containsExactly(ChangeKind.CHAIN_DELETED, ChangeKind.CHAIN_DELETED);
        assertThat(kinds(new NftChange(new NftTableId("ip6", "cordon"), NftChange.NEWTABLE, "cordon")))
                .containsExactly(ChangeKind.FOREIGN_CHAIN);
    }

    @Test
    void otherTablesAreNotCordonsPart() {
        assertThat(kinds(new NftChange(new NftTableId("inet", "distro"), NftChange.NEWRULE, "input"))).isEmpty();
    }
}
