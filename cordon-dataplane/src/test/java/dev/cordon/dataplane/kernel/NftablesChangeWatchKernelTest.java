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

/** {@link ChangeWatchKernelSuite} on the nftables backend. */
class NftablesChangeWatchKernelTest extends ChangeWatchKernelSuite {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.NFTABLES;
    }

    @Override
    protected List<String> tamper() {
        return List.of("nft", "flush", "chain", "ip", "cordon", "CORDON-INPUT");
    }

    @Override
    protected List<String> unrelated() {
        return List.of("nft", "add", "table", "inet", "distro");
    }

    /**
     * With the watch on, the check after a notification reads what changed from the notification itself (no listing:
     * the report is not a full one although these sets are small enough to be listed whole on every poll), and the
     * repair puts back that chain or set; each kind of foreign change in turn.
     */
    @Test
    void eachKindOfForeignChangeIsReadFromItsNotificationAndRepaired() throws InterruptedException {
        {
            dp.apply(Policies.richNoCustom(EnforcementMode.FULL, Coexistence.PRIMARY));
            assertThat(dp.checkFull().changes()).isEmpty();
            Semaphore kick = new Semaphore(0);
            try (ChangeWatch watch = dp.watch(kick::release)) {
                assertThat(watch.live()).isTrue();
                Object[][] cases = {
                    {ChangeKind.CHAIN_FLUSHED, "CORDON-INPUT", new String[] {"nft", "flush", "chain", "ip", "cordon", "CORDON-INPUT"}},
                    {ChangeKind.RULE_ADDED, "CORDON-OUTPUT", new String[] {"nft", "insert", "rule", "ip6", "cordon", "CORDON-OUTPUT", "accept"}},
                    {ChangeKind.SET_MEMBER_REMOVED, "cordon-in-al-4",
                        new String[] {"nft", "delete", "element", "ip", "cordon", "cordon-in-al-4", "{ 10.1.1.7 . tcp . 443 }"}},
                    {ChangeKind.POLICY_CHANGED, "filter-forward", new String[] {"nft", "chain", "ip", "cordon", "filter-forward", "{ policy drop; }"}},
                    {ChangeKind.CHAIN_DELETED, "CORDON-INPUT", new String[] {"nft", "delete", "table", "ip", "cordon"}},
                };
                for (Object[] c : cases) {
                    kick.drainPermits();
                    host.run((String[]) c[2]);
                    assertThat(kick.tryAcquire(20, TimeUnit.SECONDS)).as("announced: " + c[0]).isTrue();
                    TamperReport r = dp.check();
                    assertThat(r.fullCheck()).as("read from the notification, not a listing").isFalse();
                    assertThat(r.changes()).as(r.describe()).filteredOn(x -> x.kind() == c[0]).extracting(Change::chain)
                            .contains((String) c[1]);
                    dp.repair();
                    assertThat(dp.checkFull().changes()).as("after repair of " + c[0]).isEmpty();
                }
            }
        }
    }
}
