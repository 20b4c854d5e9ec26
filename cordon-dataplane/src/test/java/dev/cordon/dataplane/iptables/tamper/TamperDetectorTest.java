package dev.cordon.dataplane.iptables.tamper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.Policies;
import dev.cordon.dataplane.iptables.ipset.SetHeader;
import dev.cordon.dataplane.iptables.save.SavedTable;
import dev.cordon.dataplane.iptables.snapshot.IptablesSnapshot;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TamperDetectorTest {
    private static final String APPLIED = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
            + ":CORDON-INPUT - [0:0]\n-A INPUT -m comment --comment cordon -j CORDON-INPUT\n-A INPUT -j FOREIGN\n"
            + "-A CORDON-INPUT -i lo -j RETURN\n-A CORDON-INPUT -j DROP\nCOMMIT\n";

    private static IptablesSnapshot applied(Coexistence c) {
        return new IptablesSnapshot(Policies.allowOne("192.0.2.10", 80, EnforcementMode.FULL, c),
                Map.of(Family.V4, SavedTable.parseAll(APPLIED)),
                Map.of("cordon-in-al-4", new IptablesSnapshot.SetSnapshot("hash:net,port", List.of("192.0.2.10,tcp:80"))));
    }

    private static List<Change> diff(Coexistence c, String live) {
        return TamperDetector.compareTables(applied(c), Map.of(Family.V4, SavedTable.parseAll(live)));
    }

    @Test
    void identicalStateIsClean() {
        assertThat(diff(Coexistence.PRIMARY, APPLIED)).isEmpty();
        assertThat(diff(Coexistence.EXCLUSIVE, APPLIED)).isEmpty();
    }

    @Test
    void foreignRuleCountsOnlyWhenExclusive() {
        String live = APPLIED.replace("-A INPUT -j FOREIGN\n", "-A INPUT -j FOREIGN\n-A INPUT -p tcp -j ACCEPT\n");
        assertThat(diff(Coexistence.EXCLUSIVE, live)).extracting(Change::kind).containsExactly(ChangeKind.FOREIGN_RULE);
        assertThat(diff(Coexistence.NOT_PRIMARY, live)).isEmpty();
    }

    @Test
    void primaryJumpMustStayFirst() {
        String live = APPLIED.replace("-A INPUT -m comment", "-A INPUT -p tcp -j ACCEPT\n-A INPUT -m comment");
        assertThat(diff(Coexistence.PRIMARY, live)).extracting(Change::kind).containsExactly(ChangeKind.JUMP_NOT_FIRST);
        assertThat(diff(Coexistence.NOT_PRIMARY, live)).isEmpty();
    }

    @Test
    void chainChangesAreClassified() {
        assertThat(diff(Coexistence.PRIMARY, APPLIED.replace("-A CORDON-INPUT -i lo -j RETURN\n", "")))
                .extracting(Change::kind, Change::rule).containsExactly(org.assertj.core.groups.Tuple.tuple(ChangeKind.RULE_DELETED, "-i lo -j RETURN"));
        assertThat(diff(Coexistence.PRIMARY, APPLIED.replace("-A CORDON-INPUT -i lo -j RETURN\n-A CORDON-INPUT -j DROP\n", "")))
                .extracting(Change::kind).containsExactly(ChangeKind.CHAIN_FLUSHED);
        assertThat(diff(Coexistence.PRIMARY, APPLIED.replace("-A INPUT -m comment --comment cordon -j CORDON-INPUT\n", "")))
                .extracting(Change::kind).containsExactly(ChangeKind.JUMP_MISSING);
        String deleted = APPLIED.replace(":CORDON-INPUT - [0:0]\n", "").replaceAll("-A CORDON-INPUT[^\n]*\n", "")
                .replace("-A INPUT -m comment --comment cordon -j CORDON-INPUT\n", "");
        assertThat(diff(Coexistence.PRIMARY, deleted)).extracting(Change::kind)
                .containsExactlyInAnyOrder(ChangeKind.CHAIN_DELETED, ChangeKind.JUMP_MISSING);
    }

    @Test
    void setsAreComparedByHeaderAndMembersOnlyWhenNeeded() {
        IptablesSnapshot a = applied(Coexistence.PRIMARY);
        Map<String, SetHeader> same = Map.of("cordon-in-al-4", new SetHeader("cordon-in-al-4", "hash:net,port", 1));
        assertThat(TamperDetector.setsNeedingMembers(a, same, false)).isEmpty();
        assertThat(TamperDetector.setsNeedingMembers(a, same, true)).containsExactly("cordon-in-al-4");
        Map<String, SetHeader> fewer = Map.of("cordon-in-al-4", new SetHeader("cordon-in-al-4", "hash:net,port", 0));
        assertThat(TamperDetector.setsNeedingMembers(a, fewer, false)).containsExactly("cordon-in-al-4");
        assertThat(TamperDetector.compareSets(a, fewer, Map.of("cordon-in-al-4", List.of())))
                .extracting(Change::kind, Change::rule).containsExactly(org.assertj.core.groups.Tuple.tuple(ChangeKind.SET_MEMBER_REMOVED, "192.0.2.10,tcp:80"));
        assertThat(TamperDetector.compareSets(a, Map.of(), Map.of())).extracting(Change::kind).containsExactly(ChangeKind.SET_MISSING);
    }
}
