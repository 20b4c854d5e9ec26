package dev.cordon.policy.validate;

import dev.cordon.policy.model.Rule;
import dev.cordon.policy.model.ServiceRef;

/**
 * Allow and deny rules: providers, consumers and services that are well formed and exist; {@code stateless} only on
 * allow rules (and then the stateless caveats), {@code override} only on deny rules.
 */
final class RuleValidator {
    private final DocumentIndex index;
    private final ActorValidator actors;
    private final StatelessRules stateless;
    private final Findings out;

    RuleValidator(DocumentIndex index, ActorValidator actors, StatelessRules stateless, Findings out) {
        this.index = index;
        this.actors = actors;
        this.stateless = stateless;
        this.out = out;
    }

    void check(Subject rule, Rule r, boolean deny) {
        actors.list(rule, "providers", r.providersOrEmpty());
        actors.list(rule, "consumers", r.consumersOrEmpty());
        services(rule, r);
        if (deny && r.isStateless()) {
            out.add(rule, "stateless_on_deny_rule", "stateless applies to allow rules only; remove it from the deny"
                    + " rule");
        }
        if (!deny && r.isOverride()) {
            out.add(rule, "override_on_allow_rule", "override belongs to deny rules; remove it, or move the rule to"
                    + " deny_rules to make it an override deny");
        }
        if (!deny && r.isStateless()) {
            stateless.check(rule, r.providersOrEmpty());
        }
    }

    private void services(Subject rule, Rule r) {
        if (r.ingressServicesOrEmpty().isEmpty()) {
            out.add(rule, "ingress_services_required", "ingress_services is empty; name at least one service (use"
                    + " All Services for everything)");
        }
        for (ServiceRef s : r.ingressServicesOrEmpty()) {
            if (s.href() == null) {
                PortValidator.check(rule, "ingress service", s.proto(), s.port(), s.toPort(), s.icmpType(),
                        s.icmpCode(), out);
            } else if (s.proto() != null || s.port() != null || s.toPort() != null || s.icmpType() != null
                    || s.icmpCode() != null) {
                out.add(rule, "invalid_service_reference", "an ingress service names both href " + s.href()
                        + " and a protocol or port; give one or the other");
            } else if (!index.services.containsKey(s.href())) {
                out.add(rule, "unknown_service", "service " + Names.href(s.href()) + " does not exist; create it or"
                        + " refer to one that does");
            }
        }
    }
}
