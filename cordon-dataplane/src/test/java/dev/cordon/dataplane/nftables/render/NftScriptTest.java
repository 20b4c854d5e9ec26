package dev.cordon.dataplane.nftables.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.Policies;
import dev.cordon.dataplane.plan.Cidr;
import dev.cordon.dataplane.plan.PlanSet;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batches: incremental only between equal base chains, deltas of elements only; overlapping blocks left out. */
class NftScriptTest {
    private static NftDesired allow(String... peers) {
        FirewallPolicy p = Policies.allowOne(peers[0], 80, EnforcementMode.FULL, Coexistence.PRIMARY);
        List<String> blocks = java.util.Arrays.stream(peers).map(a -> a + "/32").toList();
        p = FirewallPolicy.of(p.workload(), 1, p.enforcementMode(), p.coexistence(),
                List.of(new dev.cordon.policy.compile.AddressSet("speer", "peer", blocks, List.of())), p.inbound(),
                p.outbound(), List.of(), p.controlPlane());
        return NftRenderer.render(p);
    }

    @Test
    void anIncrementalBatchAddsAndDeletesOnlyTheChangedElementsAndRewritesTheChains() {
        NftDesired a = allow("192.0.2.10", "192.0.2.11");
        NftDesired b = allow("192.0.2.10", "192.0.2.12");
        assertThat(NftScript.canIncrement(a, b)).isTrue();
        String inc = NftScript.incremental(a, b, "");
        assertThat(inc).contains("delete element ip cordon cordon-in-al-4 { 192.0.2.11 . tcp . 80 }")
                .contains("add element ip cordon cordon-in-al-4 { 192.0.2.12 . tcp . 80 }")
                .doesNotContain("192.0.2.10 . tcp")
                .contains("flush chain ip cordon CORDON-INPUT", "add rule ip cordon CORDON-INPUT ct state established,related accept")
                .doesNotContain("delete table");
    }

    @Test
    void aChangeOfCoexistenceStateReplacesTheTablesWhole() {
        NftDesired primary = allow("192.0.2.10");
        FirewallPolicy np = Policies.allowOne("192.0.2.10", 80, EnforcementMode.FULL, Coexistence.NOT_PRIMARY);
        assertThat(NftScript.canIncrement(primary, NftRenderer.render(np))).isFalse();
        assertThat(NftScript.canIncrement(null, primary)).isFalse();
        assertThat(NftScript.full(primary, "delete table inet distro\n"))
                .startsWith("add table ip cordon\ndelete table ip cordon\nadd table ip6 cordon\ndelete table ip6 cordon\n")
                .endsWith("delete table inet distro\n");
    }

    @Test
    void blocksCoveredByAnotherBlockOfTheSameSetAndPortAreLeftOut() {
        List<PlanSet.Member> members = List.of(
                new PlanSet.Member(Cidr.parse("10.0.0.0/8"), "tcp", 80),
                new PlanSet.Member(Cidr.parse("10.1.0.0/16"), "tcp", 80),
                new PlanSet.Member(Cidr.parse("10.1.0.0/16"), "tcp", 81),
                new PlanSet.Member(Cidr.parse("10.1.2.3"), "tcp", 80),
                new PlanSet.Member(Cidr.parse("11.0.0.1"), "tcp", 80));
        assertThat(NftRenderer.withoutCovered(members)).extracting(PlanSet.Member::toString)
                .containsExactly("10.0.0.0/8,tcp:80", "10.1.0.0/16,tcp:81", "11.0.0.1,tcp:80");
        assertThat(NftRenderer.withoutCovered(List.of(PlanSet.Member.peer(Cidr.parse("fd00::/8")),
                PlanSet.Member.peer(Cidr.parse("fd00:1::1"))))).hasSize(1);
        assertThat(Family.V6).isNotNull();
    }
}
