package dev.cordon.pce.ven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.objects.ObjectService;
import dev.cordon.pce.objects.PolicyObjectChecks;
import dev.cordon.pce.core.Refs;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.model.Ref;

/** Pairing profiles: a name, existing labels, and key limits that are "unlimited" or positive numbers. */
public final class PairingProfileChecks implements ObjectService.Checks {
    private final Store store;

    public PairingProfileChecks(Store store) {
        this.store = store;
    }

    @Override
    public void prepare(int org, ObjectNode node, JsonNode old, Principal by) {
        if (!node.has("enforcement_mode")) node.put("enforcement_mode", "idle");
        if (!node.has("ven_type")) node.put("ven_type", "server");
        if (!node.has("enabled")) node.put("enabled", true);
        if (!node.has("key_lifespan")) node.put("key_lifespan", "unlimited");
        if (!node.has("allowed_uses_per_key")) node.put("allowed_uses_per_key", "unlimited");
    }

    @Override
    public void validate(int org, Object obj, Object old, Principal by) {
        PairingProfile p = (PairingProfile) obj;
        PolicyObjectChecks.requireName(p.name(), VenKinds.PAIRING_PROFILE);
        if (!"server".equals(p.venType()) && !"endpoint".equals(p.venType())) {
            throw ApiException.invalid("invalid_ven_type", "ven_type is server or endpoint, not '" + p.venType() + "'.");
        }
        dev.cordon.pce.core.VisibilityLevels.check(p.visibilityLevel(), "The pairing profile's");
        limit(p.keyLifespan(), "key_lifespan", "seconds");
        limit(p.allowedUsesPerKey(), "allowed_uses_per_key", "uses");
        if (p.labels() != null) {
            for (Ref r : p.labels()) {
                if (!PolicyObjectChecks.exists(store, org, new Refs.Reference("labels", r.href()))) {
                    throw ApiException.invalid("unknown_reference", "Pairing profile '" + p.name() + "' names label '"
                            + r.href() + "', which does not exist.");
                }
            }
            // its workloads get these labels: two of one key would make every activated workload invalid
            PolicyObjectChecks.onePerKey(store, org, p.labels(), "Pairing profile '" + p.name() + "'",
                    "pairing_profile_label_key_duplicate");
        }
    }

    private static void limit(JsonNode v, String field, String unit) {
        if (v == null || v.isNull() || (v.isTextual() && v.asText().equals("unlimited"))) return;
        if (v.canConvertToInt() && v.isIntegralNumber() && v.asInt() > 0) return;
        throw ApiException.invalid("invalid_" + field, field + " is \"unlimited\" or a positive number of " + unit
                + ", not " + v + ".");
    }
}
