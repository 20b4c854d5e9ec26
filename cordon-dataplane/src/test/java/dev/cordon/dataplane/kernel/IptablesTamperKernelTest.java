package dev.cordon.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cordon.dataplane.AppliedState;
import dev.cordon.dataplane.ApplyException;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.Policies;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.dataplane.iptables.apply.IptablesVariant;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.CustomStatement;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** iptables backend: tampering done with plain iptables/ipset commands is detected with the right kind and repaired. */
class IptablesTamperKernelTest extends TamperKernelHarness {
    private Dataplane applied(Coexistence c) {
        return applied(Backends.Choice.IPTABLES, Policies.rich(EnforcementMode.FULL, c));
    }

    @Test
    void deletedCordonRuleIsDetectedAndRepaired() {
        expectDetectedAndRepaired(applied(Coexistence.PRIMARY), ChangeKind.RULE_DELETED, "CORDON-INPUT",
                "iptables", "-w", "-D", "CORDON-INPUT", "3");
    }

    @Test
    void ruleAddedInsideCordonChainIsDetectedAndRepaired() {
        expectDetectedAndRepaired(applied(Coexistence.PRIMARY), ChangeKind.RULE_ADDED, "CORDON-INPUT",
                "iptables", "-w", "-I", "CORDON-INPUT", "1", "-j", "ACCEPT");
    }

    @Test
    void flushedCordonChainIsDetectedAndRepaired() {
        expectDetectedAndRepaired(applied(Coexistence.NOT_PRIMARY), ChangeKind.CHAIN_FLUSHED, "CORDON-OUTPUT",
                "iptables", "-w", "-F", "CORDON-OUTPUT");
    }

    @Test
    void ruleInsertedAboveThePrimaryJumpIsDetectedAndRepaired() {
        Dataplane dp = applied(Coexistence.PRIMARY);
        expectDetectedAndRepaired(dp, ChangeKind.JUMP_NOT_FIRST, "INPUT",
                "iptables", "-w", "-I", "INPUT", "1", "-p", "tcp", "--dport", "7000", "-j", "ACCEPT");
        assertThat(CoexistenceKernelSuite.firstRule(host.save(), "INPUT")).contains("-j CORDON-INPUT");
        assertThat(host.save()).as("the foreign rule itself stays (coexistence)").contains("--dport 7000 -j ACCEPT");
    }

    @Test
    void deletedJumpIsDetectedAndRepaired() {
        expectDetectedAndRepaired(applied(Coexistence.PRIMARY), ChangeKind.JUMP_MISSING, "INPUT",
                "iptables", "-w", "-D", "INPUT", "-m", "comment", "--comment", "cordon", "-j", "CORDON-INPUT");
    }

    @Test
    void foreignRuleIsTamperingWhenExclusiveAndIsRemoved() {
        Dataplane dp = applied(Coexistence.EXCLUSIVE);
        expectDetectedAndRepaired(dp, ChangeKind.FOREIGN_RULE, "INPUT",
                "iptables", "-w", "-A", "INPUT", "-p", "tcp", "--dport", "7000", "-j", "ACCEPT");
        assertThat(host.save()).doesNotContain("--dport 7000");
    }

    @Test
    void foreignRuleIsNotTamperingInCoexistence() {
        Dataplane dp = applied(Coexistence.NOT_PRIMARY);
        host.run("iptables", "-w", "-A", "INPUT", "-p", "tcp", "--dport", "7000", "-j", "ACCEPT");
        host.run("iptables", "-w", "-t", "nat", "-N", "DOCKER");
        assertThat(dp.checkFull().changes()).isEmpty();
    }

    @Test
    void removedSetMemberIsDetectedAndRepaired() {
        expectDetectedAndRepaired(applied(Coexistence.PRIMARY), ChangeKind.SET_MEMBER_REMOVED, "cordon-in-al-4",
                "ipset", "del", "cordon-in-al-4", "10.1.1.7,tcp:443");
    }

    private boolean nfTables() {
        return IptablesVariant.parse(host.run("iptables", "-V").stdout()) == IptablesVariant.NF_TABLES;
    }

    /**
     * iptables-nft turns every declared built-in chain into a base chain on its hook, and an empty nat table into NAT
     * hooks that every new connection pays for: an exclusive apply with nothing in nat or raw leaves those tables
     * absent and declares only the built-in chains Cordon jumps from; a foreign nat rule brings the table back and
     * is tampering, and the repair takes it away again. Legacy keeps every chain of a table whatever is declared.
     */
    @Test
    void exclusiveLeavesNoEmptyTableOrUnusedBaseChainOnIptablesNft() {
        Dataplane dp = applied(Backends.Choice.IPTABLES, dev.cordon.dataplane.bench.DataplaneBench.policy(3, 6, "10.9.9.9"));
        if (!nfTables()) return; // legacy: nothing to look at with nft
        assertThat(host.run("nft", "list", "tables").stdout()).doesNotContain("ip nat").doesNotContain("ip raw")
                .doesNotContain("ip6 nat").doesNotContain("ip6 raw").contains("ip filter").contains("ip mangle");
        assertThat(host.run("nft", "list", "table", "ip", "mangle").stdout()).contains("hook prerouting")
                .contains("hook input").doesNotContain("hook output").doesNotContain("hook postrouting");
        expectDetectedAndRepaired(dp, ChangeKind.FOREIGN_RULE, "POSTROUTING",
                "iptables", "-w", "-t", "nat", "-A", "POSTROUTING", "-j", "MASQUERADE");
        assertThat(host.run("nft", "list", "tables").stdout()).doesNotContain("ip nat");
        assertThat(dp.checkFull().changes()).isEmpty();
    }

    @Test
    void deletedTableIsDetectedAndRepaired() {
        Dataplane dp = applied(Coexistence.PRIMARY);
        String[] tamper = nfTables()
                ? new String[] {"nft", "delete", "table", "ip", "filter"}
                : new String[] {"sh", "-c", "iptables -w -F && iptables -w -X"};
        expectDetectedAndRepaired(dp, ChangeKind.CHAIN_DELETED, "CORDON-INPUT", tamper);
    }

    /** A flushed Cordon chain is restored alone (iptables-restore --noflush of that chain): the others are untouched. */
    @Test
    void aTamperedChainIsRestoredAloneAndTheOthersAreLeftAsTheyAre() {
        Dataplane dp = applied(Coexistence.PRIMARY);
        boolean nft = nfTables();
        String before = nft ? host.run("nft", "-a", "list", "chain", "ip", "filter", "CORDON-INPUT").stdout() : "";
        expectDetectedAndRepaired(dp, ChangeKind.CHAIN_FLUSHED, "CORDON-OUTPUT", "iptables", "-w", "-F", "CORDON-OUTPUT");
        expectDetectedAndRepaired(dp, ChangeKind.SET_MEMBER_REMOVED, "cordon-in-al-4",
                "ipset", "del", "cordon-in-al-4", "10.1.1.7,tcp:443");
        // iptables-nft: rule handles show that CORDON-INPUT was not rewritten (legacy iptables has no handles)
        if (nft) assertThat(host.run("nft", "-a", "list", "chain", "ip", "filter", "CORDON-INPUT").stdout()).isEqualTo(before);
    }

    @Test
    void ipv6RuleDeletionIsDetected() {
        expectDetectedAndRepaired(applied(Coexistence.EXCLUSIVE), ChangeKind.RULE_DELETED, "CORDON-INPUT",
                "ip6tables", "-w", "-D", "CORDON-INPUT", "2");
    }

    @Test
    void customStatementTheKernelRefusesFailsTheApplyAndKeepsThePreviousState() {
        Dataplane dp = applied(Coexistence.PRIMARY);
        AppliedState before = dp.current().orElseThrow();
        String saveBefore = host.save();
        FirewallPolicy good = Policies.rich(EnforcementMode.FULL, Coexistence.PRIMARY);
        FirewallPolicy bad = FirewallPolicy.of(good.workload(), 8, good.enforcementMode(), good.coexistence(), good.sets(),
                List.of(), good.outbound(), List.of(new CustomStatement("filter", "INPUT", "-m nosuchmodule -j ACCEPT", 4,
                        "/orgs/1/ip_tables_rules/9")), good.controlPlane());
        assertThatThrownBy(() -> dp.apply(bad))
                .isInstanceOf(ApplyException.class)
                .hasMessageContaining("-A CORDON-C-FILTER-INPUT -m nosuchmodule -j ACCEPT")
                .hasMessageContaining("nosuchmodule")
                .hasMessageContaining("previous policy stays in force");
        assertThat(dp.current()).contains(before);
        assertThat(stripComments(host.save())).isEqualTo(stripComments(saveBefore));
        assertThat(dp.checkFull().changes()).isEmpty();
    }

    /** iptables-save text without its comment lines and with every chain counter zeroed. */
    private static String stripComments(String save) {
        // chain counters move with any packet that reaches the namespace; the rules are what must not change
        return save.lines().filter(l -> !l.startsWith("#")).map(l -> l.replaceAll("\\[\\d+:\\d+\\]$", "[0:0]"))
                .reduce("", (a, b) -> a + b + "\n");
    }
}
