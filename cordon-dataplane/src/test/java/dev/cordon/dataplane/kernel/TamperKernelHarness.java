package dev.cordon.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.TamperReport;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.policy.compile.FirewallPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the tamper kernel tests of both backends share: one host in a fresh lab, a policy applied and checked clean,
 * and "tamper with these commands, expect this kind of change on this chain, repair, clean again". Each backend's
 * test keeps its own tampering commands (they are the backend's own tools).
 */
abstract class TamperKernelHarness {
    protected Lab lab;
    protected Lab.Host host;

    @BeforeEach
    void setUpLab() {
        lab = Lab.create();
        host = lab.host("10.2.0.1");
    }

    @AfterEach
    void tearDownLab() {
        lab.close();
    }

    /** A dataplane of {@code backend} with {@code policy} applied, checked clean. */
    protected Dataplane applied(Backends.Choice backend, FirewallPolicy policy) {
        Dataplane dp = host.dataplane(backend);
        dp.apply(policy);
        assertThat(dp.checkFull().changes()).as("fresh apply is clean").isEmpty();
        return dp;
    }

    protected void expectDetectedAndRepaired(Dataplane dp, ChangeKind kind, String chain, String... tamper) {
        host.run(tamper);
        TamperReport r = dp.check();
        assertThat(r.changes()).as(r.describe()).extracting(Change::kind).contains(kind);
        assertThat(r.changes()).filteredOn(c -> c.kind() == kind).extracting(Change::chain).contains(chain);
        dp.repair();
        assertThat(dp.checkFull().changes()).as("after repair").isEmpty();
    }
}
