package dev.cordon.dataplane.iptables.tamper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.Policies;
import dev.cordon.dataplane.foreign.NftTableId;
import dev.cordon.dataplane.iptables.save.SavedTable;
import dev.cordon.dataplane.iptables.snapshot.IptablesSnapshot;
import dev.cordon.dataplane.watch.NftChange;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IptablesEventChangesTest {
    private static final NftTableId FILTER = new NftTableId("ip", "filter");
    private static final IptablesSnapshot SNAP = new IptablesSnapshot(
            Policies.allowOne("192.0.2.10", 80, EnforcementMode.FULL, Coexistence.PRIMARY),
            Map.of(Family.V4, SavedTable.parseAll("*filter\n:INPUT ACCEPT [0:0]\n:CORDON-INPUT - [0:0]\n"
                    + "-A INPUT -m comment --comment cordon -j CORDON-INPUT\n-A CORDON-INPUT -i lo -j RETURN\n"
                    + "-A CORDON-INPUT -j DROP\nCOMMIT\n")), Map.of());

    @Test
    void rulesOfCordonChainsAreJudgedFromTheNotes() {
        assertThat(IptablesEventChanges.of(SNAP, List.of(new NftChange(FILTER, NftChange.DELRULE, "CORDON-INPUT"),
                new NftChange(FILTER, NftChange.DELRULE, "CORDON-INPUT"))).orElseThrow())
                .extracting(Change::kind).containsExactly(ChangeKind.CHAIN_FLUSHED);
        assertThat(IptablesEventChanges.of(SNAP, List.of(new NftChange(FILTER, NftChange.NEWRULE, "CORDON-INPUT"))).orElseThrow())
                .extracting(Change::kind).containsExactly(ChangeKind.RULE_ADDED);
    }

    @Test
    void builtInChainsOtherTablesAndChainMessagesNeedTheListing() {
        assertThat(IptablesEventChanges.of(SNAP, List.of(new NftChange(FILTER, NftChange.NEWRULE, "INPUT")))).isEmpty();
        assertThat(IptablesEventChanges.of(SNAP, List.of(new NftChange(FILTER, NftChange.DELCHAIN, "CORDON-INPUT")))).isEmpty();
        assertThat(IptablesEventChanges.of(SNAP, List.of(new NftChange(new NftTableId("inet", "distro"), NftChange.NEWRULE, "x")))).isEmpty();
        assertThat(IptablesEventChanges.of(SNAP, List.of(new NftChange(FILTER, NftChange.NEWRULE, "CORDON-OTHER")))).isEmpty();
    }
}
