package dev.cordon.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cordon.dataplane.AppliedState;
import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.TamperReport;
import dev.cordon.dataplane.nftables.snapshot.NftSnapshot;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.DataplaneException;
import dev.cordon.dataplane.Policies;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.model.EnforcementMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** nftables backend: tampering done with plain nft (and iptables) commands is detected with the right kind and repaired. */
class NftablesTamperKernelTest extends TamperKernelHarness {
    private Dataplane applied(Coexistence c) {
        return applied(Backends.Choice.NFTABLES, Policies.richNoCustom(EnforcementMode.FULL, c));
    }

    private String handleOfRule(String family, String chain, int index) {
        String listing = host.run("nft", "-a", "list", "chain", family, "cordon", chain).stdout();
        Matcher m = Pattern.compile("# handle (\\d+)").matcher(listing);
        int seen = -1; // the chain line itself carries a handle
        while (m.find()) {
            if (seen == index) return m.group(1);
            seen++;
        }
        throw new AssertionError("no rule " + index + " in " + listing);
    }

    @Test
    void deletedCordonRuleIsDetectedAndRepaired() {
        Dataplane dp = applied(Coexistence.PRIMARY);
        expectDetectedAndRepaired(dp, ChangeKind.RULE_DELETED, "CORDON-INPUT",
                "nft", "delete", "rule", "ip", "cordon", "CORDON-INPUT", "handle", handleOfRule("ip", "CORDON-INPUT", 2));
    }

    @Test
    void ruleAddedInsideCordonChainIsDetectedAndRepaired() {
        expectDetectedAndRepaired(applied(Coexistence.PRIMARY), ChangeKind.RULE_ADDED, "CORDON-INPUT",
                "nft", "insert", "rule", "ip", "cordon", "CORDON-INPUT", "accept");
    }

    @Test
    void flushedCordonChainIsDetectedAndRepaired() {
        expectDetectedAndRepaired(applied(Coexistence.NOT_PRIMARY), ChangeKind.CHAIN_FLUSHED, "CORDON-OUTPUT",
                "nft", "flush", "chain", "ip", "cordon", "CORDON-OUTPUT");
    }

    @Test
    void changedBaseChainPolicyIsDetectedAndRepaired() {
        expectDetectedAndRepaired(applied(Coexistence.PRIMARY), ChangeKind.POLICY_CHANGED, "filter-forward",
                "nft", "chain", "ip", "cordon", "filter-forward", "{ policy drop; }");
    }

    @Test
    void deletedTableIsDetectedAndRepaired() {
        expectDetectedAndRepaired(applied(Coexistence.EXCLUSIVE), ChangeKind.CHAIN_DELETED, "CORDON-INPUT",
                "nft", "delete", "table", "ip6", "cordon");
    }

    @Test
    void removedSetElementIsDetectedAndRepaired() {
        expectDetectedAndRepaired(applied(Coexistence.PRIMARY), ChangeKind.SET_MEMBER_REMOVED, "cordon-in-al-4",
                "nft", "delete", "element", "ip", "cordon", "cordon-in-al-4", "{ 10.1.1.7 . tcp . 443 }");
    }

    @Test
    void flushedSetIsDetectedAndRepaired() {
        expectDetectedAndRepaired(applied(Coexistence.PRIMARY), ChangeKind.SET_MEMBER_REMOVED, "cordon-sclients-4",
                "nft", "flush", "set", "ip", "cordon", "cordon-sclients-4");
    }

    @Test
    void foreignNativeTableIsTamperingWhenExclusiveAndIsRemoved() {
        Dataplane dp = applied(Coexistence.EXCLUSIVE);
        host.run("nft", "add", "table", "inet", "distro");
        expectDetectedAndRepaired(dp, ChangeKind.FOREIGN_CHAIN, "",
                "nft", "add", "chain", "inet", "distro", "input", "{ type filter hook input priority 0; policy accept; }");
        assertThat(host.run("nft", "list", "tables").stdout()).doesNotContain("distro");
    }

    @Test
    void iptablesRuleIsTamperingWhenExclusiveAndIsRemoved() {
        Dataplane dp = applied(Coexistence.EXCLUSIVE);
        expectDetectedAndRepaired(dp, ChangeKind.FOREIGN_CHAIN, "",
                "iptables", "-w", "-A", "INPUT", "-p", "tcp", "--dport", "7000", "-j", "ACCEPT");
        assertThat(host.save()).doesNotContain("--dport 7000");
    }

    @Test
    void foreignTablesAreNotTamperingInCoexistence() {
        Dataplane dp = applied(Coexistence.PRIMARY);
        host.run("nft", "add", "table", "inet", "distro");
        host.run("nft", "add", "chain", "inet", "distro", "input", "{ type filter hook input priority 0; policy accept; }");
        host.run("iptables", "-w", "-A", "INPUT", "-p", "tcp", "--dport", "7000", "-j", "ACCEPT");
        assertThat(dp.checkFull().changes()).isEmpty();
    }

    @Test
    void deletedPassMarkRuleIsDetectedAndRepairedWhenNotPrimary() {
        Dataplane dp = applied(Coexistence.NOT_PRIMARY);
        assertThat(host.save()).contains("cordon-pass");
        expectDetectedAndRepaired(dp, ChangeKind.JUMP_MISSING, "INPUT",
                "iptables", "-w", "-D", "INPUT", "-m", "comment", "--comment", "cordon-pass", "-j", "MARK", "--or-mark", "0x00800000");
    }

    @Test
    void passMarkRuleNoLongerLastIsPutLastAgain() {
        Dataplane dp = applied(Coexistence.NOT_PRIMARY);
        expectDetectedAndRepaired(dp, ChangeKind.JUMP_NOT_FIRST, "INPUT",
                "iptables", "-w", "-A", "INPUT", "-p", "tcp", "--dport", "7000", "-j", "ACCEPT");
        assertThat(CoexistenceKernelSuite.firstRule(host.save(), "INPUT")).contains("--dport 7000");
    }

    @Test
    void customIptablesStatementsAreRefusedAndThePreviousStateStays() {
        Dataplane dp = applied(Coexistence.PRIMARY);
        AppliedState before = dp.current().orElseThrow();
        String ruleset = host.run("nft", "list", "ruleset").stdout();
        assertThatThrownBy(() -> dp.apply(Policies.rich(EnforcementMode.FULL, Coexistence.PRIMARY)))
                .isInstanceOf(DataplaneException.class)
                .hasMessageContaining("custom_iptables_refused")
                .hasMessageContaining("-p tcp --dport 2222 -j ACCEPT")
                .hasMessageContaining("--dataplane iptables")
                .hasMessageContaining("previous policy stays in force");
        assertThat(dp.current()).contains(before);
        assertThat(host.run("nft", "list", "ruleset").stdout()).isEqualTo(ruleset);
        assertThat(dp.checkFull().changes()).isEmpty();
    }

    @Test
    void aChangedPolicyIsAppliedIncrementallyAndAfterTamperingWhole() {
        dev.cordon.dataplane.nftables.NftablesDataplane dp = new dev.cordon.dataplane.nftables.NftablesDataplane(host.runner());
        dp.apply(Policies.allowOne("192.0.2.10", 80, EnforcementMode.FULL, Coexistence.PRIMARY));
        assertThat(dp.lastApplyMode()).isEqualTo("full");
        dp.apply(Policies.allowOne("192.0.2.11", 80, EnforcementMode.FULL, Coexistence.PRIMARY));
        assertThat(dp.lastApplyMode()).isEqualTo("incremental");
        assertThat(dp.checkFull().changes()).isEmpty();
        assertThat(host.run("nft", "list", "set", "ip", "cordon", "cordon-in-al-4").stdout())
                .contains("192.0.2.11 . tcp . 80").doesNotContain("192.0.2.10");
        // someone deletes the element the next apply would delete: the incremental batch is refused (ENOENT) as a
        // whole, and the whole-table batch follows
        host.run("nft", "delete", "element", "ip", "cordon", "cordon-in-al-4", "{ 192.0.2.11 . tcp . 80 }");
        dp.apply(Policies.allowOne("192.0.2.12", 80, EnforcementMode.FULL, Coexistence.PRIMARY));
        assertThat(dp.lastApplyMode()).isEqualTo("full after incremental failed");
        assertThat(dp.checkFull().changes()).isEmpty();
        assertThat(host.run("nft", "list", "set", "ip", "cordon", "cordon-in-al-4").stdout())
                .contains("192.0.2.12 . tcp . 80").doesNotContain("192.0.2.11");
        dp.apply(Policies.allowOne("192.0.2.12", 80, EnforcementMode.FULL, Coexistence.EXCLUSIVE));
        assertThat(dp.lastApplyMode()).as("another coexistence state: other base chains").isEqualTo("full");
    }

    @Test
    void theAppliedSnapshotIsTheBatchUntilTheFirstCheckListsTheKernel() {
        Dataplane dp = host.dataplane(Backends.Choice.NFTABLES);
        dp.apply(Policies.richNoCustom(EnforcementMode.FULL, Coexistence.PRIMARY));
        // the batch was the only transaction across it (nothing else writes in this lab): no read-back after it
        assertThat(((NftSnapshot) dp.current().orElseThrow()).rendered()).isTrue();
        assertThat(dp.check().changes()).isEmpty();
        assertThat(((NftSnapshot) dp.current().orElseThrow()).rendered()).as("the listing now stands for it").isFalse();
        assertThat(dp.checkFull().changes()).isEmpty();
    }

    /** Tampering between an apply and its first check is measured against the batch itself (structure and counts). */
    @Test
    void tamperingBeforeTheFirstCheckIsFoundAgainstTheRenderedBatch() {
        Dataplane dp = host.dataplane(Backends.Choice.NFTABLES);
        dp.apply(Policies.richNoCustom(EnforcementMode.FULL, Coexistence.PRIMARY));
        Object[][] cases = {
            {ChangeKind.CHAIN_FLUSHED, "CORDON-INPUT", new String[] {"nft", "flush", "chain", "ip", "cordon", "CORDON-INPUT"}},
            {ChangeKind.RULE_ADDED, "CORDON-INPUT", new String[] {"nft", "insert", "rule", "ip", "cordon", "CORDON-INPUT", "accept"}},
            {ChangeKind.SET_MEMBER_REMOVED, "cordon-in-al-4",
                new String[] {"nft", "delete", "element", "ip", "cordon", "cordon-in-al-4", "{ 10.1.1.7 . tcp . 443 }"}},
            {ChangeKind.CHAIN_DELETED, "CORDON-INPUT", new String[] {"nft", "delete", "table", "ip", "cordon"}},
        };
        for (Object[] c : cases) {
            assertThat(((NftSnapshot) dp.current().orElseThrow()).rendered()).as("not yet listed").isTrue();
            host.run((String[]) c[2]);
            TamperReport r = dp.check();
            assertThat(r.changes()).as(r.describe()).filteredOn(x -> x.kind() == c[0]).extracting(Change::chain).contains((String) c[1]);
            dp.repair();
            assertThat(dp.checkFull().changes()).as("after repair of " + c[0]).isEmpty();
            dp.apply(Policies.richNoCustom(EnforcementMode.FULL, Coexistence.PRIMARY)); // the same again: rendered again
        }
    }

    /** A repair after a flushed chain rewrites that chain only: the other chains keep their rules (and handles). */
    @Test
    void aTamperedChainIsRewrittenAloneAndTheOthersAreLeftAsTheyAre() {
        Dataplane dp = applied(Coexistence.PRIMARY);
        String input = handleOfRule("ip", "CORDON-INPUT", 0);
        String v6 = handleOfRule("ip6", "CORDON-OUTPUT", 0);
        expectDetectedAndRepaired(dp, ChangeKind.CHAIN_FLUSHED, "CORDON-OUTPUT", "nft", "flush", "chain", "ip", "cordon", "CORDON-OUTPUT");
        assertThat(handleOfRule("ip", "CORDON-INPUT", 0)).isEqualTo(input);
        assertThat(handleOfRule("ip6", "CORDON-OUTPUT", 0)).isEqualTo(v6);
        expectDetectedAndRepaired(dp, ChangeKind.SET_MEMBER_REMOVED, "cordon-in-al-4",
                "nft", "delete", "element", "ip", "cordon", "cordon-in-al-4", "{ 10.1.1.7 . tcp . 443 }");
        assertThat(handleOfRule("ip", "CORDON-INPUT", 0)).isEqualTo(input);
    }

    @Test
    void removeLeavesNoCordonTableNorPassMark() {
        Dataplane dp = applied(Coexistence.NOT_PRIMARY);
        dp.remove();
        assertThat(host.run("nft", "list", "tables").stdout()).doesNotContain("cordon");
        assertThat(host.save()).doesNotContain("cordon-pass");
    }
}
