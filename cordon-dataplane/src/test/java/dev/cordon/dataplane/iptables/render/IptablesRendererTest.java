package dev.cordon.dataplane.iptables.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.Policies;
import dev.cordon.policy.compile.Action;
import dev.cordon.policy.compile.AddressSet;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.PolicyEntry;
import dev.cordon.policy.model.EnforcementMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IptablesRendererTest {
    private static List<String> rules(DesiredState s, Family f, String table, String chain) {
        return s.tables(f).stream().filter(t -> t.table().equals(table)).flatMap(t -> t.chains().stream())
                .filter(c -> c.name().equals(chain)).findFirst().orElseThrow().rules();
    }

    @Test
    void samePolicyGivesByteIdenticalText() {
        assertThat(IptablesRenderer.render(Policies.rich(EnforcementMode.FULL, Coexistence.PRIMARY)).text())
                .isEqualTo(IptablesRenderer.render(Policies.rich(EnforcementMode.FULL, Coexistence.PRIMARY)).text());
    }

    @Test
    void ruleCountDoesNotGrowWithPortEntries() {
        List<PolicyEntry> in = new ArrayList<>();
        List<AddressSet> sets = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            sets.add(new AddressSet("s" + i, "peers " + i, List.of("10." + (i / 250) + "." + (i % 250) + ".0/24"), List.of()));
            in.add(Policies.entry(Action.ALLOW, "s" + i, 6, 1000 + i, null, false, "/r/" + i));
        }
        FirewallPolicy p = FirewallPolicy.of(Policies.WEB, 1, EnforcementMode.FULL, Coexistence.EXCLUSIVE, sets, in,
                List.of(), List.of(), List.of());
        DesiredState s = IptablesRenderer.render(p);
        assertThat(rules(s, Family.V4, "filter", "CORDON-INPUT")).hasSizeLessThan(10);
        assertThat(s.sets()).extracting(SetSpec::name).containsExactly("cordon-in-al-4");
        assertThat(s.sets().get(0).members()).hasSize(1000).contains("10.0.0.0/24,tcp:1000");
    }

    @Test
    void passIsReturnWhenPrimaryAndAcceptOtherwise() {
        for (Coexistence c : Coexistence.values()) {
            DesiredState s = IptablesRenderer.render(Policies.allowOne("192.0.2.10", 80, EnforcementMode.SELECTIVE, c));
            List<String> in = rules(s, Family.V4, "filter", "CORDON-INPUT");
            assertThat(in.get(in.size() - 1)).isEqualTo(c == Coexistence.PRIMARY ? "-j RETURN" : "-j ACCEPT");
        }
    }

    @Test
    void defaultFollowsMode() {
        assertThat(last(EnforcementMode.FULL)).isEqualTo("-j DROP");
        assertThat(last(EnforcementMode.SELECTIVE)).isEqualTo("-j ACCEPT");
        DesiredState vis = IptablesRenderer.render(Policies.allowOne("192.0.2.10", 80, EnforcementMode.VISIBILITY_ONLY, Coexistence.EXCLUSIVE));
        List<String> in = rules(vis, Family.V4, "filter", "CORDON-INPUT");
        assertThat(in.get(in.size() - 3)).contains("-j LOG --log-prefix \"cordon-pb \"").contains("-m limit");
        assertThat(in.get(in.size() - 2)).contains("-j CONNMARK"); // the flow tag (traffic-capture.md)
        assertThat(in.get(in.size() - 1)).isEqualTo("-j ACCEPT");
    }

    private static String last(EnforcementMode m) {
        List<String> in = rules(IptablesRenderer.render(Policies.allowOne("192.0.2.10", 80, m, Coexistence.EXCLUSIVE)), Family.V4, "filter", "CORDON-INPUT");
        return in.get(in.size() - 1);
    }

    @Test
    void idleRendersNothing() {
        DesiredState s = IptablesRenderer.render(Policies.rich(EnforcementMode.IDLE, Coexistence.EXCLUSIVE));
        assertThat(s.tables()).isEmpty();
        assertThat(s.sets()).isEmpty();
    }

    @Test
    void exclusiveRewritesAllFourTablesAndCoexistenceOnlyTheOnesItUses() {
        DesiredState ex = IptablesRenderer.render(Policies.allowOne("192.0.2.10", 80, EnforcementMode.FULL, Coexistence.EXCLUSIVE));
        assertThat(ex.tables(Family.V4)).extracting(TableSpec::table).containsExactly("raw", "mangle", "nat", "filter");
        DesiredState co = IptablesRenderer.render(Policies.allowOne("192.0.2.10", 80, EnforcementMode.FULL, Coexistence.PRIMARY));
        assertThat(co.tables(Family.V4)).extracting(TableSpec::table).containsExactly("mangle", "filter");
    }

    @Test
    void zeroPrefixIsSplitIntoHalvesInClassSetsAndMatchedWithoutSetElsewhere() {
        DesiredState s = IptablesRenderer.render(Policies.rich(EnforcementMode.FULL, Coexistence.EXCLUSIVE));
        SetSpec od = s.sets().stream().filter(x -> x.name().equals("cordon-in-od-4")).findFirst().orElseThrow();
        assertThat(od.members()).containsExactly("0.0.0.0/1,tcp:23", "128.0.0.0/1,tcp:23");
        assertThat(s.sets()).extracting(SetSpec::name).doesNotContain("cordon-sany-4");
        assertThat(rules(s, Family.V4, "filter", "CORDON-INPUT")).contains("-p icmp -m icmp --icmp-type 8/0 -m comment --comment \"rule /orgs/1/sec_rules/4\" -j ACCEPT");
    }

    @Test
    void statelessAllowGetsNotrackBothWaysAndReturnAccept() {
        DesiredState s = IptablesRenderer.render(Policies.rich(EnforcementMode.FULL, Coexistence.EXCLUSIVE));
        assertThat(rules(s, Family.V4, "raw", "CORDON-PREROUTING")).contains(
                "-m set --match-set cordon-in-sl-4 src,dst -j CT --notrack",
                "-m set --match-set cordon-out-sl-4 src,src -j CT --notrack");
        assertThat(rules(s, Family.V4, "raw", "CORDON-OUTPUT")).contains(
                "-m set --match-set cordon-in-sl-4 dst,src -j CT --notrack",
                "-m set --match-set cordon-out-sl-4 dst,dst -j CT --notrack");
        assertThat(rules(s, Family.V4, "filter", "CORDON-OUTPUT")).contains("-m set --match-set cordon-in-sl-4 dst,src -j ACCEPT");
    }

    @Test
    void customStatementsLiveInTheirOwnChainJumpedBeforeTheDefault() {
        DesiredState s = IptablesRenderer.render(Policies.rich(EnforcementMode.FULL, Coexistence.PRIMARY));
        List<String> in = rules(s, Family.V4, "filter", "CORDON-INPUT");
        assertThat(in.subList(in.size() - 3, in.size())).containsExactly("-j CORDON-C-FILTER-INPUT",
                "-m limit --limit 50/sec --limit-burst 100 -j NFLOG --nflog-prefix \"cordon D 0\" --nflog-group 1703"
                        + " --nflog-size 128 --nflog-threshold 16", "-j DROP");
        assertThat(rules(s, Family.V4, "filter", "CORDON-C-FILTER-INPUT")).containsExactly("-p tcp --dport 2222 -j ACCEPT");
        assertThat(rules(s, Family.V4, "nat", "CORDON-POSTROUTING")).containsExactly("-j CORDON-C-NAT-POSTROUTING");
        assertThat(rules(s, Family.V6, "mangle", "CORDON-C-MANGLE-PREROUTING")).hasSize(1);
        assertThat(s.tables(Family.V6).stream().filter(t -> t.table().equals("nat"))).isEmpty();
    }

    @Test
    void everyJumpCarriesTheCordonComment() {
        DesiredState s = IptablesRenderer.render(Policies.rich(EnforcementMode.FULL, Coexistence.NOT_PRIMARY));
        assertThat(s.tables().stream().flatMap(t -> t.jumps().stream()).map(JumpSpec::rule))
                .isNotEmpty().allMatch(r -> r.startsWith("-m comment --comment \"cordon\" -j CORDON-")
                        || r.startsWith(JumpSpec.NEW + "-m comment --comment \"cordon\" -j CORDON-"))
                .allMatch(JumpSpec::isCordonJump);
    }

    @Test
    void publishedPortChainsAreJumpedToByNewConnectionsOnlyUnlessCustomMangleRulesShareThem() {
        // the published-port judgement, its mark and its tag concern a connection's first packet; every later
        // packet must cost what the minimal stateful firewall costs, so it never enters these chains. IPv6 of the
        // rich policy has a custom mangle PREROUTING statement: that chain sees every packet
        DesiredState s = IptablesRenderer.render(Policies.rich(EnforcementMode.FULL, Coexistence.EXCLUSIVE));
        java.util.function.BiFunction<Family, String, String> jump = (f, builtin) -> s.tables(f).stream()
                .filter(t -> t.table().equals("mangle")).flatMap(t -> t.jumps().stream())
                .filter(j -> j.builtin().equals(builtin)).findFirst().orElseThrow().rule();
        for (String builtin : List.of("PREROUTING", "INPUT", "FORWARD")) {
            assertThat(jump.apply(Family.V4, builtin)).isEqualTo(JumpSpec.NEW + "-m comment --comment \"cordon\" -j CORDON-" + builtin);
        }
        assertThat(jump.apply(Family.V6, "PREROUTING")).isEqualTo("-m comment --comment \"cordon\" -j CORDON-PREROUTING");
        assertThat(jump.apply(Family.V6, "INPUT")).startsWith(JumpSpec.NEW);
        assertThat(s.tables().stream().filter(t -> !t.table().equals("mangle")).flatMap(t -> t.jumps().stream()))
                .as("filter, nat and raw jumps judge every packet").allMatch(j -> j.match().isEmpty());
    }

    @Test
    void publishedPortsAreJudgedInMangleByTheHostsInboundRulesBeforeDnat() {
        String nflog = " -m limit --limit 50/sec --limit-burst 100 -j NFLOG --nflog-prefix \"%s\" --nflog-group 1703"
                + " --nflog-size 128 --nflog-threshold 16";
        for (Coexistence c : Coexistence.values()) {
            DesiredState s = IptablesRenderer.render(Policies.allowOne("192.0.2.10", 8080, EnforcementMode.FULL, c));
            assertThat(rules(s, Family.V4, "mangle", "CORDON-PREROUTING")).containsExactly(
                    "-m conntrack --ctstate NEW -m addrtype --dst-type LOCAL -j CORDON-PUBLISHED",
                    // a blocked connection's pre-DNAT header, with the deciding rule's index (the full default: 0)
                    "-m mark --mark 0x2000000/0x2000000 -m connmark --mark 0x30000000/0x3fff0000"
                            + nflog.formatted("cordon P 0"));
            // each judging rule carries the tag it carries in filter CORDON-INPUT; a drop's tag is decision 11
            assertThat(rules(s, Family.V4, "mangle", "CORDON-PUBLISHED")).containsExactly(
                    "-i lo -j RETURN",
                    "-m set --match-set cordon-in-al-4 src,dst -m connmark --mark 0x0/0x30000000 -j CONNMARK --set-xmark 0x1fff0000/0x3fff0000",
                    "-m set --match-set cordon-in-al-4 src,dst -j RETURN",
                    "-m connmark --mark 0x0/0x30000000 -j CONNMARK --set-xmark 0x30000000/0x3fff0000",
                    "-j MARK --set-xmark 0x2000000/0x2000000");
            assertThat(rules(s, Family.V4, "mangle", "CORDON-FORWARD")).containsExactly(
                    "-m mark --mark 0x2000000/0x2000000 -m conntrack --ctstate DNAT" + nflog.formatted("cordon F"),
                    "-m mark --mark 0x2000000/0x2000000 -m conntrack --ctstate DNAT -j DROP",
                    "-m mark --mark 0x2000000/0x2000000 -j MARK --set-xmark 0x0/0x2000000");
            assertThat(rules(s, Family.V4, "mangle", "CORDON-INPUT")).containsExactly(
                    "-m mark --mark 0x2000000/0x2000000 -j MARK --set-xmark 0x0/0x2000000",
                    "-m conntrack --ctstate NEW -m connmark ! --mark 0x0/0x3fff0000 -j CONNMARK --set-xmark 0x0/0x3fff0000");
            TableSpec mangle = s.tables(Family.V4).stream().filter(t -> t.table().equals("mangle")).findFirst().orElseThrow();
            assertThat(mangle.jumps()).extracting(JumpSpec::builtin).containsExactly("PREROUTING", "INPUT", "FORWARD");
        }
    }

    @Test
    void publishedPortTagsNameTheRuleTheyNameInFilterInput() {
        var policy = Policies.allowOne("192.0.2.10", 8080, EnforcementMode.VISIBILITY_ONLY, Coexistence.PRIMARY);
        DesiredState s = IptablesRenderer.render(policy);
        List<String> filterTags = rules(s, Family.V4, "filter", "CORDON-INPUT").stream().filter(r -> r.contains("CONNMARK")).toList();
        List<String> publishedTags = rules(s, Family.V4, "mangle", "CORDON-PUBLISHED").stream().filter(r -> r.contains("CONNMARK")).toList();
        assertThat(publishedTags).as("the same tags as the host's own inbound rules").isNotEmpty().isEqualTo(filterTags);
        assertThat(rules(s, Family.V4, "mangle", "CORDON-PREROUTING")).as("visibility only blocks nothing: no drop log")
                .hasSize(1);
    }

    @Test
    void visibilityOnlyLogsWhatAPublishedPortWouldBlockAndDropsNothing() {
        DesiredState s = IptablesRenderer.render(Policies.allowOne("192.0.2.10", 8080, EnforcementMode.VISIBILITY_ONLY, Coexistence.PRIMARY));
        List<String> fwd = rules(s, Family.V4, "mangle", "CORDON-FORWARD");
        assertThat(fwd.get(0)).contains("--ctstate DNAT").contains("-j LOG --log-prefix \"cordon-pb \"");
        assertThat(String.join("\n", fwd)).doesNotContain("DROP");
    }

    @Test
    void selectiveWithNothingBlockedNeedsNoPublishedPortChains() {
        DesiredState s = IptablesRenderer.render(Policies.allowOne("192.0.2.10", 8080, EnforcementMode.SELECTIVE, Coexistence.PRIMARY));
        assertThat(s.tables(Family.V4)).extracting(TableSpec::table).containsExactly("filter");
    }

    @Test
    void primaryLeavesFilterForwardAloneSoDockerInsertingAboveIsNoDisplacement() {
        DesiredState s = IptablesRenderer.render(Policies.allowOne("192.0.2.10", 8080, EnforcementMode.FULL, Coexistence.PRIMARY));
        TableSpec filter = s.tables(Family.V4).stream().filter(t -> t.table().equals("filter")).findFirst().orElseThrow();
        assertThat(filter.jumps()).extracting(JumpSpec::builtin).containsExactly("INPUT", "OUTPUT");
        DesiredState np = IptablesRenderer.render(Policies.allowOne("192.0.2.10", 8080, EnforcementMode.FULL, Coexistence.NOT_PRIMARY));
        TableSpec npFilter = np.tables(Family.V4).stream().filter(t -> t.table().equals("filter")).findFirst().orElseThrow();
        assertThat(npFilter.jumps()).extracting(JumpSpec::builtin).containsExactly("INPUT", "FORWARD", "OUTPUT");
    }
}
