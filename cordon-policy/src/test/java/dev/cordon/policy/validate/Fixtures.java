package dev.cordon.policy.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.policy.model.Actor;
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
import java.util.ArrayList;
import java.util.List;

/** A small valid document and builders that change one thing in it; shared by the validator tests. */
final class Fixtures {
    static final String RS = "/orgs/1/sec_policy/draft/rule_sets/1";
    static final String RS_NAME = "app";
    static final String WEB = "/orgs/1/labels/1";
    static final String DB = "/orgs/1/labels/2";
    static final String PROD = "/orgs/1/labels/3";
    static final String EU = "/orgs/1/labels/4";
    static final String TIERS = "/orgs/1/sec_policy/draft/label_groups/1";
    static final String WL = "/orgs/1/workloads/a";
    static final String ANY = "/orgs/1/sec_policy/draft/ip_lists/1";
    static final String ALL = "/orgs/1/sec_policy/draft/services/1";
    static final String CUSTOM = RS + "/ip_tables_rules/1";

    private Fixtures() {}

    static List<Label> labels() {
        return List.of(Label.of(WEB, "role", "web"), Label.of(DB, "role", "db"), Label.of(PROD, "env", "prod"),
                Label.of(EU, "loc", "eu"));
    }

    static PolicyDocument base() {
        return new PolicyDocument(
                labels(),
                List.of(LabelGroup.of(TIERS, "tiers", "role", List.of(Ref.of(WEB), Ref.of(DB)), List.of())),
                List.of(Workload.managed(WL, "a", List.of(Ref.of(WEB), Ref.of(PROD)),
                        List.of(new Interface("eth0", "10.0.0.1", 24), new Interface("eth0", "fd00::1", 64)),
                        EnforcementMode.FULL, "server", "linux")),
                List.of(IpList.of(ANY, IpList.ANY_NAME, List.of(IpRange.of("0.0.0.0/0"), IpRange.of("::/0")))),
                List.of(Service.of(ALL, "All Services", List.of(new ServicePort(-1, null, null, null, null)))),
                List.of(ruleSet(List.of(allow(1, List.of(Actor.label(DB)), List.of(Actor.label(WEB)))), List.of(),
                        List.of())),
                FirewallSettings.of(List.of()));
    }

    static RuleSet ruleSet(List<Rule> allows, List<Rule> denies, List<IpTablesRule> custom) {
        return RuleSet.of(RS, RS_NAME, List.of(List.of(Actor.label(PROD))), allows, denies, custom);
    }

    static Rule allow(int n, List<Actor> providers, List<Actor> consumers) {
        return Rule.allow(RS + "/sec_rules/" + n, providers, consumers, List.of(ServiceRef.service(ALL)), false, false);
    }

    static Rule allowWithServices(List<ServiceRef> services) {
        return Rule.allow(RS + "/sec_rules/1", List.of(Actor.label(DB)), List.of(Actor.label(WEB)), services, false,
                false);
    }

    static Rule deny(int n, List<Actor> providers, boolean override) {
        return Rule.deny(RS + "/deny_rules/" + n, providers, List.of(Actor.label(WEB)),
                List.of(ServiceRef.service(ALL)), false, override);
    }

    static Rule stateless(int n, List<Actor> providers) {
        return Rule.allow(RS + "/sec_rules/" + n, providers, List.of(Actor.label(WEB)),
                List.of(ServiceRef.inline(6, 80, null)), false, true);
    }

    static PolicyDocument withRules(Rule... rules) {
        return base().withRuleSets(List.of(ruleSet(List.of(rules), List.of(), List.of())));
    }

    static PolicyDocument withDenyRules(Rule... rules) {
        return base().withRuleSets(List.of(ruleSet(List.of(), List.of(rules), List.of())));
    }

    static PolicyDocument withCustomRule(IpTablesRule r) {
        return base().withRuleSets(List.of(ruleSet(List.of(), List.of(), List.of(r))));
    }

    static PolicyDocument withStatement(String table, String chain, String params) {
        return withCustomRule(IpTablesRule.of(CUSTOM, List.of(Actor.ams()), "4",
                List.of(new Statement(table, chain, params))));
    }

    static PolicyDocument withServicePorts(ServicePort... ports) {
        return base().withServices(List.of(Service.of(ALL, "web ports", List.of(ports))));
    }

    static PolicyDocument withIpRanges(IpRange... ranges) {
        return base().withIpLists(List.of(IpList.of(ANY, "partners", List.of(ranges))));
    }

    static PolicyDocument withInterface(Interface itf) {
        return base().withWorkloads(List.of(Workload.managed(WL, "a", List.of(Ref.of(WEB)), List.of(itf),
                EnforcementMode.FULL, "server", "linux")));
    }

    static PolicyDocument withLabels(Label... extra) {
        List<Label> all = new ArrayList<>(labels());
        all.addAll(List.of(extra));
        return base().withLabels(all);
    }

    static PolicyDocument withLabelGroups(LabelGroup... groups) {
        return base().withLabelGroups(List.of(groups));
    }

    /** The first error with {@code token}, failing (and printing every error) when there is none. */
    static ValidationError error(PolicyDocument d, String token) {
        List<ValidationError> errors = Validator.validate(d);
        assertThat(errors).extracting(ValidationError::token).as("errors: %s", errors).contains(token);
        return errors.stream().filter(e -> e.token().equals(token)).findFirst().orElseThrow();
    }

    static List<ValidationError> errors(PolicyDocument d, String token) {
        return Validator.validate(d).stream().filter(e -> e.token().equals(token)).toList();
    }

    static void assertValid(PolicyDocument d) {
        assertThat(Validator.validate(d)).isEmpty();
    }
}
