package dev.cordon.pce.api.labels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.objects.ObjectService;
import dev.cordon.pce.objects.PolicyObjectChecks;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.provision.PolicyService;
import dev.cordon.pce.store.Store;
import dev.cordon.pce.store.Filter;
import dev.cordon.pce.store.Row;
import dev.cordon.policy.model.Label;
import java.util.List;
import java.util.Objects;

/** Labels: key and value required, key immutable, (key, value) unique, and a label in use cannot be deleted. */
public final class LabelChecks implements ObjectService.Checks {
    private final Store store;
    private final PolicyService policy;

    public LabelChecks(Store store, PolicyService policy) {
        this.store = store;
        this.policy = policy;
    }

    @Override
    public void prepare(int org, ObjectNode node, JsonNode old, Principal by) {
        if (old != null && !Objects.equals(Json.text(node, "key"), Json.text(old, "key"))) {
            throw ApiException.invalid("label_key_immutable", "A label's key cannot change (label "
                    + Json.text(old, "href") + " has key '" + Json.text(old, "key") + "'): create a new label instead.");
        }
    }

    @Override
    public void validate(int org, Object obj, Object old, Principal by) {
        Label l = (Label) obj;
        if (l.key() == null || l.key().isBlank()) {
            throw ApiException.invalid("label_key_required", "A label needs a key (role, app, env, loc or a custom key).");
        }
        if (l.value() == null || l.value().isBlank()) {
            throw ApiException.invalid("label_value_required", "A label needs a non-empty value.");
        }
        for (Row r : store.objects().list(org, Kind.LABEL.kind(),
                new Filter(null, null, l.key(), l.value(), null, null), 10).rows()) {
            if (!r.href().equals(l.href())) {
                throw ApiException.invalid("label_key_and_value_must_be_unique", "Label " + l.display()
                        + " already exists (" + r.href() + "): use that label, or pick another value.");
            }
        }
    }

    @Override
    public void beforeDelete(int org, Object old, Principal by) {
        Label l = (Label) old;
        List<String> users = PolicyObjectChecks.usersOf(store, policy, org, l.href());
        for (JsonNode p : store.objects().all(org, "permission").stream().map(r -> Json.parse(r.body())).toList()) {
            for (JsonNode s : p.path("scope")) {
                if (l.href().equals(s.path("label").path("href").asText())) users.add(Json.text(p, "href"));
            }
        }
        if (!users.isEmpty()) {
            throw ApiException.invalid("label_in_use", "Label " + l.display() + " (" + l.href() + ") is in use by "
                    + String.join(", ", users) + ": remove it from those objects (and provision) before deleting it.");
        }
    }
}
