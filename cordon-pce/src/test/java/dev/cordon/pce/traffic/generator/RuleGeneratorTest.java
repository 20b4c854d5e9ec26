package dev.cordon.pce.traffic.generator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.pce.traffic.generator.ObservedFlow.End;
import dev.cordon.pce.traffic.generator.ObservedFlow.Label;
import dev.cordon.pce.traffic.generator.Proposal.Actor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RuleGeneratorTest {
    static final Label SHOP = new Label("/orgs/1/labels/1", "app", "shop");
    static final Label CRM = new Label("/orgs/1/labels/2", "app", "crm");
    static final Label PROD = new Label("/orgs/1/labels/3", "env", "prod");
    static final Label WEB = new Label("/orgs/1/labels/4", "role", "web");
    static final Label DB = new Label("/orgs/1/labels/5", "role", "db");
    static final AppGroup GROUP = new AppGroup("app=shop env=prod", List.of(SHOP.href(), PROD.href()), Set.of("app", "env"));

    static final End WEB1 = new End("10.0.0.1", "/orgs/1/workloads/w1", List.of(SHOP, PROD, WEB));
    static final End DB1 = new End("10.0.0.2", "/orgs/1/workloads/w2", List.of(SHOP, PROD, DB));
    static final End CRM1 = new End("10.0.0.3", "/orgs/1/workloads/w3", List.of(CRM, PROD, WEB));
    static final End BARE = new End("10.0.0.4", "/orgs/1/workloads/w4", List.of(SHOP, PROD));

    static ObservedFlow in(End src, End dst, int port, String decision, long conns) {
        return new ObservedFlow(src, dst, 6, port, conns, "inbound", decision);
    }

    static ObservedFlow out(End src, End dst, int port, String decision, long conns) {
        return new ObservedFlow(src, dst, 6, port, conns, "outbound", decision);
    }

    @Test
    void intraExtraAndUnmanagedFlowsEachGetTheirKindOfRule() {
        Proposal p = RuleGenerator.propose(GROUP, List.of(
                in(WEB1, DB1, 5432, "potentially_blocked", 5), out(WEB1, DB1, 5432, "potentially_blocked", 5),
                in(CRM1, DB1, 5432, "potentially_blocked", 2),
                in(End.address("203.0.113.7"), WEB1, 443, "potentially_blocked", 4),
                in(End.address("203.0.113.8"), WEB1, 443, "potentially_blocked", 1),
                out(WEB1, End.address("198.51.100.1"), 53, "potentially_blocked", 3),
                in(WEB1, DB1, 22, "allowed", 7)));
        assertThat(p.rules()).extracting(Proposal.Rule::kind)
                .containsExactlyInAnyOrder("intra_scope", "extra_scope", "unmanaged_consumers", "unmanaged_providers");
        Proposal.Rule intra = rule(p, "intra_scope");
        assertThat(intra.providers()).containsExactly(Actor.label(DB.href()));
        assertThat(intra.consumers()).containsExactly(Actor.label(WEB.href()));
        assertThat(intra.unscopedConsumers()).isFalse();
        assertThat(intra.services()).containsExactly(new PortRange(6, 5432, 5432));
        assertThat(intra.connections()).as("both ends reported it: counted once").isEqualTo(5);
        Proposal.Rule extra = rule(p, "extra_scope");
        assertThat(extra.consumers()).containsExactly(Actor.label(CRM.href()), Actor.label(PROD.href()), Actor.label(WEB.href()));
        assertThat(extra.unscopedConsumers()).isTrue();
        Proposal.Rule clients = rule(p, "unmanaged_consumers");
        assertThat(clients.consumers()).containsExactly(Actor.ipList(0));
        assertThat(p.ipLists().get(0).addresses()).containsExactly("203.0.113.7", "203.0.113.8");
        Proposal.Rule servers = rule(p, "unmanaged_providers");
        assertThat(servers.providers()).containsExactly(Actor.ipList(1));
        assertThat(servers.consumers()).containsExactly(Actor.label(WEB.href()));
        assertThat(p.before()).isEqualTo(new Proposal.Coverage(22, 7));
        assertThat(p.after()).isEqualTo(new Proposal.Coverage(22, 22));
        assertThat(p.after().percent()).isEqualTo(100);
    }

    @Test
    void aWorkloadWithNoLabelOutsideTheGroupIsNamedItselfAndOtherGroupsProvidersAreLeftUncovered() {
        Proposal p = RuleGenerator.propose(GROUP, List.of(in(WEB1, BARE, 80, "blocked", 1),
                out(WEB1, CRM1, 8080, "potentially_blocked", 2), in(WEB1, CRM1, 8080, "potentially_blocked", 2)));
        assertThat(rule(p, "intra_scope").providers()).containsExactly(Actor.workload(BARE.workload()));
        assertThat(p.uncovered()).hasSize(1);
        assertThat(p.uncovered().get(0).reason()).contains("10.0.0.3").contains("its own app group");
        assertThat(p.after()).isEqualTo(new Proposal.Coverage(3, 1));
    }

    @Test
    void manyPortsBecomeRangesAndPeersWithDifferentServicesGetTheirOwnLists() {
        List<ObservedFlow> flows = new ArrayList<>();
        for (int port = 8000; port < 8020; port++) flows.add(in(WEB1, DB1, port, "potentially_blocked", 1));
        flows.add(in(WEB1, DB1, 9000, "potentially_blocked", 1));
        flows.add(in(End.address("192.0.2.1"), DB1, 22, "potentially_blocked", 1));
        flows.add(in(End.address("192.0.2.2"), DB1, 23, "potentially_blocked", 1));
        Proposal p = RuleGenerator.propose(GROUP, flows, 1);
        assertThat(rule(p, "intra_scope").services()).containsExactly(new PortRange(6, 8000, 9000));
        assertThat(RuleGenerator.propose(GROUP, flows, 8).rules().stream().filter(r -> r.kind().equals("intra_scope"))
                .findFirst().orElseThrow().services()).containsExactly(new PortRange(6, 8000, 8019), new PortRange(6, 9000, 9000));
        assertThat(p.ipLists()).hasSize(2);
    }

    @Test
    void flowsOfOtherGroupsAreIgnored() {
        Proposal p = RuleGenerator.propose(GROUP, List.of(in(WEB1, CRM1, 80, "blocked", 3)));
        assertThat(p.rules()).isEmpty();
        assertThat(p.before().connections()).isZero();
    }

    /** Every port seen stays covered, ranges are sorted and disjoint, and never more than asked for. */
    @Property(tries = 300)
    void consolidatedRangesCoverEveryPortSeen(@ForAll @Size(min = 1, max = 60) List<@IntRange(min = 1, max = 65535) Integer> ports,
                                              @ForAll @IntRange(min = 1, max = 10) int max) {
        TreeSet<Integer> seen = new TreeSet<>(ports);
        List<PortRange> ranges = PortRanges.consolidate(6, seen, max);
        assertThat(ranges.size()).isLessThanOrEqualTo(max);
        for (int port : seen) assertThat(ranges).anyMatch(r -> r.covers(6, port));
        for (int i = 1; i < ranges.size(); i++) assertThat(ranges.get(i).from()).isGreaterThan(ranges.get(i - 1).to() + 1);
        for (PortRange r : ranges) {
            assertThat(seen).as("a range starts and ends on ports seen").contains(r.from(), r.to());
        }
        if (max >= seen.size()) {
            long opened = ranges.stream().mapToLong(r -> r.to() - r.from() + 1).sum();
            long runs = ranges.size();
            assertThat(opened).as("with room for every port, only neighbouring ports share a range").isEqualTo(seen.size());
            assertThat(runs).isLessThanOrEqualTo(seen.size());
        }
    }

    /** After the proposal, every flow of the group is allowed by the draft or by a proposed rule, or listed uncovered. */
    @Property(tries = 200)
    void everyFlowOfTheGroupIsCoveredOrExplained(@ForAll @Size(max = 40) List<@IntRange(min = 0, max = 999) Integer> seeds) {
        End[] ends = {WEB1, DB1, CRM1, BARE, End.address("192.0.2.9"), End.address("192.0.2.10")};
        List<ObservedFlow> flows = new ArrayList<>();
        for (int s : seeds) {
            End src = ends[s % ends.length];
            End dst = ends[(s / 6) % ends.length];
            if (src == dst) continue;
            int port = 1 + (s / 36) % 30;
            String decision = s % 3 == 0 ? "allowed" : "potentially_blocked";
            flows.add(new ObservedFlow(src, dst, 6, port, 1 + s % 4, s % 2 == 0 ? "inbound" : "outbound", decision));
        }
        Proposal p = RuleGenerator.propose(GROUP, flows, 3);
        for (ObservedFlow f : flows) {
            boolean ours = f.direction().equals("inbound") ? GROUP.contains(f.dst()) : GROUP.contains(f.src());
            if (!ours || f.allowed()) continue;
            boolean ruled = p.rules().stream().anyMatch(r -> covers(p, r, f));
            boolean explained = p.uncovered().stream().anyMatch(u -> u.flow().key().equals(f.key()));
            assertThat(ruled || explained).as("%s is covered or explained by %s", f, p).isTrue();
        }
        assertThat(p.after().allowed()).isBetween(p.before().allowed(), p.after().connections());
    }

    /** Whether a proposed rule would match the flow (labels ANDed, the group's scope on providers, intra-scope consumers). */
    static boolean covers(Proposal p, Proposal.Rule r, ObservedFlow f) {
        return r.services().stream().anyMatch(s -> s.covers(f.proto(), f.port()))
                && matches(p, r.providers(), f.dst(), true) && matches(p, r.consumers(), f.src(), !r.unscopedConsumers());
    }

    static boolean matches(Proposal p, List<Actor> actors, End e, boolean scoped) {
        if (actors.get(0).kind().equals("ip_list")) {
            return p.ipLists().get(Integer.parseInt(actors.get(0).ref())).addresses().contains(e.ip());
        }
        if (scoped && !GROUP.contains(e)) return false;
        for (Actor a : actors) {
            if (a.kind().equals("workload") && !a.ref().equals(e.workload())) return false;
            if (a.kind().equals("label") && !e.has(a.ref())) return false;
        }
        return true;
    }

    static Proposal.Rule rule(Proposal p, String kind) {
        return p.rules().stream().filter(r -> r.kind().equals(kind)).findFirst().orElseThrow();
    }
}
