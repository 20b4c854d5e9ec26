package dev.cordon.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.CoexistenceIssue;
import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.Policies;
import dev.cordon.dataplane.SavedFirewall;
import dev.cordon.dataplane.TamperReport;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.dataplane.foreign.CoexistenceLimits;
import dev.cordon.dataplane.harness.OwnedTable;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.model.EnforcementMode;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cordon beside a native nftables firewall, as Debian's nftables.service or an administrator writes it (issue 13):
 * {@code table inet distro} drops tcp/2222 in its own input base chain at priority 0. The policy allows 2222/tcp from
 * 192.0.2.10 only. Real connections decide. Run once per backend: iptables-save never shows such a table, so the
 * iptables backend needs the same guarantees as the nftables one.
 */
abstract class ForeignNftKernelSuite {
    static final String DISTRO = "table inet distro {\n"
            + "\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n\t\ttcp dport 2222 drop\n\t}\n}\n";

    protected abstract Backends.Choice backend();

    private Lab lab;
    private Lab.Host server;
    private Lab.Host allowed;
    private Lab.Host other;

    @BeforeEach
    void setUp() {
        lab = Lab.create();
        server = lab.host("10.2.0.1");
        allowed = lab.host("192.0.2.10");
        other = lab.host("192.0.2.11");
        server.listen(Set.of("tcp:2222", "tcp:7000"));
        loadDistro();
        assertThat(allowed.reaches(server.address, 2222, "tcp")).as("before Cordon the distro table drops 2222").isFalse();
    }

    @AfterEach
    void tearDown() {
        lab.close();
    }

    private void loadDistro() {
        server.runWithInput(DISTRO, "nft", "-f", "-");
    }

    private Dataplane apply(Coexistence c) {
        Dataplane dp = server.dataplane(backend());
        dp.apply(Policies.allowOne("192.0.2.10", 2222, EnforcementMode.FULL, c));
        return dp;
    }

    private String tables() {
        return server.run("nft", "list", "tables").stdout();
    }

    @Test
    void exclusiveSetsTheForeignTableAsideAndUnpairSavedBringsItBack() {
        Dataplane dp = server.dataplane(backend());
        SavedFirewall saved = dp.saveFirewall();
        assertThat(saved.nftables()).contains("table inet distro", "tcp dport 2222 drop");
        dp.apply(Policies.allowOne("192.0.2.10", 2222, EnforcementMode.FULL, Coexistence.EXCLUSIVE));
        assertThat(tables()).doesNotContain("distro");
        assertThat(allowed.reaches(server.address, 2222, "tcp")).as("Cordon's allow is not undone by the foreign drop").isTrue();
        assertThat(other.reaches(server.address, 2222, "tcp")).isFalse();
        assertThat(allowed.reaches(server.address, 7000, "tcp")).isFalse();
        assertThat(dp.checkFull().changes()).isEmpty();
        dp.restoreFirewall(saved);
        assertThat(tables()).contains("table inet distro").doesNotContain("cordon");
        assertThat(allowed.reaches(server.address, 2222, "tcp")).isFalse();
        assertThat(other.reaches(server.address, 7000, "tcp")).as("the host's own firewall again, Cordon gone").isTrue();
    }

    @Test
    void exclusiveTreatsAForeignTableAppearingLaterAsTamperingAndUndoesIt() {
        Dataplane dp = apply(Coexistence.EXCLUSIVE);
        loadDistro();
        assertThat(allowed.reaches(server.address, 2222, "tcp")).isFalse();
        TamperReport r = dp.check();
        assertThat(r.changes()).as(r.describe()).extracting(Change::kind).contains(ChangeKind.FOREIGN_CHAIN);
        assertThat(r.describe()).contains("inet distro");
        dp.repair();
        assertThat(dp.checkFull().changes()).isEmpty();
        assertThat(tables()).doesNotContain("distro");
        assertThat(allowed.reaches(server.address, 2222, "tcp")).isTrue();
    }

    @Test
    void primaryKeepsTheForeignTableAndItsDropStillCounts() {
        Dataplane dp = apply(Coexistence.PRIMARY);
        assertThat(tables()).contains("distro");
        assertThat(allowed.reaches(server.address, 2222, "tcp")).as("allowed by Cordon, dropped by the other firewall").isFalse();
        assertThat(other.reaches(server.address, 2222, "tcp")).isFalse();
        assertThat(other.reaches(server.address, 7000, "tcp")).as("Cordon's drop is final").isFalse();
        assertThat(dp.checkFull().changes()).as("a foreign table is not tampering in coexistence").isEmpty();
        assertThat(dp.coexistenceIssues()).as("the distro chain at priority 0 runs after Cordon's").isEmpty();

        // a foreign chain that runs before Cordon decides: primary holds only in part, and the health says so
        server.runWithInput("table inet early {\n\tchain input {\n\t\ttype filter hook input priority -250; policy accept;\n"
                + "\t}\n}\n", "nft", "-f", "-");
        assertThat(dp.check().changes()).as("a foreign table is not tampering in coexistence").isEmpty();
        assertThat(dp.coexistenceIssues()).as("found by the next check").extracting(CoexistenceIssue::type)
                .containsExactly(CoexistenceLimits.PRIMARY);
        assertThat(dp.coexistenceIssues().get(0).message()).contains("inet early", "priority -250", "connection tracking");
    }

    @Test
    void notPrimaryKeepsTheForeignTableAndBothMustAllow() {
        Dataplane dp = apply(Coexistence.NOT_PRIMARY);
        assertThat(tables()).contains("distro");
        assertThat(allowed.reaches(server.address, 2222, "tcp")).isFalse();
        assertThat(other.reaches(server.address, 7000, "tcp")).as("nobody accepted it before Cordon: Cordon decides").isFalse();
        assertThat(dp.checkFull().changes()).isEmpty();
        assertThat(dp.coexistenceIssues()).as("never silently weaker: the health says both must allow")
                .extracting(CoexistenceIssue::type).containsExactly(CoexistenceLimits.NOT_PRIMARY);
        assertThat(dp.coexistenceIssues().get(0).message()).contains("inet distro");
    }

    @Test
    void exclusiveSaysSoWhenATableItMayNotTouchStaysAndStillEnforces() {
        try (OwnedTable owned = OwnedTable.create(server.ns, "owned")) {
            assertThat(tables()).contains("inet owned");
            Dataplane dp = apply(Coexistence.EXCLUSIVE);
            assertThat(tables()).as("the distro table is set aside, the owned one cannot be").contains("inet owned")
                    .doesNotContain("distro");
            assertThat(dp.coexistenceIssues()).extracting(CoexistenceIssue::type).containsExactly(CoexistenceLimits.EXCLUSIVE);
            assertThat(dp.coexistenceIssues().get(0).severity()).isEqualTo("error");
            assertThat(dp.coexistenceIssues().get(0).message()).contains("inet owned");
            assertThat(dp.checkFull().changes()).as("not tampering: no repair could remove it").isEmpty();
            assertThat(allowed.reaches(server.address, 2222, "tcp")).as("Cordon's policy is in force").isTrue();
            assertThat(other.reaches(server.address, 2222, "tcp")).isFalse();
        }
    }
}
