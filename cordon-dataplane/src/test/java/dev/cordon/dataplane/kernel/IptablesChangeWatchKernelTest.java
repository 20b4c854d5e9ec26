package dev.cordon.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.ChangeWatch;
import dev.cordon.dataplane.Policies;
import dev.cordon.dataplane.TamperReport;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ChangeWatchKernelSuite} on the iptables backend (iptables-nft: its commits are nf_tables transactions). */
class IptablesChangeWatchKernelTest extends ChangeWatchKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.IPTABLES;
    }

    @Override
    protected List<String> tamper() {
        return List.of("iptables", "-w", "-F", "CORDON-INPUT");
    }

    @Override
    protected List<String> unrelated() {
        return List.of("nft", "add", "table", "inet", "distro");
    }

    /**
     * With the watch on, a foreign change to the rules of a Cordon chain is read from its notification (no listing)
     * and that chain alone is restored; a change the notes cannot judge (a foreign rule in a built-in chain, and the
     * table deleted) goes through the listing and is repaired too.
     */
    @Test
    void foreignChangesToCordonChainsAreReadFromTheirNotificationAndRepaired() throws InterruptedException {
        dp.apply(Policies.rich(EnforcementMode.FULL, Coexistence.PRIMARY));
        assertThat(dp.checkFull().changes()).isEmpty();
        Semaphore kick = new Semaphore(0);
        try (ChangeWatch watch = dp.watch(kick::release)) {
            assertThat(watch.live()).isTrue();
            Object[][] cases = {
                {ChangeKind.CHAIN_FLUSHED, "CORDON-INPUT", true, new String[] {"iptables", "-w", "-F", "CORDON-INPUT"}},
                {ChangeKind.RULE_ADDED, "CORDON-OUTPUT", true, new String[] {"ip6tables", "-w", "-I", "CORDON-OUTPUT", "1", "-j", "ACCEPT"}},
                {ChangeKind.RULE_DELETED, "CORDON-INPUT", true, new String[] {"iptables", "-w", "-D", "CORDON-INPUT", "3"}},
                {ChangeKind.CHAIN_DELETED, "CORDON-INPUT", false, new String[] {"nft", "delete", "table", "ip", "filter"}},
            };
            for (Object[] c : cases) {
                kick.drainPermits();
                host.run((String[]) c[3]);
                assertThat(kick.tryAcquire(20, TimeUnit.SECONDS)).as("announced: " + c[0]).isTrue();
                TamperReport r = dp.check();
                if ((boolean) c[2]) assertThat(r.fullCheck()).as("read from the notification").isFalse();
                assertThat(r.changes()).as(r.describe()).filteredOn(x -> x.kind() == c[0]).extracting(Change::chain)
                        .contains((String) c[1]);
                dp.repair();
                assertThat(dp.checkFull().changes()).as("after repair of " + c[0]).isEmpty();
            }
        }
    }
}
