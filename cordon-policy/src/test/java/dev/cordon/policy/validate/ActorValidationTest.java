package dev.cordon.policy.validate;

import static dev.cordon.policy.validate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Rule;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.model.ServiceRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Actor items and lists (SPEC §2): one selector each, exclusions only on labels, ams never beside included labels. */
class ActorValidationTest {
    @Test
    void actorWithNoSelectorIsRejected() {
        Actor empty = new Actor(null, null, null, null, null, null);
        assertThat(error(withRules(allow(1, List.of(empty), List.of(Actor.label(WEB)))), "invalid_actor").message())
                .contains("none").contains("sec_rules/1").contains("providers");
    }

    @Test
    void actorWithSeveralSelectorsIsRejected() {
        Actor two = new Actor(null, Ref.of(WEB), null, Ref.of(WL), null, null);
        assertThat(error(withRules(allow(1, List.of(two), List.of(Actor.label(WEB)))), "invalid_actor").message())
                .contains("names 2").contains("sec_rules/1");
    }

    @Test
    void actorsValueOtherThanAmsIsRejected() {
        Actor all = new Actor("all", null, null, null, null, null);
        assertThat(error(withRules(allow(1, List.of(Actor.label(DB)), List.of(all))), "invalid_actor").message())
                .contains("'all'").contains("\"ams\"").contains("consumers");
    }

    @Test
    void excludedWorkloadIsRejected() {
        Actor w = new Actor(null, null, null, Ref.of(WL), null, true);
        assertThat(error(withRules(allow(1, List.of(w), List.of(Actor.label(WEB)))), "exclusion_not_allowed").message())
                .contains(WL).contains("cannot be excluded").contains("sec_rules/1");
    }

    @Test
    void excludedIpListIsRejected() {
        Actor ip = new Actor(null, null, null, null, Ref.of(ANY), true);
        assertThat(error(withRules(allow(1, List.of(Actor.label(DB)), List.of(ip))), "exclusion_not_allowed").message())
                .contains(ANY).contains("consumers");
    }

    @Test
    void excludedAmsIsRejected() {
        Actor ams = new Actor("ams", null, null, null, null, true);
        assertThat(error(withRules(allow(1, List.of(ams), List.of(Actor.label(WEB)))), "exclusion_not_allowed")
                .message()).contains("ams").contains("sec_rules/1");
    }

    @Test
    void amsBesideAnIncludedLabelIsAmbiguous() {
        assertThat(error(withRules(allow(1, List.of(Actor.ams(), Actor.label(DB)), List.of(Actor.label(WEB)))),
                "ams_with_labels").message()).contains("providers").contains("sec_rules/1").contains("ambiguous");
    }

    @Test
    void amsBesideAnIncludedLabelGroupIsAmbiguous() {
        assertThat(error(withRules(allow(1, List.of(Actor.label(DB)), List.of(Actor.ams(), Actor.labelGroup(TIERS)))),
                "ams_with_labels").message()).contains("consumers");
    }

    @Test
    void amsWithExcludedLabelsIsAccepted() {
        assertValid(withRules(allow(1, List.of(Actor.ams(), Actor.labelExcluded(DB), Actor.labelGroupExcluded(TIERS)),
                List.of(Actor.label(WEB)))));
    }

    @Test
    void emptyProvidersAreRejected() {
        assertThat(error(withRules(allow(1, List.of(), List.of(Actor.label(WEB)))), "providers_required").message())
                .contains("sec_rules/1");
    }

    @Test
    void emptyConsumersAreRejected() {
        assertThat(error(withDenyRules(Rule.deny(RS + "/deny_rules/1", List.of(Actor.label(DB)), List.of(),
                List.of(ServiceRef.service(ALL)), false, false)), "consumers_required").message())
                .contains("deny rule " + RS + "/deny_rules/1");
    }

    @Test
    void emptyIngressServicesAreRejectedPointingToAllServices() {
        assertThat(error(withRules(allowWithServices(List.of())), "ingress_services_required").message())
                .contains("All Services").contains("sec_rules/1");
    }

    @Test
    void scopeItemThatIsNotALabelIsRejected() {
        RuleSet rs = RuleSet.of(RS, "app", List.of(List.of(Actor.label(PROD), Actor.workload(WL))), List.of(),
                List.of(), List.of());
        assertThat(error(base().withRuleSets(List.of(rs)), "invalid_scope_item").message())
                .contains(WL).contains("scope 1").contains("Rule set 'app'");
    }

    @Test
    void scopeWithExcludedLabelsAndGroupsIsAccepted() {
        RuleSet rs = RuleSet.of(RS, "app", List.of(List.of(Actor.label(PROD), Actor.labelGroupExcluded(TIERS)),
                List.of()), List.of(), List.of(), List.of());
        assertValid(base().withRuleSets(List.of(rs)));
    }

    @Test
    void overrideOnAnAllowRuleIsRejected() {
        Rule r = new Rule(RS + "/sec_rules/1", true, null, List.of(Actor.label(DB)), List.of(Actor.label(WEB)),
                List.of(ServiceRef.service(ALL)), false, false, true, null, null, null, null, null, null, null, null, null);
        assertThat(error(withRules(r), "override_on_allow_rule").message()).contains("sec_rules/1");
    }

    @Test
    void statelessOnADenyRuleIsRejected() {
        Rule r = new Rule(RS + "/deny_rules/1", true, null, List.of(Actor.label(DB)), List.of(Actor.label(WEB)),
                List.of(ServiceRef.service(ALL)), false, true, false, null, null, null, null, null, null, null, null, null);
        assertThat(error(withDenyRules(r), "stateless_on_deny_rule").message()).contains("deny_rules/1");
    }

    @Test
    void overrideDenyRulesAreAccepted() {
        assertValid(withDenyRules(deny(1, List.of(Actor.label(DB)), true), deny(2, List.of(Actor.ams()), false)));
    }
}
