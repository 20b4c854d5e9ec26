package dev.cordon.policy.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.CoexistenceEntry;
import dev.cordon.policy.model.EnforcementMode;
import dev.cordon.policy.model.FirewallSettings;
import dev.cordon.policy.model.Interface;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.IpRange;
import dev.cordon.policy.model.IpTablesRule;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.LabelGroup;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Rule;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.model.Service;
import dev.cordon.policy.model.ServicePort;
import dev.cordon.policy.model.ServiceRef;
import dev.cordon.policy.model.Statement;
import dev.cordon.policy.model.Workload;
import dev.cordon.policy.testing.Scenarios;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per validation rule: each asserts the token and that the message names the object at fault. */
class ValidatorTest {
    static final String RS = "/orgs/1/sec_policy/draft/rule_sets/1";
    static final String WEB = "/orgs/1/labels/1";
    static final String DB = "/orgs/1/labels/2";
    static final String PROD = "/orgs/1/labels/3";
    static final String ANY = "/orgs/1/sec_policy/draft/ip_lists/1";
    static final String ALL = "/orgs/1/sec_policy/draft/services/1";

    /** A small valid document; tests change one thing. */
    static PolicyDocument base() {
        return new PolicyDocument(
                List.of(Label.of(WEB, "role", "web"), Label.of(DB, "role", "db"), Label.of(PROD, "env", "prod")),
                List.of(LabelGroup.of("/orgs/1/sec_policy/draft/label_groups/1", "tiers", "role",
                        List.of(Ref.of(WEB), Ref.of(DB)), List.of())),
                List.of(Workload.managed("/orgs/1/workloads/a", "a", List.of(Ref.of(WEB), Ref.of(PROD)),
                        List.of(Interface.of("eth0", "10.0.0.1")), EnforcementMode.FULL, "server", "linux")),
                List.of(IpList.of(ANY, IpList.ANY_NAME, List.of(IpRange.of("0.0.0.0/0"), IpRange.of("::/0")))),
                List.of(Service.of(ALL, "All Services", List.of(new ServicePort(-1, null, null, null, null)))),
                List.of(ruleSet(List.of(allow(1, List.of(Actor.label(DB)), List.of(Actor.label(WEB)))), List.of(), List.of())),
                FirewallSettings.of(List.of()));
    }

    static RuleSet ruleSet(List<Rule> allows, List<Rule> denies, List<IpTablesRule> custom) {
        return RuleSet.of(RS, "app", List.of(List.of(Actor.label(PROD))), allows, denies, custom);
    }

    static Rule allow(int n, List<Actor> providers, List<Actor> consumers) {
        return Rule.allow(RS + "/sec_rules/" + n, providers, consumers, List.of(ServiceRef.service(ALL)), false, false);
    }

    static Rule stateless(int n, List<Actor> providers) {
        return Rule.allow(RS + "/sec_rules/" + n, providers, List.of(Actor.label(WEB)),
                List.of(ServiceRef.inline(6, 80, null)), false, true);
    }

    static PolicyDocument withRules(Rule... rules) {
        return base().withRuleSets(List.of(ruleSet(List.of(rules), List.of(), List.of())));
    }

    static PolicyDocument withStatement(String table, String chain, String params) {
        IpTablesRule r = IpTablesRule.of(RS + "/ip_tables_rules/1", List.of(Actor.ams()), "4",
                List.of(new Statement(table, chain, params)));
        return base().withRuleSets(List.of(ruleSet(List.of(), List.of(), List.of(r))));
    }

    static ValidationError only(PolicyDocument d, String token) {
        List<ValidationError> errors = Validator.validate(d);
        assertThat(errors).extracting(ValidationError::token).as("errors: %s", errors).contains(token);
        return errors.stream().filter(e -> e.token().equals(token)).findFirst().orElseThrow();
    }

    @Test
    void aValidDocumentHasNoErrors() {
        assertThat(Validator.validate(base())).isEmpty();
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        PolicyDocument d = withRules(allow(1, List.of(Actor.label("/orgs/1/labels/99")), List.of()),
                allow(2, List.of(Actor.workload("/orgs/1/workloads/zz")), List.of(Actor.label(WEB))));
        assertThat(Validator.validate(d)).extracting(ValidationError::token)
                .contains("unknown_label", "consumers_required", "unknown_workload");
    }

    @Test
    void danglingLabelReferenceIsRejected() {
        assertThat(only(withRules(allow(1, List.of(Actor.label("/orgs/1/labels/99")), List.of(Actor.label(WEB)))),
                "unknown_label").message()).contains("/orgs/1/labels/99").contains(RS + "/sec_rules/1");
    }

    @Test
    void danglingServiceReferenceIsRejected() {
        Rule r = Rule.allow(RS + "/sec_rules/1", List.of(Actor.label(DB)), List.of(Actor.label(WEB)),
                List.of(ServiceRef.service("/orgs/1/sec_policy/draft/services/77")), false, false);
        assertThat(only(withRules(r), "unknown_service").message()).contains("services/77");
    }

    @Test
    void danglingIpListReferenceIsRejected() {
        assertThat(only(withRules(allow(1, List.of(Actor.label(DB)), List.of(Actor.ipList("/orgs/1/x/ip_lists/9")))),
                "unknown_ip_list").message()).contains("ip_lists/9");
    }

    @Test
    void danglingLabelGroupReferenceIsRejected() {
        assertThat(only(withRules(allow(1, List.of(Actor.labelGroup("/orgs/1/g/9")), List.of(Actor.label(WEB)))),
                "unknown_label_group").message()).contains("/orgs/1/g/9");
    }

    @Test
    void duplicateHrefsAreRejected() {
        PolicyDocument d = base().withLabels(List.of(Label.of(WEB, "role", "web"), Label.of(WEB, "role", "api"),
                Label.of(DB, "role", "db"), Label.of(PROD, "env", "prod")));
        assertThat(only(d, "duplicate_href").message()).contains(WEB);
    }

    @Test
    void missingHrefIsRejected() {
        PolicyDocument d = base().withLabels(new ArrayList<>(List.of(Label.of(null, "loc", "eu"), Label.of(WEB, "role", "web"),
                Label.of(DB, "role", "db"), Label.of(PROD, "env", "prod"))));
        assertThat(only(d, "missing_href").message()).contains("eu");
    }

    @Test
    void labelKeyAndValueMustBeUnique() {
        PolicyDocument d = base().withLabels(List.of(Label.of(WEB, "role", "web"), Label.of(DB, "role", "db"),
                Label.of(PROD, "env", "prod"), Label.of("/orgs/1/labels/4", "role", "web")));
        assertThat(only(d, "label_key_and_value_must_be_unique").message()).contains("role=web").contains("/orgs/1/labels/4");
    }

    @Test
    void ruleSetNamesAreUnique() {
        RuleSet a = ruleSet(List.of(), List.of(), List.of());
        RuleSet b = RuleSet.of("/orgs/1/sec_policy/draft/rule_sets/2", "app", List.of(List.of()), List.of(), List.of(), List.of());
        assertThat(only(base().withRuleSets(List.of(a, b)), "rule_set_name_in_use").message()).contains("'app'");
    }

    @Test
    void ipListAndServiceNamesAreUnique() {
        PolicyDocument d = base().withIpLists(List.of(IpList.of(ANY, "x", List.of(IpRange.of("10.0.0.0/8"))),
                IpList.of("/orgs/1/i/2", "x", List.of(IpRange.of("10.0.0.0/8")))))
                .withServices(List.of(Service.of(ALL, "s", List.of(ServicePort.of(6, 1, null))),
                        Service.of("/orgs/1/s/2", "s", List.of(ServicePort.of(6, 2, null)))));
        assertThat(only(d, "ip_list_name_in_use").message()).contains("'x'");
        assertThat(only(d, "service_name_in_use").message()).contains("'s'");
    }

    @Test
    void actorWithNoSelectorIsRejected() {
        Actor empty = new Actor(null, null, null, null, null, null);
        assertThat(only(withRules(allow(1, List.of(empty), List.of(Actor.label(WEB)))), "invalid_actor").message())
                .contains("none").contains("sec_rules/1");
    }

    @Test
    void actorWithSeveralSelectorsIsRejected() {
        Actor two = new Actor(null, Ref.of(WEB), null, Ref.of("/orgs/1/workloads/a"), null, null);
        assertThat(only(withRules(allow(1, List.of(two), List.of(Actor.label(WEB)))), "invalid_actor").message())
                .contains("names 2");
    }

    @Test
    void exclusionOnAWorkloadOrIpListIsRejected() {
        Actor w = new Actor(null, null, null, Ref.of("/orgs/1/workloads/a"), null, true);
        Actor ip = new Actor(null, null, null, null, Ref.of(ANY), true);
        PolicyDocument d = withRules(allow(1, List.of(w), List.of(ip)));
        assertThat(Validator.validate(d)).filteredOn(e -> e.token().equals("exclusion_not_allowed")).hasSize(2)
                .allSatisfy(e -> assertThat(e.message()).contains("cannot be excluded"));
    }

    @Test
    void amsWithIncludedLabelsIsAmbiguous() {
        assertThat(only(withRules(allow(1, List.of(Actor.ams(), Actor.label(DB)), List.of(Actor.label(WEB)))),
                "ams_with_labels").message()).contains("providers").contains("sec_rules/1");
    }

    @Test
    void amsWithExcludedLabelsIsFine() {
        assertThat(Validator.validate(withRules(allow(1, List.of(Actor.ams(), Actor.labelExcluded(DB)),
                List.of(Actor.label(WEB)))))).isEmpty();
    }

    @Test
    void malformedInterfaceAddressIsRejected() {
        PolicyDocument d = base().withWorkloads(List.of(Workload.managed("/orgs/1/workloads/a", "a", List.of(),
                List.of(Interface.of("eth0", "10.0.0.300")), EnforcementMode.FULL, "server", "linux")));
        assertThat(only(d, "invalid_ip_address").message()).contains("10.0.0.300").contains("'a'");
    }

    @Test
    void malformedCidrAndRangeAreRejected() {
        PolicyDocument d = base().withIpLists(List.of(IpList.of(ANY, "bad", List.of(IpRange.of("10.0.0.0/33"),
                new IpRange("10.0.0.9", "10.0.0.1", false, null), new IpRange("10.0.0.1", "::1", false, null)))));
        assertThat(Validator.validate(d)).filteredOn(e -> e.token().equals("invalid_ip_range")).hasSize(3)
                .allSatisfy(e -> assertThat(e.message()).contains("'bad'"));
    }

    @Test
    void exclusionOutsideItsInclusionsIsRejected() {
        PolicyDocument d = base().withIpLists(List.of(IpList.of(ANY, "partners", List.of(IpRange.of("10.0.0.0/24"),
                IpRange.excluded("10.0.1.0/28")))));
        assertThat(only(d, "exclusion_outside_ip_list").message()).contains("10.0.1.0/28").contains("'partners'");
    }

    @Test
    void portOutOfRangeIsRejected() {
        PolicyDocument d = base().withServices(List.of(Service.of(ALL, "s", List.of(ServicePort.of(6, 70000, null)))));
        assertThat(only(d, "invalid_port").message()).contains("70000").contains("'s'");
    }

    @Test
    void toPortBelowPortIsRejected() {
        PolicyDocument d = base().withServices(List.of(Service.of(ALL, "s", List.of(ServicePort.of(6, 90, 80)))));
        assertThat(only(d, "invalid_port_range").message()).contains("below");
    }

    @Test
    void toPortWithoutPortIsRejected() {
        PolicyDocument d = base().withServices(List.of(Service.of(ALL, "s", List.of(ServicePort.of(6, null, 80)))));
        assertThat(only(d, "invalid_port_range").message()).contains("needs a port");
    }

    @Test
    void aPortWithAllProtocolsIsRejected() {
        PolicyDocument d = base().withServices(List.of(Service.of(ALL, "s", List.of(ServicePort.of(-1, 80, null)))));
        assertThat(only(d, "port_with_all_protocols").message()).contains("'s'");
    }

    @Test
    void aPortOnAProtocolWithoutPortsIsRejected() {
        PolicyDocument d = base().withServices(List.of(Service.of(ALL, "s", List.of(ServicePort.of(1, 80, null)))));
        assertThat(only(d, "port_not_allowed_for_protocol").message()).contains("protocol 1");
    }

    @Test
    void aMissingProtocolIsRejected() {
        PolicyDocument d = base().withServices(List.of(Service.of(ALL, "s", List.of(new ServicePort(null, 80, null, null, null)))));
        assertThat(only(d, "service_port_protocol_required").message()).contains("'s'");
    }

    @Test
    void icmpFieldsOnTcpAreRejected() {
        PolicyDocument d = base().withServices(List.of(Service.of(ALL, "s", List.of(new ServicePort(6, null, null, 8, null)))));
        assertThat(only(d, "icmp_fields_not_allowed").message()).contains("'s'");
    }

    @Test
    void inlineServicePortsAreCheckedToo() {
        Rule r = Rule.allow(RS + "/sec_rules/1", List.of(Actor.label(DB)), List.of(Actor.label(WEB)),
                List.of(ServiceRef.inline(6, 100, 99)), false, false);
        assertThat(only(withRules(r), "invalid_port_range").message()).contains("sec_rules/1");
    }

    @Test
    void emptyIngressServicesAreRejected() {
        Rule r = Rule.allow(RS + "/sec_rules/1", List.of(Actor.label(DB)), List.of(Actor.label(WEB)), List.of(), false, false);
        assertThat(only(withRules(r), "ingress_services_required").message()).contains("All Services");
    }

    @Test
    void labelGroupMixingKeysIsRejected() {
        PolicyDocument d = base().withLabelGroups(List.of(LabelGroup.of("/orgs/1/g/1", "mixed", "role",
                List.of(Ref.of(WEB), Ref.of(PROD)), List.of())));
        assertThat(only(d, "label_group_mixed_keys").message()).contains("'mixed'").contains("env=prod");
    }

    @Test
    void cyclicSubGroupsAreRejectedWithTheirPath() {
        PolicyDocument d = base().withLabelGroups(List.of(
                LabelGroup.of("/orgs/1/g/1", "a", "role", List.of(Ref.of(WEB)), List.of(Ref.of("/orgs/1/g/2"))),
                LabelGroup.of("/orgs/1/g/2", "b", "role", List.of(Ref.of(DB)), List.of(Ref.of("/orgs/1/g/1")))));
        assertThat(only(d, "label_group_cycle").message()).contains("/orgs/1/g/1 -> /orgs/1/g/2 -> /orgs/1/g/1");
    }

    @Test
    void coexistenceScopeNamingAnUnknownLabelIsRejected() {
        PolicyDocument d = base().withFirewallSettings(FirewallSettings.of(List.of(
                new CoexistenceEntry(true, List.of(Ref.of("/orgs/1/labels/42")), null))));
        assertThat(only(d, "unknown_label").message()).contains("coexistence").contains("/orgs/1/labels/42");
    }

    @Test
    void coexistenceWorkloadModeMustBeKnown() {
        PolicyDocument d = base().withFirewallSettings(FirewallSettings.of(List.of(
                new CoexistenceEntry(true, List.of(), "sometimes"))));
        assertThat(only(d, "invalid_workload_mode").message()).contains("sometimes");
    }

    @Test
    void statelessRuleWithLabelGroupProviderIsRejected() {
        assertThat(only(withRules(stateless(1, List.of(Actor.labelGroup("/orgs/1/sec_policy/draft/label_groups/1")))),
                "stateless_rule_providers").message()).contains("sec_rules/1");
    }

    @Test
    void statelessRuleWithTwoLabelsOfOneKeyIsRejected() {
        assertThat(only(withRules(stateless(1, List.of(Actor.label(WEB), Actor.label(DB)))),
                "stateless_rule_providers").message()).contains("role");
    }

    @Test
    void statelessRuleWithTwoWorkloadsIsRejected() {
        assertThat(only(withRules(stateless(1, List.of(Actor.workload("/orgs/1/workloads/a"), Actor.ams()))),
                "stateless_rule_providers").message()).contains("exactly one workload");
    }

    @Test
    void statelessRuleProvidersThatAreAllowedPass() {
        assertThat(Validator.validate(withRules(stateless(1, List.of(Actor.workload("/orgs/1/workloads/a"))),
                stateless(2, List.of(Actor.label(WEB), Actor.label(PROD))),
                stateless(3, List.of(Actor.ams(), Actor.ipList(ANY)))))).isEmpty();
    }

    @Test
    void theHundredAndFirstStatelessRuleIsRejected() {
        Rule[] rules = new Rule[101];
        for (int i = 0; i < 101; i++) rules[i] = stateless(i + 1, List.of(Actor.label(WEB)));
        List<ValidationError> errors = Validator.validate(withRules(rules));
        assertThat(errors).extracting(ValidationError::token).containsExactly("stateless_rule_limit_exceeded");
        assertThat(errors.get(0).message()).contains("sec_rules/101").contains("100");
    }

    @Test
    void overrideOnAnAllowRuleIsRejected() {
        Rule r = new Rule(RS + "/sec_rules/1", true, null, List.of(Actor.label(DB)), List.of(Actor.label(WEB)),
                List.of(ServiceRef.service(ALL)), false, false, true, null, null, null, null, null, null, null, null, null);
        assertThat(only(withRules(r), "override_on_allow_rule").message()).contains("sec_rules/1");
    }

    @Test
    void customRuleInTheRawTableIsRejectedNamingTheStatement() {
        ValidationError e = only(withStatement("raw", "OUTPUT", "-p udp --dport 53 -j CT --notrack"), "invalid_iptables_table");
        assertThat(e.message()).contains("raw").contains("-t raw -A OUTPUT -p udp --dport 53").contains("ip_tables_rules/1");
    }

    @Test
    void customRuleInAChainOutsideTheMatrixIsRejected() {
        assertThat(only(withStatement("nat", "INPUT", "-p tcp -j ACCEPT"), "invalid_iptables_chain").message())
                .contains("chain 'INPUT'").contains("-t nat -A INPUT");
    }

    @Test
    void customRuleNamingACordonChainIsRejected() {
        assertThat(only(withStatement("filter", "INPUT", "-p tcp -j CORDON-INPUT"), "unsupported_iptables_token")
                .message()).contains("CORDON-INPUT").contains("owned by Cordon");
    }

    @Test
    void customRuleWithAnIpsetMatchIsRejected() {
        assertThat(only(withStatement("filter", "INPUT", "-m set --match-set x src -j ACCEPT"), "unsupported_iptables_token")
                .message()).contains("ipset");
    }

    @Test
    void customRuleWithASemicolonIsRejected() {
        assertThat(only(withStatement("filter", "INPUT", "-p tcp -j ACCEPT; iptables -F"), "unsupported_iptables_token")
                .message()).contains("semicolon");
    }

    @Test
    void customRuleWithAnotherCommandIsRejected() {
        for (String cmd : List.of("-I", "-D", "-F", "-X", "-N", "-P", "-R", "-Z", "-E")) {
            assertThat(only(withStatement("filter", "INPUT", cmd + " INPUT -j ACCEPT"), "unsupported_iptables_token")
                    .message()).as(cmd).contains("'" + cmd + "' is not allowed");
        }
    }

    @Test
    void dropInTheNatTableIsRejected() {
        assertThat(only(withStatement("nat", "PREROUTING", "-p tcp --dport 25 -j DROP"), "drop_in_nat_table")
                .message()).contains("-t nat -A PREROUTING");
    }

    @Test
    void validCustomRulesPass() {
        assertThat(Validator.validate(withStatement("mangle", "PREROUTING", "-p tcp --dport 80 -j MARK --set-mark 1")))
                .isEmpty();
    }

    @Test
    void customRuleIpVersionMustBeFourOrSix() {
        IpTablesRule r = IpTablesRule.of(RS + "/ip_tables_rules/1", List.of(Actor.ams()), "5",
                List.of(new Statement("filter", "INPUT", "-j ACCEPT")));
        assertThat(only(base().withRuleSets(List.of(ruleSet(List.of(), List.of(), List.of(r)))), "invalid_ip_version")
                .message()).contains("'5'");
    }

    @Test
    void validateRuleSetKeepsOnlyThatRuleSetsErrors() {
        PolicyDocument d = withStatement("raw", "OUTPUT", "-j ACCEPT").withLabels(List.of(Label.of(WEB, "role", "web"),
                Label.of(DB, "role", "db"), Label.of(PROD, "env", "prod"), Label.of("/orgs/1/labels/9", "role", "web")));
        assertThat(Validator.validateRuleSet(d, d.ruleSetsOrEmpty().get(0))).extracting(ValidationError::token)
                .containsExactly("invalid_iptables_table");
    }

    @Test
    void theInvalidScenarioIsRejectedAndTheOthersAreValid() {
        for (Scenarios.Scenario s : Scenarios.all()) {
            List<ValidationError> errors = Validator.validate(s.document());
            if (s.isInvalid()) {
                for (String fragment : s.expectErrors()) {
                    assertThat(errors).as(s.name()).anySatisfy(e -> assertThat(e.message()).contains(fragment));
                }
            } else {
                assertThat(errors).as(s.name()).isEmpty();
            }
        }
    }
}
