package dev.cordon.policy.validate;

import static dev.cordon.policy.validate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Rule;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.model.ServiceRef;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stateless rules (SPEC §3): the three provider shapes, and at most 100 in the org. */
class StatelessRuleValidationTest {
    private static ValidationError providersError(List<Actor> providers) {
        return error(withRules(stateless(7, providers)), "stateless_rule_providers");
    }

    @Test
    void statelessRuleWithOneWorkloadProviderIsAccepted() {
        assertValid(withRules(stateless(1, List.of(Actor.workload(WL)))));
    }

    @Test
    void statelessRuleWithOneLabelPerKeyIsAccepted() {
        assertValid(withRules(stateless(1, List.of(Actor.label(WEB), Actor.label(PROD), Actor.label(EU)))));
    }

    @Test
    void statelessRuleWithAmsAndIpListsIsAccepted() {
        assertValid(withRules(stateless(1, List.of(Actor.ams(), Actor.ipList(ANY)))));
    }

    @Test
    void statelessRuleWithLabelGroupProviderIsRejected() {
        assertThat(providersError(List.of(Actor.labelGroup(TIERS))).message()).contains("sec_rules/7")
                .contains("label groups").contains("Rule set 'app'");
    }

    @Test
    void statelessRuleWithAnExcludedLabelIsRejected() {
        assertThat(providersError(List.of(Actor.label(PROD), Actor.labelExcluded(WEB))).message())
                .contains("excluded");
    }

    @Test
    void statelessRuleWithTwoLabelsOfOneKeyIsRejected() {
        assertThat(providersError(List.of(Actor.label(WEB), Actor.label(DB))).message()).contains("key role");
    }

    @Test
    void statelessRuleWithFiveLabelsIsRejected() {
        PolicyDocument d = withLabels(Label.of("/orgs/1/labels/5", "app", "shop"), Label.of("/orgs/1/labels/6", "os", "linux"))
                .withRuleSets(List.of(ruleSet(List.of(stateless(7, List.of(Actor.label(WEB), Actor.label(PROD),
                        Actor.label(EU), Actor.label("/orgs/1/labels/5"), Actor.label("/orgs/1/labels/6")))),
                        List.of(), List.of())));
        assertThat(error(d, "stateless_rule_providers").message()).contains("5 labels");
    }

    @Test
    void statelessRuleWithTwoWorkloadsIsRejected() {
        assertThat(providersError(List.of(Actor.workload(WL), Actor.workload(WL))).message())
                .contains("2 workloads").contains("exactly one workload");
    }

    @Test
    void statelessRuleWithAmsAloneIsRejected() {
        assertThat(providersError(List.of(Actor.ams())).message()).contains("without IP lists");
    }

    @Test
    void statelessRuleWithIpListsWithoutAmsIsRejected() {
        assertThat(providersError(List.of(Actor.ipList(ANY))).message()).contains("without ams");
    }

    @Test
    void statelessRuleWithAmsIpListsAndAWorkloadIsRejected() {
        assertThat(providersError(List.of(Actor.ams(), Actor.ipList(ANY), Actor.workload(WL))).message())
                .contains("sec_rules/7");
    }

    @Test
    void theHundredAndFirstStatelessRuleIsRejected() {
        Rule[] rules = new Rule[102];
        for (int i = 0; i < rules.length; i++) rules[i] = stateless(i + 1, List.of(Actor.label(WEB)));
        List<ValidationError> errors = Validator.validate(withRules(rules));
        assertThat(errors).extracting(ValidationError::token).containsOnly("stateless_rule_limit_exceeded").hasSize(2);
        assertThat(errors.get(0).message()).contains("sec_rules/101").contains("100");
        assertThat(errors.get(1).message()).contains("sec_rules/102");
    }

    @Test
    void disabledStatelessRulesAndRuleSetsCountTowardsTheLimit() {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 100; i++) rules.add(stateless(i + 1, List.of(Actor.label(WEB))).withEnabled(false));
        RuleSet off = new RuleSet("/orgs/1/sec_policy/draft/rule_sets/2", "off", false, null, List.of(List.of()),
                List.of(Rule.allow("/orgs/1/sec_policy/draft/rule_sets/2/sec_rules/1", List.of(Actor.workload(WL)),
                        List.of(Actor.ams()), List.of(ServiceRef.service(ALL)), false, true)),
                List.of(), List.of(), null, null, null, null, null, null);
        PolicyDocument d = base().withRuleSets(List.of(ruleSet(rules, List.of(), List.of()), off));
        assertThat(error(d, "stateless_rule_limit_exceeded").message()).contains("Rule set 'off'")
                .contains("rule_sets/2/sec_rules/1");
    }
}
