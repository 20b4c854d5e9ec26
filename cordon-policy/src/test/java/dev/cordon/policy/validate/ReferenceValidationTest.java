package dev.cordon.policy.validate;

import static dev.cordon.policy.validate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.CoexistenceEntry;
import dev.cordon.policy.model.EnforcementMode;
import dev.cordon.policy.model.FirewallSettings;
import dev.cordon.policy.model.Interface;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.IpRange;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Rule;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.model.Service;
import dev.cordon.policy.model.ServicePort;
import dev.cordon.policy.model.ServiceRef;
import dev.cordon.policy.model.Workload;
import java.util.List;
import org.junit.jupiter.api.Test;

/** References resolve, hrefs are present and unique, names are unique where they must be, labels are whole. */
class ReferenceValidationTest {
    @Test
    void providerNamingAnUnknownLabelIsRejected() {
        assertThat(error(withRules(allow(1, List.of(Actor.label("/orgs/1/labels/99")), List.of(Actor.label(WEB)))),
                "unknown_label").message()).contains("/orgs/1/labels/99").contains(RS + "/sec_rules/1")
                .contains("Rule set 'app'");
    }

    @Test
    void consumerNamingAnUnknownLabelGroupIsRejected() {
        assertThat(error(withRules(allow(1, List.of(Actor.label(DB)), List.of(Actor.labelGroup("/orgs/1/g/9")))),
                "unknown_label_group").message()).contains("/orgs/1/g/9").contains("consumers");
    }

    @Test
    void providerNamingAnUnknownWorkloadIsRejected() {
        assertThat(error(withRules(allow(1, List.of(Actor.workload("/orgs/1/workloads/zz")), List.of(Actor.label(WEB)))),
                "unknown_workload").message()).contains("/orgs/1/workloads/zz").contains("sec_rules/1");
    }

    @Test
    void consumerNamingAnUnknownIpListIsRejected() {
        assertThat(error(withRules(allow(1, List.of(Actor.label(DB)), List.of(Actor.ipList("/orgs/1/ip_lists/9")))),
                "unknown_ip_list").message()).contains("/orgs/1/ip_lists/9").contains("sec_rules/1");
    }

    @Test
    void ruleNamingAnUnknownServiceIsRejected() {
        assertThat(error(withRules(allowWithServices(List.of(ServiceRef.service("/orgs/1/services/77")))),
                "unknown_service").message()).contains("/orgs/1/services/77").contains("sec_rules/1");
    }

    @Test
    void ingressServiceWithBothHrefAndPortIsRejected() {
        assertThat(error(withRules(allowWithServices(List.of(new ServiceRef(ALL, 6, 80, null, null, null)))),
                "invalid_service_reference").message()).contains(ALL).contains("sec_rules/1");
    }

    @Test
    void scopeNamingAnUnknownLabelIsRejected() {
        RuleSet rs = RuleSet.of(RS, "app", List.of(List.of(Actor.label("/orgs/1/labels/42"))), List.of(), List.of(),
                List.of());
        assertThat(error(base().withRuleSets(List.of(rs)), "unknown_label").message())
                .contains("/orgs/1/labels/42").contains("scope 1").contains("Rule set 'app'");
    }

    @Test
    void workloadCarryingAnUnknownLabelIsRejected() {
        PolicyDocument d = base().withWorkloads(List.of(Workload.managed(WL, "a", List.of(Ref.of("/orgs/1/labels/50")),
                List.of(), EnforcementMode.FULL, "server", "linux")));
        assertThat(error(d, "unknown_label").message()).contains("Workload 'a'").contains("/orgs/1/labels/50");
    }

    @Test
    void workloadCarryingTwoLabelsOfOneKeyIsRejected() {
        PolicyDocument d = base().withWorkloads(List.of(Workload.managed(WL, "a", List.of(Ref.of(WEB), Ref.of(DB)),
                List.of(), EnforcementMode.FULL, "server", "linux")));
        assertThat(error(d, "workload_duplicate_label_key").message()).contains("Workload 'a'").contains("role");
    }

    @Test
    void coexistenceScopeNamingAnUnknownLabelIsRejected() {
        PolicyDocument d = base().withFirewallSettings(FirewallSettings.of(List.of(
                new CoexistenceEntry(true, List.of(Ref.of("/orgs/1/labels/42")), null))));
        assertThat(error(d, "unknown_label").message()).contains("coexistence entry 1").contains("/orgs/1/labels/42");
    }

    @Test
    void objectWithoutHrefIsRejected() {
        assertThat(error(withLabels(Label.of(null, "loc", "us")), "missing_href").message()).contains("loc=us");
    }

    @Test
    void ruleWithoutHrefIsRejected() {
        Rule r = Rule.allow(null, List.of(Actor.label(DB)), List.of(Actor.label(WEB)), List.of(ServiceRef.service(ALL)),
                false, false);
        assertThat(error(withRules(r), "missing_href").message()).contains("allow rule #1").contains("Rule set 'app'");
    }

    @Test
    void twoObjectsOfOneKindWithTheSameHrefAreRejected() {
        PolicyDocument d = base().withServices(List.of(Service.of(ALL, "All Services", List.of(ServicePort.of(-1, null, null))),
                Service.of(ALL, "web", List.of(ServicePort.of(6, 80, null)))));
        assertThat(error(d, "duplicate_href").message()).contains("Service 'web'").contains(ALL);
    }

    @Test
    void twoRulesWithTheSameHrefAreRejected() {
        assertThat(error(withRules(allow(1, List.of(Actor.label(DB)), List.of(Actor.label(WEB))),
                allow(1, List.of(Actor.label(WEB)), List.of(Actor.label(DB)))), "duplicate_href").message())
                .contains(RS + "/sec_rules/1");
    }

    @Test
    void labelKeyAndValueMustBeUnique() {
        assertThat(error(withLabels(Label.of("/orgs/1/labels/9", "role", "web")), "label_key_and_value_must_be_unique")
                .message()).contains("role=web").contains("/orgs/1/labels/9").contains(WEB);
    }

    @Test
    void labelWithAnEmptyKeyIsRejected() {
        assertThat(error(withLabels(Label.of("/orgs/1/labels/9", " ", "x")), "label_key_required").message())
                .contains("/orgs/1/labels/9");
    }

    @Test
    void labelWithAnEmptyValueIsRejected() {
        assertThat(error(withLabels(Label.of("/orgs/1/labels/9", "role", "")), "label_value_required").message())
                .contains("/orgs/1/labels/9");
    }

    @Test
    void ruleSetNamesAreUnique() {
        RuleSet other = RuleSet.of("/orgs/1/sec_policy/draft/rule_sets/2", "app", List.of(List.of()), List.of(),
                List.of(), List.of());
        PolicyDocument d = base().withRuleSets(List.of(ruleSet(List.of(), List.of(), List.of()), other));
        assertThat(error(d, "rule_set_name_in_use").message()).contains("'app'").contains("rule_sets/2").contains(RS);
    }

    @Test
    void ipListNamesAreUnique() {
        PolicyDocument d = base().withIpLists(List.of(IpList.of(ANY, "x", List.of(IpRange.of("10.0.0.0/8"))),
                IpList.of("/orgs/1/ip_lists/2", "x", List.of(IpRange.of("10.0.0.0/8")))));
        assertThat(error(d, "ip_list_name_in_use").message()).contains("'x'").contains("/orgs/1/ip_lists/2");
    }

    @Test
    void serviceNamesAreUnique() {
        PolicyDocument d = base().withServices(List.of(Service.of(ALL, "s", List.of(ServicePort.of(6, 1, null))),
                Service.of("/orgs/1/services/2", "s", List.of(ServicePort.of(6, 2, null)))));
        assertThat(error(d, "service_name_in_use").message()).contains("'s'").contains("/orgs/1/services/2");
    }

    @Test
    void workloadNamesNeedNotBeUnique() {
        Workload twin = Workload.unmanaged("/orgs/1/workloads/b", "a", List.of(Ref.of(DB)),
                List.of(Interface.of("eth0", "10.0.0.2")));
        PolicyDocument d = base().withWorkloads(List.of(base().workloadsOrEmpty().get(0), twin));
        assertValid(d);
    }
}
