package dev.cordon.dataplane.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.Policies;
import dev.cordon.dataplane.plan.PlanRule.Verdict;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan every backend renders: names, order, placement and class sets, decided once and without backend syntax. */
class PlannerTest {
    private static List<PlanRule> rules(Plan p, Family f, Stage stage, String chain) {
        return p.tables(f).stream().filter(t -> t.stage() == stage).flatMap(t -> t.chains().stream())
                .filter(c -> c.name().equals(chain)).findFirst().orElseThrow().rules();
    }

    @Test
    void portEntriesBecomeClassSetMembersAndOthersRulesOfTheirOwn() {
        Plan p = Planner.plan(Policies.rich(EnforcementMode.FULL, Coexistence.PRIMARY));
        PlanSet allow = p.sets().stream().filter(s -> s.name().equals("cordon-in-al-4")).findFirst().orElseThrow();
        assertThat(allow.kind()).isEqualTo(PlanSet.Kind.CLASS);
        assertThat(allow.members()).extracting(PlanSet.Member::toString).contains("10.1.0.0/24,tcp:443", "10.1.1.7,udp:5003");
        List<PlanRule> in = rules(p, Family.V4, Stage.FILTER, "CORDON-INPUT");
        assertThat(in).extracting(PlanRule::match).filteredOn(m -> m instanceof Match.Entry)
                .extracting(m -> ((Match.Entry) m).rule())
                .as("all protocols, ICMP and a local-address restriction cannot be class members")
                .contains("/orgs/1/sec_rules/3", "/orgs/1/sec_rules/4", "/orgs/1/sec_rules/5");
    }

    @Test
    void inputHoldsPassesThenOverrideDenyAllowDenyCustomAndTheDefaultInThatOrder() {
        List<PlanRule> in = rules(Planner.plan(Policies.rich(EnforcementMode.FULL, Coexistence.EXCLUSIVE)), Family.V4,
                Stage.FILTER, "CORDON-INPUT");
        assertThat(in.get(0).match()).isEqualTo(new Match.Loopback(true));
        assertThat(in.get(2).match()).isEqualTo(new Match.Established());
        assertThat(in.get(3).match()).isEqualTo(new Match.InClassSet("cordon-in-od-4", Match.Side.SRC, Match.Side.DST));
        assertThat(in.get(3).verdict()).isEqualTo(Verdict.DROP);
        assertThat(in.subList(in.size() - 2, in.size())).containsExactly(
                new PlanRule(new Match.Any(), Verdict.JUMP, "CORDON-C-FILTER-INPUT"), PlanRule.of(new Match.Any(), Verdict.DROP));
    }

    @Test
    void exclusivePlansEveryStageAndCoexistenceOnlyTheOnesItUses() {
        Plan ex = Planner.plan(Policies.allowOne("192.0.2.10", 80, EnforcementMode.FULL, Coexistence.EXCLUSIVE));
        assertThat(ex.tables(Family.V4)).extracting(PlanTable::stage).containsExactly(Stage.values());
        Plan co = Planner.plan(Policies.allowOne("192.0.2.10", 80, EnforcementMode.FULL, Coexistence.NOT_PRIMARY));
        assertThat(co.tables(Family.V4)).extracting(PlanTable::stage).containsExactly(Stage.FILTER);
        assertThat(co.tables(Family.V4).get(0).jumps()).extracting(PlanTable.Jump::hook)
                .containsExactly(Stage.Hook.INPUT, Stage.Hook.FORWARD, Stage.Hook.OUTPUT);
    }

    @Test
    void statelessAllowsAreNotTrackedBothWays() {
        Plan p = Planner.plan(Policies.rich(EnforcementMode.FULL, Coexistence.EXCLUSIVE));
        assertThat(rules(p, Family.V4, Stage.RAW, "CORDON-PREROUTING")).contains(
                PlanRule.of(new Match.InClassSet("cordon-in-sl-4", Match.Side.SRC, Match.Side.DST), Verdict.NOTRACK),
                PlanRule.of(new Match.InClassSet("cordon-out-sl-4", Match.Side.SRC, Match.Side.SRC), Verdict.NOTRACK));
    }

    @Test
    void idlePlansNothingAndTheSamePolicyGivesAnEqualPlan() {
        assertThat(Planner.plan(Policies.rich(EnforcementMode.IDLE, Coexistence.PRIMARY)).tables()).isEmpty();
        assertThat(Planner.plan(Policies.rich(EnforcementMode.FULL, Coexistence.PRIMARY)))
                .isEqualTo(Planner.plan(Policies.rich(EnforcementMode.FULL, Coexistence.PRIMARY)));
    }
}
