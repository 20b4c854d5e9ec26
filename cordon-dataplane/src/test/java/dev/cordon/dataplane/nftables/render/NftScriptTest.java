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
        List<String> blocks = java.util.Arrays.stream(peers).map(a -> a.contains("/") ? a : a + "/32").toList();
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
    void aClassSetKeepsItsSingleAddressesInAHashSetAndItsBlocksInAnIntervalSet() {
        NftDesired d = allow("192.0.2.10", "10.1.0.0/24");
        NftTable t = d.table(Family.V4).orElseThrow();
        NftSet hosts = t.sets().stream().filter(s -> s.name().equals("cordon-in-al-4")).findFirst().orElseThrow();
        NftSet nets = t.sets().stream().filter(s -> s.name().equals("cordon-in-al-4-net")).findFirst().orElseThrow();
        assertThat(hosts.interval()).isFalse();
        assertThat(hosts.elements()).containsExactly("192.0.2.10 . tcp . 80");
        assertThat(nets.interval()).isTrue();
        assertThat(nets.elements()).containsExactly("10.1.0.0/24 . tcp . 80");
        assertThat(NftScript.full(d, "")).contains("\tset cordon-in-al-4 {\n\t\ttype ipv4_addr . inet_proto . inet_service\n\t}\n")
                .contains("\tset cordon-in-al-4-net {\n\t\ttype ipv4_addr . inet_proto . inet_service\n\t\tflags interval\n\t}\n");
        List<String> in = t.chains().stream().filter(c -> c.name().equals("CORDON-INPUT")).findFirst().orElseThrow().rules();
        assertThat(in).filteredOn(r -> r.contains("@cordon-in-al-4")).extracting(r -> r.replaceAll(" jump .*", ""))
                .containsExactly("ip saddr . meta l4proto . th dport @cordon-in-al-4",
                        "ip saddr . meta l4proto . th dport @cordon-in-al-4-net");
        assertThat(allow("192.0.2.10").table(Family.V4).orElseThrow().sets()).extracting(NftSet::name)
                .as("no empty part").containsExactly("cordon-in-al-4");

        String inc = NftScript.incremental(allow("192.0.2.10"), d, "");
        assertThat(inc).contains("add set ip cordon cordon-in-al-4-net { type ipv4_addr . inet_proto . inet_service; flags interval; }")
                .contains("add element ip cordon cordon-in-al-4-net { 10.1.0.0/24 . tcp . 80 }");
        assertThat(NftScript.incremental(d, allow("192.0.2.10"), "")).contains("delete set ip cordon cordon-in-al-4-net");
    }

    @Test
    void theBaseChainsAcceptEstablishedConnectionsFirst() {
        for (Coexistence c : List.of(Coexistence.EXCLUSIVE, Coexistence.PRIMARY)) {
            NftTable t = NftRenderer.render(Policies.allowOne("192.0.2.10", 80, EnforcementMode.FULL, c)).table(Family.V4).orElseThrow();
            for (String base : List.of("filter-input", "filter-output")) {
                assertThat(t.chains().stream().filter(ch -> ch.name().equals(base)).findFirst().orElseThrow().rules())
                        .as("%s %s", c, base).first().isEqualTo("ct state established,related accept");
            }
        }
        NftTable np = NftRenderer.render(Policies.allowOne("192.0.2.10", 80, EnforcementMode.FULL, Coexistence.NOT_PRIMARY))
                .table(Family.V4).orElseThrow();
        assertThat(np.chains().stream().filter(ch -> ch.name().equals("filter-input")).findFirst().orElseThrow().rules())
                .as("not primary: after the pass mark is read and cleared")
                .containsExactly("meta mark & 0x00800000 == 0 accept", "meta mark set meta mark & 0xff7fffff",
                        "ct state established,related accept", "jump CORDON-INPUT");
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
