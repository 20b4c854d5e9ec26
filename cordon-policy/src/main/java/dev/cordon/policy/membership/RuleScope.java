package dev.cordon.policy.membership;

import dev.cordon.policy.model.Rule;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.model.ServicePort;
import java.util.List;

/**
 * One enabled rule applied within one scope of its rule set (SPEC §3: "a rule applies once per scope"). Providers
 * are always restricted to the scope; consumers only for intra-scope rules. IP-list addresses are never scoped.
 * {@code id} is the position in document order; outputs never depend on it (they sort by href).
 */
public record RuleScope(int id, RuleSet ruleSet, Rule rule, Kind kind, LabelExpression scope, String scopeCanonical,
                        ActorSelector providers, ActorSelector consumers, boolean intraScope,
                        List<ServicePort> ports, boolean providersScoped) {
    /** The three kinds of rules in precedence order. */
    public enum Kind { OVERRIDE_DENY, ALLOW, DENY }

    /** A rule scope whose providers are restricted to the scope (every one but a virtual service's). */
    public RuleScope(int id, RuleSet ruleSet, Rule rule, Kind kind, LabelExpression scope, String scopeCanonical,
                     ActorSelector providers, ActorSelector consumers, boolean intraScope, List<ServicePort> ports) {
        this(id, ruleSet, rule, kind, scope, scopeCanonical, providers, consumers, intraScope, ports, true);
    }

    /**
     * The scope the providers are restricted to: the rule set's, except for the workloads a virtual service is bound
     * to, which provide it wherever their own labels put them (the virtual service's labels were matched instead).
     */
    public LabelExpression providerScope() {
        return providersScoped ? scope : LabelExpression.ALL;
    }

    public boolean providerWorkload(int w, Resolved r) {
        return providers.containsWorkload(w, r) && providerScope().matches(r.workloadLabels(w), r.labelKeys());
    }

    public boolean consumerWorkload(int w, Resolved r) {
        return consumers.containsWorkload(w, r)
                && (!intraScope || scope.matches(r.workloadLabels(w), r.labelKeys()));
    }

    /** The definition of the provider side's addresses, naming its address set. */
    public String providerSetDefinition() {
        return "actors[" + providers.canonical() + "]scope[" + (providersScoped ? scopeCanonical : "*") + "]";
    }

    /** The definition of the consumer side's addresses, naming its address set. */
    public String consumerSetDefinition() {
        return "actors[" + consumers.canonical() + "]scope[" + (intraScope ? scopeCanonical : "*") + "]";
    }
}
