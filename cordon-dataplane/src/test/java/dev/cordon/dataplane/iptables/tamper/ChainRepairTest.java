package dev.cordon.dataplane.iptables.tamper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.Policies;
import dev.cordon.dataplane.iptables.save.SavedTable;
import dev.cordon.dataplane.iptables.snapshot.IptablesSnapshot;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChainRepairTest {
    private static final String APPLIED = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
            + ":CORDON-INPUT - [0:0]\n:CORDON-OUTPUT - [0:0]\n-A INPUT -m comment --comment cordon -j CORDON-INPUT\n"
            + "-A CORDON-INPUT -i lo -j RETURN\n-A CORDON-INPUT -j DROP\n-A CORDON-OUTPUT -j DROP\nCOMMIT\n";
    private static final IptablesSnapshot SNAP = new IptablesSnapshot(
            Policies.allowOne("192.0.2.10", 80, EnforcementMode.FULL, Coexistence.PRIMARY),
            Map.of(Family.V4, SavedTable.parseAll(APPLIED)),
            Map.of("cordon-in-al-4", new IptablesSnapshot.SetSnapshot("hash:net,port", List.of("192.0.2.10,tcp:80"))));

    @Test
    void aFlushedCordonChainIsRestoredAloneFromTheSnapshotText() {
        var plan = ChainRepair.plan(SNAP, List.of(new Change(Family.V4, "filter", "CORDON-INPUT", "", ChangeKind.CHAIN_FLUSHED)));
        assertThat(plan).isPresent();
        assertThat(plan.get().restores().get(Family.V4)).containsExactly(
                "*filter\n:CORDON-INPUT - [0:0]\n-A CORDON-INPUT -i lo -j RETURN\n-A CORDON-INPUT -j DROP\nCOMMIT\n");
        assertThat(plan.get().ipset()).isEmpty();
    }

    @Test
    void setMembersArePutBackAndTakenAwayWithOneIpsetRestore() {
        var plan = ChainRepair.plan(SNAP, List.of(
                new Change(Family.V4, "ipset", "cordon-in-al-4", "192.0.2.10,tcp:80", ChangeKind.SET_MEMBER_REMOVED),
                new Change(Family.V4, "ipset", "cordon-in-al-4", "192.0.2.99,tcp:80", ChangeKind.SET_MEMBER_ADDED)));
        assertThat(plan.get().restores()).isEmpty();
        assertThat(plan.get().ipset()).isEqualTo(
                "add cordon-in-al-4 192.0.2.10,tcp:80 -exist\ndel cordon-in-al-4 192.0.2.99,tcp:80 -exist\n");
    }

    @Test
    void anythingOutsideCordonChainsAndMembersMeansAWholeApply() {
        assertThat(ChainRepair.plan(SNAP, List.of())).isEmpty();
        assertThat(ChainRepair.plan(SNAP, List.of(new Change(Family.V4, "filter", "INPUT", "-j CORDON-INPUT", ChangeKind.JUMP_MISSING)))).isEmpty();
        assertThat(ChainRepair.plan(SNAP, List.of(new Change(Family.V4, "filter", "INPUT", "-p tcp -j ACCEPT", ChangeKind.RULE_ADDED)))).isEmpty();
        assertThat(ChainRepair.plan(SNAP, List.of(new Change(Family.V4, "ipset", "cordon-in-al-4", "", ChangeKind.SET_MISSING)))).isEmpty();
        assertThat(ChainRepair.plan(SNAP, List.of(new Change(Family.V4, "nat", "CORDON-INPUT", "", ChangeKind.CHAIN_FLUSHED)))).isEmpty();
    }
}
