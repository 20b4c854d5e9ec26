package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An allow rule ({@code sec_rules}) or a deny rule ({@code deny_rules}); the same shape serves both.
 * A deny rule carries {@code override}; an allow rule may carry {@code stateless}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rule(String href, Boolean enabled, String description, List<Actor> providers, List<Actor> consumers,
                   List<ServiceRef> ingressServices, Boolean unscopedConsumers, Boolean stateless, Boolean override,
                   ResolveLabelsAs resolveLabelsAs, Boolean secConnect, Boolean machineAuth,
                   String externalDataSet, String externalDataReference,
                   String createdAt, String updatedAt, Ref createdBy, Ref updatedBy) {
    public Rule {
        providers = Lists.copy(providers);
        consumers = Lists.copy(consumers);
        ingressServices = Lists.copy(ingressServices);
    }

    public static Rule allow(String href, List<Actor> providers, List<Actor> consumers, List<ServiceRef> services,
                             boolean unscopedConsumers, boolean stateless) {
        return new Rule(href, true, null, providers, consumers, services, unscopedConsumers, stateless, null,
                null, null, null, null, null, null, null, null, null);
    }

    public static Rule deny(String href, List<Actor> providers, List<Actor> consumers, List<ServiceRef> services,
                            boolean unscopedConsumers, boolean override) {
        return new Rule(href, true, null, providers, consumers, services, unscopedConsumers, null, override,
                null, null, null, null, null, null, null, null, null);
    }

    public boolean isEnabled() {
        return enabled == null || enabled;
    }

    public boolean isUnscopedConsumers() {
        return Boolean.TRUE.equals(unscopedConsumers);
    }

    public boolean isStateless() {
        return Boolean.TRUE.equals(stateless);
    }

    public boolean isOverride() {
        return Boolean.TRUE.equals(override);
    }

    public List<Actor> providersOrEmpty() {
        return Lists.orEmpty(providers);
    }

    public List<Actor> consumersOrEmpty() {
        return Lists.orEmpty(consumers);
    }

    public List<ServiceRef> ingressServicesOrEmpty() {
        return Lists.orEmpty(ingressServices);
    }

    public Rule withEnabled(boolean on) {
        return new Rule(href, on, description, providers, consumers, ingressServices, unscopedConsumers, stateless,
                override, resolveLabelsAs, secConnect, machineAuth, externalDataSet, externalDataReference,
                createdAt, updatedAt, createdBy, updatedBy);
    }

    public Rule withActors(List<Actor> newProviders, List<Actor> newConsumers) {
        return new Rule(href, enabled, description, newProviders, newConsumers, ingressServices, unscopedConsumers,
                stateless, override, resolveLabelsAs, secConnect, machineAuth, externalDataSet, externalDataReference,
                createdAt, updatedAt, createdBy, updatedBy);
    }
}
