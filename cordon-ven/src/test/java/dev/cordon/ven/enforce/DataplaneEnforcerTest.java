package dev.cordon.ven.enforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cordon.dataplane.exec.FakeCommandRunner;
import dev.cordon.dataplane.render.Family;
import dev.cordon.dataplane.tamper.Change;
import dev.cordon.dataplane.tamper.ChangeKind;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.Endpoint;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.WorkloadRef;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The adapter keeps the kernel's own words when it refuses, and translates the dataplane's values faithfully. */
class DataplaneEnforcerTest {
    static FirewallPolicy policy() {
        return FirewallPolicy.of(new WorkloadRef("/orgs/1/workloads/w", "w"), 1, EnforcementMode.FULL,
                Coexistence.EXCLUSIVE, List.of(), List.of(), List.of(), List.of(), List.of(new Endpoint("127.0.0.1", 1)));
    }

    @Test
    void aRefusedTableBecomesAnEnforcementExceptionWithCommandStderrAndLine() {
        FakeCommandRunner runner = new FakeCommandRunner()
                .answer(List.of("iptables-restore"), 1, "", "iptables-restore: line 3 failed");
        DataplaneEnforcer e = new DataplaneEnforcer(runner);
        assertThatThrownBy(() -> e.apply(policy())).isInstanceOfSatisfying(EnforcementException.class, x -> {
            assertThat(x.command()).startsWith("iptables-restore");
            assertThat(x.stderr()).contains("line 3 failed");
            assertThat(x.line()).isEqualTo(3);
            assertThat(x.getMessage()).contains("previous policy stays in force");
        });
        assertThat(e.current()).isEmpty();
    }

    @Test
    void anAppliedPolicyYieldsASnapshotNamingItsHashAndCoexistence() {
        DataplaneEnforcer e = new DataplaneEnforcer(new FakeCommandRunner());
        AppliedSnapshot s = e.apply(policy());
        assertThat(s.policyHash()).isEqualTo(policy().hash());
        assertThat(s.coexistence()).isEqualTo("exclusive");
        assertThat(s.json()).contains(policy().hash());
        assertThat(e.current()).contains(s);
    }

    @Test
    void tamperChangesKeepFamilyTableChainRuleAndKind() {
        TamperChange c = DataplaneEnforcer.change(new Change(Family.V4, "filter", "INPUT", "-j DROP", ChangeKind.FOREIGN_RULE));
        assertThat(c).isEqualTo(new TamperChange("IPv4", "filter", "INPUT", "-j DROP", "foreign_rule"));
    }

    @Test
    void theFirewallBeforeActivationIsSavedForBothFamilies() {
        FakeCommandRunner runner = new FakeCommandRunner()
                .answer(List.of("iptables-save"), 0, "*filter\nCOMMIT\n", "")
                .answer(List.of("ip6tables-save"), 0, "*raw\nCOMMIT\n", "");
        assertThat(new DataplaneEnforcer(runner).save()).isEqualTo(new SavedFirewall("*filter\nCOMMIT\n", "*raw\nCOMMIT\n"));
    }
}
