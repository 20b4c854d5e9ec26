package dev.cordon.dataplane.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.dataplane.AppliedState;
import dev.cordon.dataplane.Policies;
import dev.cordon.dataplane.exec.FakeCommandRunner;
import dev.cordon.dataplane.iptables.IptablesDataplane;
import dev.cordon.dataplane.iptables.snapshot.IptablesSnapshot;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.policy.model.EnforcementMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Picking a backend, and applied snapshots as JSON: named by backend, and readable in the format of earlier VENs. */
class BackendsTest {
    /** Written by a VEN before snapshots named their backend (applied in a namespace, then saved as applied.json). */
    private static final Path BEFORE_BACKENDS = Path.of("src/test/resources/snapshots/applied-iptables-before-backends.json");

    @Test
    void autoAndIptablesPickTheIptablesBackend() {
        assertThat(((BackendSwitch) Backends.create(new FakeCommandRunner())).chosen()).isInstanceOf(IptablesDataplane.class);
        assertThat(Backends.create(new FakeCommandRunner(), Backends.Choice.IPTABLES).backend()).isEqualTo("iptables");
        assertThat(Backends.Choice.parse("auto")).isEqualTo(Backends.Choice.AUTO);
        assertThatThrownBy(() -> Backends.Choice.parse("pf")).hasMessageContaining("'pf'").hasMessageContaining("auto, nftables or iptables");
    }

    @Test
    void autoPicksNftablesWhereNftRunsAndTheKernelTakesCordonsTables() {
        FakeCommandRunner nft = new FakeCommandRunner().answer(java.util.List.of("nft", "-v"), 0, "nftables v1.0.6 (Lester Gooch #5)\n", "");
        assertThat(Backends.create(nft).backend()).isEqualTo("nftables");
        assertThat(nft.calls()).extracting(FakeCommandRunner.Call::commandLine).contains("nft -c -f -");
        FakeCommandRunner oldKernel = new FakeCommandRunner()
                .answer(java.util.List.of("nft", "-v"), 0, "nftables v1.0.6 (Lester Gooch #5)\n", "")
                .answer(java.util.List.of("nft", "-c"), 1, "", "Error: Could not process rule: Operation not supported");
        assertThat(Backends.create(oldKernel).backend()).isEqualTo("iptables");
        assertThat(Backends.create(new FakeCommandRunner(), Backends.Choice.NFTABLES).backend()).isEqualTo("nftables");
        assertThat(Backends.Choice.parse("NFTables")).isEqualTo(Backends.Choice.NFTABLES);
    }

    @Test
    void autoPicksNftablesOnDockerHostsTooSinceBothBackendsJudgePublishedPorts() {
        FakeCommandRunner docker = new FakeCommandRunner()
                .answer(java.util.List.of("nft", "-v"), 0, "nftables v1.0.6 (Lester Gooch #5)\n", "")
                .answer(java.util.List.of("iptables-save", "-t", "nat"), 0,
                        "*nat\n:PREROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\nCOMMIT\n", "");
        assertThat(Backends.resolve(docker, Backends.Choice.AUTO)).isEqualTo(Backends.Choice.NFTABLES);
        assertThat(Backends.resolve(docker, Backends.Choice.IPTABLES)).as("an explicit choice is kept").isEqualTo(Backends.Choice.IPTABLES);
        FakeCommandRunner noNft = new FakeCommandRunner()
                .answer(java.util.List.of("nft", "-v"), 1, "", "nft: not found");
        assertThat(Backends.resolve(noNft, Backends.Choice.AUTO)).isEqualTo(Backends.Choice.IPTABLES);
    }

    @Test
    void anNftablesSnapshotNamesItsBackendAndReadsBackEqual() {
        var table = new dev.cordon.dataplane.nftables.read.LiveTable(
                java.util.Map.of("filter-input", new dev.cordon.dataplane.nftables.read.LiveTable.Chain("filter", "input", -5,
                        "accept", java.util.List.of("{\"expr\":[{\"jump\":{\"target\":\"CORDON-INPUT\"}}]}"))),
                java.util.Map.of("cordon-speer-4", new dev.cordon.dataplane.nftables.read.LiveTable.Set("ipv4_addr",
                        java.util.List.of("interval"), java.util.List.of("192.0.2.10"))));
        var s = new dev.cordon.dataplane.nftables.snapshot.NftSnapshot(
                Policies.allowOne("192.0.2.10", 80, EnforcementMode.FULL, Coexistence.EXCLUSIVE),
                java.util.Map.of(dev.cordon.dataplane.Family.V4, table), false);
        String json = Backends.toJson(s);
        assertThat(json).startsWith("{\n  \"backend\" : \"nftables\",");
        assertThat(Backends.fromJson(json)).isEqualTo(s);
        assertThat(Backends.fromJson(json).owned()).isEqualTo(s.owned()).contains("ip cordon chain filter-input");
    }

    @Test
    void aSnapshotWrittenBeforeBackendsWereNamedIsReadAsAnIptablesSnapshotWithTheSameOwnedText() throws Exception {
        String old = Files.readString(BEFORE_BACKENDS, StandardCharsets.UTF_8);
        AppliedState s = Backends.fromJson(old);
        assertThat(s).isInstanceOf(IptablesSnapshot.class);
        assertThat(s.backend()).isEqualTo("iptables");
        assertThat(s.policy().hash()).isEqualTo("2085d8e8d065d435edf8aae3b55f56c3");
        assertThat(((IptablesSnapshot) s).tables()).containsKeys(dev.cordon.dataplane.Family.V4, dev.cordon.dataplane.Family.V6);
        assertThat(s.owned()).as("the canonical text the old VEN computed for this snapshot")
                .isEqualTo(Files.readString(Path.of("src/test/resources/snapshots/applied-iptables-before-backends.owned.txt")));
        ObjectNode rewritten = (ObjectNode) PolicyJson.mapper().readTree(Backends.toJson(s));
        assertThat(rewritten.remove("backend").asText()).isEqualTo("iptables");
        assertThat(rewritten).as("the new format is the old one plus the backend's name").isEqualTo(PolicyJson.mapper().readTree(old));
    }

    @Test
    void aSnapshotNamesItsBackendAndReadsBackEqual() {
        IptablesDataplane dp = new IptablesDataplane(new FakeCommandRunner());
        IptablesSnapshot s = dp.apply(Policies.allowOne("192.0.2.10", 80, EnforcementMode.FULL, Coexistence.EXCLUSIVE));
        String json = Backends.toJson(s);
        assertThat(json).startsWith("{\n  \"backend\" : \"iptables\",");
        assertThat(Backends.fromJson(json)).isEqualTo(s);
    }

    @Test
    void aSnapshotOfAnUnknownBackendIsRefusedByName() {
        assertThatThrownBy(() -> Backends.fromJson("{\"backend\":\"pf\"}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'pf'");
    }
}
