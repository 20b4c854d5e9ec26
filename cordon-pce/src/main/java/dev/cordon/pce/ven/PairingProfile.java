package dev.cordon.pce.ven;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.policy.model.EnforcementMode;
import dev.cordon.policy.model.Ref;
import java.util.List;

/**
 * A pairing profile: what a VEN activated with one of its keys becomes (labels, enforcement mode, VEN type), and
 * how its keys may be used: {@code key_lifespan} ("unlimited" or seconds) and {@code allowed_uses_per_key}
 * ("unlimited" or a count).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PairingProfile(String href, String name, String description, List<Ref> labels,
                             EnforcementMode enforcementMode, String venType, Boolean enabled, JsonNode keyLifespan,
                             JsonNode allowedUsesPerKey, String externalDataSet, String externalDataReference,
                             String createdAt, String updatedAt, Ref createdBy, Ref updatedBy) {
    public PairingProfile {
        labels = labels == null ? null : List.copyOf(labels);
    }
}
