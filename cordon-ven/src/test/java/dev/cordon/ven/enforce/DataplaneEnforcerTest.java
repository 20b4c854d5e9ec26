package dev.cordon.ven.enforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cordon.dataplane.AppliedState;
import dev.cordon.dataplane.ApplyException;
import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.dataplane.exec.FakeCommandRunner;
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
    void aRefusedTableBecomesAnApplyExceptionWithCommandStderrAndLine() {
        FakeCommandRunner runner = new FakeCommandRunner()
                .answer(List.of("iptables-restore"), 1, "", "iptables-restore: line 3 failed");
        DataplaneEnforcer e = new DataplaneEnforcer(Backends.create(runner, Backends.Choice.IPTABLES));
        assertThatThrownBy(() -> e.apply(policy())).isInstanceOfSatisfying(ApplyException.class, x -> {
            assertThat(x.command()).startsWith("iptables-restore");
            assertThat(x.stderr()).contains("line 3 failed");
            assertThat(x.line()).isEqualTo(3);
            assertThat(x.getMessage()).contains("previous policy stays in force");
        });
        assertThat(e.current()).isEmpty();
    }

    @Test
    void anAppliedPolicyYieldsASnapshotNamingItsHashAndCoexistence() {
        DataplaneEnforcer e = new DataplaneEnforcer(Backends.create(new FakeCommandRunner()));
        AppliedSnapshot s = e.apply(policy());
        assertThat(s.backend()).isEqualTo("iptables");
        assertThat(s.policyHash()).isEqualTo(policy().hash());
        assertThat(s.coexistence()).isEqualTo("exclusive");
        assertThat(s.json()).contains(policy().hash()).contains("\"backend\" : \"iptables\"");
        assertThat(e.current()).contains(s);
    }

    /**
     * A kernel played by text: a full {@code iptables-restore} replaces each table it carries (one call carries
     * every table of a family), {@code iptables-save} prints them.
     * {@code afterRestore} runs after each IPv4 restore, so a test can change the firewall inside an apply.
     */
    static final class TextKernel {
        final java.util.Map<String, String> v4 = new java.util.TreeMap<>();
        Runnable afterRestore = () -> {};

        FakeCommandRunner runner() {
            return new FakeCommandRunner()
                    .on(List.of("iptables-save"), c -> new dev.cordon.dataplane.exec.CommandResult(c.argv(), 0,
                            String.join("", v4.values()), ""))
                    .on(List.of("iptables-restore"), c -> {
                        for (String t : c.stdin().split("(?m)(?=^\\*)", -1)) {
                            if (!t.startsWith("*")) continue;
                            String name = t.substring(1, t.indexOf('\n'));
                            if (c.argv().contains("--noflush") && v4.containsKey(name)) v4.put(name, noflush(v4.get(name), t));
                            else v4.put(name, t);
                        }
                        afterRestore.run();
                        return new dev.cordon.dataplane.exec.CommandResult(c.argv(), 0, "", "");
                    });
        }

        /** {@code --noflush}: each chain the input declares is flushed, then the input's rules are appended. */
        static String noflush(String table, String input) {
            List<String> declared = input.lines().filter(l -> l.startsWith(":")).map(l -> l.substring(1).split(" ")[0]).toList();
            StringBuilder out = new StringBuilder();
            for (String l : table.lines().toList()) {
                if (l.equals("COMMIT")) {
                    input.lines().filter(x -> x.startsWith("-A ")).forEach(x -> out.append(x).append('\n'));
                }
                if (l.startsWith("-A ") && declared.contains(l.split(" ")[1])) continue;
                out.append(l).append('\n');
            }
            return out.toString();
        }

        void flush(String chain) {
            v4.put("filter", v4.get("filter").lines().filter(l -> !l.startsWith("-A " + chain + " "))
                    .map(l -> l + "\n").reduce("", String::concat));
        }
    }

    @Test
    void aChangeMadeDuringARepairsReadBackIsStillFoundByTheNextCheck() {
        TextKernel k = new TextKernel();
        DataplaneEnforcer e = new DataplaneEnforcer(Backends.create(k.runner(), Backends.Choice.IPTABLES));
        AppliedSnapshot applied = e.apply(policy());
        assertThat(e.check()).isEmpty();
        k.flush("CORDON-INPUT");
        assertThat(e.check()).extracting(TamperChange::kind).contains("chain_flushed");

        k.afterRestore = () -> k.flush("CORDON-INPUT"); // someone flushes again right after the repair writes
        e.repair(); // a targeted repair (the one chain, --noflush) reads nothing back; a whole re-apply would
        assertThat(e.current()).as("the applied state stays what was applied, not what the kernel held after")
                .get().extracting(AppliedSnapshot::owned).isEqualTo(applied.owned());
        assertThat(e.check()).extracting(TamperChange::kind).contains("chain_flushed");

        k.afterRestore = () -> {};
        assertThat(e.repair().owned()).isEqualTo(applied.owned());
        assertThat(e.check()).isEmpty();
    }

    @Test
    void tamperChangesKeepFamilyTableChainRuleAndKind() {
        TamperChange c = DataplaneEnforcer.change(new Change(Family.V4, "filter", "INPUT", "-j DROP", ChangeKind.FOREIGN_RULE));
        assertThat(c).isEqualTo(new TamperChange("IPv4", "filter", "INPUT", "-j DROP", "foreign_rule"));
    }

    @Test
    void aSnapshotFileFromBeforeBackendsWereNamedIsReadAndWatched() throws Exception {
        TextKernel k = new TextKernel();
        Dataplane dp = Backends.create(k.runner(), Backends.Choice.IPTABLES);
        String old = java.nio.file.Files.readString(java.nio.file.Path.of(
                "../cordon-dataplane/src/test/resources/snapshots/applied-iptables-before-backends.json"));
        AppliedState previous = Backends.fromJson(old);
        for (dev.cordon.dataplane.iptables.save.SavedTable t : ((dev.cordon.dataplane.iptables.snapshot.IptablesSnapshot) previous).tables(dev.cordon.dataplane.Family.V4).values()) {
            k.v4.put(t.table(), t.restoreText());
        }
        dp.resume(previous);
        DataplaneEnforcer e = new DataplaneEnforcer(dp);
        assertThat(e.current()).get().extracting(AppliedSnapshot::backend, AppliedSnapshot::policyHash)
                .containsExactly("iptables", "2085d8e8d065d435edf8aae3b55f56c3");
        assertThat(e.check()).filteredOn(c -> c.family().equals("IPv4") && !c.table().equals("ipset")).isEmpty();
        k.flush("CORDON-INPUT");
        assertThat(e.check()).extracting(TamperChange::kind).contains("chain_flushed");
    }
}
