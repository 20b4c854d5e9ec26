package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A rule set: scopes (a list of label expressions; empty, or one empty expression, means All), allow rules,
 * deny rules (override or not) and custom iptables rules.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleSet(String href, String name, Boolean enabled, String description, List<List<Actor>> scopes,
                      List<Rule> rules, List<Rule> denyRules, List<IpTablesRule> ipTablesRules,
                      String externalDataSet, String externalDataReference,
                      String createdAt, String updatedAt, Ref createdBy, Ref updatedBy) {
    public RuleSet {
        scopes = scopes == null ? null : scopes.stream().map(Lists::copy).toList();
        rules = Lists.copy(rules);
        denyRules = Lists.copy(denyRules);
        ipTablesRules = Lists.copy(ipTablesRules);
    }

    public static RuleSet of(String href, String name, List<List<Actor>> scopes, List<Rule> rules,
                             List<Rule> denyRules, List<IpTablesRule> ipTablesRules) {
        return new RuleSet(href, name, true, null, scopes, rules, denyRules, ipTablesRules,
                null, null, null, null, null, null);
    }

    public boolean isEnabled() {
        return enabled == null || enabled;
    }

    public List<List<Actor>> scopesOrEmpty() {
        return scopes == null ? List.of() : scopes.stream().map(Lists::orEmpty).toList();
    }

    public List<Rule> rulesOrEmpty() {
        return Lists.orEmpty(rules);
    }

    public List<Rule> denyRulesOrEmpty() {
        return Lists.orEmpty(denyRules);
    }

    public List<IpTablesRule> ipTablesRulesOrEmpty() {
        return Lists.orEmpty(ipTablesRules);
    }

    /** True when the scopes mean All: no scopes, or only empty expressions. */
    public boolean isScopeAll() {
        return scopesOrEmpty().isEmpty() || scopesOrEmpty().stream().anyMatch(List::isEmpty);
    }

    public RuleSet withRules(List<Rule> newRules, List<Rule> newDenyRules) {
        return new RuleSet(href, name, enabled, description, scopes, newRules, newDenyRules, ipTablesRules,
                externalDataSet, externalDataReference, createdAt, updatedAt, createdBy, updatedBy);
    }
}
