package dev.cordon.dataplane.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.dataplane.DataplaneException;
import dev.cordon.dataplane.SavedFirewall;
import dev.cordon.dataplane.exec.FakeCommandRunner;
import dev.cordon.dataplane.iptables.apply.IptablesVariant;
import dev.cordon.policy.json.PolicyJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The firewall before Cordon: saved and restored with the iptables tools, both families; tools checked up front. */
class IptablesDataplaneTest {
    @Test
    void theFirewallBeforeActivationIsSavedForBothFamilies() {
        FakeCommandRunner runner = new FakeCommandRunner()
                .answer(List.of("iptables-save"), 0, "*filter\nCOMMIT\n", "")
                .answer(List.of("ip6tables-save"), 0, "*raw\nCOMMIT\n", "");
        assertThat(new IptablesDataplane(runner).saveFirewall())
                .isEqualTo(new SavedFirewall("iptables", "*filter\nCOMMIT\n", "*raw\nCOMMIT\n"));
    }

    @Test
    void restoringRemovesCordonThenRestoresEachFamilyWhole() {
        FakeCommandRunner runner = new FakeCommandRunner();
        new IptablesDataplane(runner).restoreFirewall(new SavedFirewall("iptables", "*filter\nCOMMIT\n", ""));
        List<FakeCommandRunner.Call> restores = runner.calls().stream()
                .filter(c -> c.commandLine().startsWith("iptables-restore") || c.commandLine().startsWith("ip6tables-restore")).toList();
        assertThat(restores).extracting(FakeCommandRunner.Call::commandLine).containsExactly("iptables-restore -w");
        assertThat(restores.get(0).stdin()).isEqualTo("*filter\nCOMMIT\n");
    }

    @Test
    void aFirewallSavedByAnotherBackendIsNotRestored() {
        assertThatThrownBy(() -> new IptablesDataplane(new FakeCommandRunner()).restoreFirewall(new SavedFirewall("pf", "x", "")))
                .isInstanceOf(DataplaneException.class).hasMessageContaining("pf");
    }

    @Test
    void aSavedFirewallFileFromBeforeBackendsWereNamedReadsAsIptables() throws Exception {
        ObjectMapper json = PolicyJson.mapper();
        SavedFirewall f = json.readValue("{\"ipv4\":\"*filter\\nCOMMIT\\n\",\"ipv6\":\"\"}", SavedFirewall.class);
        assertThat(f).isEqualTo(new SavedFirewall("iptables", "*filter\nCOMMIT\n", ""));
    }

    @Test
    void preflightNamesTheMissingToolAndItsPackage() {
        FakeCommandRunner runner = new FakeCommandRunner().answer(List.of("iptables", "-V"), 0, "iptables v1.8.9 (nf_tables)", "")
                .answer(List.of("ipset"), 127, "", "ipset: not found");
        IptablesDataplane dp = new IptablesDataplane(runner);
        assertThat(dp.variant()).isEqualTo(IptablesVariant.NF_TABLES);
        assertThatThrownBy(dp::preflight).isInstanceOfSatisfying(DataplaneException.class, e -> {
            assertThat(e.getMessage()).contains("ipset -v", "apt-get install");
            assertThat(e.command()).isEqualTo("ipset -v");
        });
    }
}
