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
 *
 * <p>Accepted, stored and returned, no effect in Cordon (docs/api.md): the label locks ({@code role_label_lock},
 * {@code app_label_lock}, {@code env_label_lock}, {@code loc_label_lock}), {@code enforcement_mode_lock},
 * {@code visibility_level_lock}, {@code agent_software_release}: in Illumio they stop a VEN's installer from
 * overriding the profile's values. {@code visibility_level} takes effect: a VEN activated with the profile's key gets
 * it on its workload, which its VEN is told in every heartbeat answer ({@code traffic.TrafficReporting}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PairingProfile(String href, String name, String description, List<Ref> labels,
                             EnforcementMode enforcementMode, String venType, Boolean enabled, JsonNode keyLifespan,
                             JsonNode allowedUsesPerKey, String externalDataSet, String externalDataReference,
                             Boolean roleLabelLock, Boolean appLabelLock, Boolean envLabelLock, Boolean locLabelLock,
                             Boolean enforcementModeLock, String visibilityLevel, Boolean visibilityLevelLock,
                             String agentSoftwareRelease,
                             String createdAt, String updatedAt, Ref createdBy, Ref updatedBy) {
    /** Illumio's visibility levels (what the VEN reports of its traffic). */
    public static final java.util.List<String> VISIBILITY_LEVELS = dev.cordon.pce.core.VisibilityLevels.ALL;

    public PairingProfile {
        labels = labels == null ? null : List.copyOf(labels);
    }
}
