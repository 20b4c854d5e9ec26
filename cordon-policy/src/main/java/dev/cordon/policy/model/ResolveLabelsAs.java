package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** How a rule resolves labels on each side; Cordon resolves labels as workloads. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResolveLabelsAs(List<String> providers, List<String> consumers) {
    public ResolveLabelsAs {
        providers = Lists.copy(providers);
        consumers = Lists.copy(consumers);
    }
}
