package dev.cordon.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.Policies;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cordon beside a Docker-like ruleset (DOCKER and DOCKER-USER chains in filter, MASQUERADE and DOCKER in nat, a
 * foreign ACCEPT-all in INPUT), with real TCP between namespaces. The policy allows 9100/tcp from 192.0.2.10
 * only; 192.0.2.11 is not allowed.
 *
 * <p>Run once per backend ({@link IptablesCoexistenceKernelTest} for iptables). The foreign rules are iptables rules,
 * as Docker writes them, whatever the backend; the verdicts are real connections. Where Cordon's jumps sit is read
 * from {@code iptables-save}, which a backend that writes no iptables rules will have to check its own way.
 */
abstract class CoexistenceKernelSuite {
    /** The backend under test. */
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
        server.listen(Set.of("tcp:9100", "tcp:7000"));
        for (List<String> r : List.of(
                List.of("-N", "DOCKER"), List.of("-N", "DOCKER-USER"),
                List.of("-A", "FORWARD", "-j", "DOCKER-USER"), List.of("-A", "FORWARD", "-j", "DOCKER"),
                List.of("-A", "DOCKER-USER", "-j", "RETURN"),
                List.of("-t", "nat", "-N", "DOCKER"),
                List.of("-t", "nat", "-A", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "DOCKER"),
                List.of("-t", "nat", "-A", "POSTROUTING", "-s", "172.17.0.0/16", "!", "-o", "docker0", "-j", "MASQUERADE"),
                List.of("-A", "INPUT", "-m", "comment", "--comment", "foreign-accept-all", "-j", "ACCEPT"))) {
            server.iptables(r);
        }
        assertThat(other.reaches(server.address, 9100, "tcp")).as("before Cordon, the foreign ACCEPT lets everyone in").isTrue();
    }

    @AfterEach
    void tearDown() {
        lab.close();
    }

    private Dataplane apply(Coexistence c) {
        Dataplane dp = server.dataplane(backend());
        dp.apply(Policies.allowOne("192.0.2.10", 9100, EnforcementMode.FULL, c));
        return dp;
    }

    @Test
    void exclusiveRemovesTheForeignRulesetAndEnforcesAlone() {
        apply(Coexistence.EXCLUSIVE);
        String save = server.save();
        assertThat(save).doesNotContain("DOCKER").doesNotContain("MASQUERADE").doesNotContain("foreign-accept-all");
        assertThat(allowed.reaches(server.address, 9100, "tcp")).isTrue();
        assertThat(other.reaches(server.address, 9100, "tcp")).isFalse();
        assertThat(allowed.reaches(server.address, 7000, "tcp")).isFalse();
    }

    @Test
    void primaryKeepsTheForeignRulesetStaysFirstAndBlocksDespiteForeignAccept() {
        Dataplane dp = apply(Coexistence.PRIMARY);
        String save = server.save();
        assertThat(save).contains(":DOCKER - ", ":DOCKER-USER - ", "MASQUERADE", "foreign-accept-all");
        if (backend() == Backends.Choice.IPTABLES) {
            assertThat(firstRule(save, "INPUT")).contains("--comment cordon").contains("-j CORDON-INPUT");
        } else {
            // nftables: Cordon's own base chain runs before iptables-nft's filter chains (priority 0)
            assertThat(server.run("nft", "list", "chain", "ip", "cordon", "filter-input").stdout())
                    .contains("hook input priority filter - 5");
        }
        assertThat(allowed.reaches(server.address, 9100, "tcp")).isTrue();
        assertThat(other.reaches(server.address, 9100, "tcp")).as("blocked traffic never reaches the foreign ACCEPT").isFalse();
        assertThat(dp.check().changes()).isEmpty();
    }

    @Test
    void notPrimaryLetsTheForeignAcceptWin() {
        apply(Coexistence.NOT_PRIMARY);
        String save = server.save();
        assertThat(save).contains("foreign-accept-all", ":DOCKER - ");
        assertThat(firstRule(save, "INPUT")).contains("foreign-accept-all");
        assertThat(other.reaches(server.address, 9100, "tcp")).isTrue();
    }

    @Test
    void removeTakesCordonAwayAndLeavesTheForeignRules() {
        Dataplane dp = apply(Coexistence.PRIMARY);
        dp.remove();
        String save = server.save();
        assertThat(save).doesNotContain("CORDON").contains("foreign-accept-all", "MASQUERADE");
        assertThat(server.run("ipset", "list", "-n").stdout()).doesNotContain("cordon");
        assertThat(save).doesNotContain("cordon-pass");
        if (backend() == Backends.Choice.NFTABLES) assertThat(server.run("nft", "list", "tables").stdout()).doesNotContain("cordon");
    }

    /** The first rule of a filter-table chain (mangle has chains of the same names, and Cordon jumps there too). */
    static String firstRule(String save, String chain) {
        String filter = save.substring(Math.max(0, save.indexOf("*filter")));
        return filter.lines().takeWhile(l -> !l.equals("COMMIT")).filter(l -> l.startsWith("-A " + chain + " "))
                .findFirst().orElse("");
    }
}
