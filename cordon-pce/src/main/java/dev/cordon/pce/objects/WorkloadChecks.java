package dev.cordon.pce.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.core.Workloads;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.policy.PolicyDocuments;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.validate.ValidationError;
import dev.cordon.policy.model.Workload;
import java.util.List;

/**
 * Workloads created through the API are unmanaged; {@code managed}, {@code ven}, {@code agent} and
 * {@code firewall_coexistence} are the PCE's (VEN activation, computed status) and are ignored in bodies. A workload
 * carries at most one label per key, has valid interface addresses, and cannot be deleted while a rule names it or
 * while its VEN is paired.
 */
public final class WorkloadChecks implements ObjectService.Checks {
    private final Store store;
    private final PolicyDocuments policy;

    public WorkloadChecks(Store store, PolicyDocuments policy) {
        this.store = store;
        this.policy = policy;
    }

    @Override
    public void prepare(int org, ObjectNode node, JsonNode old, Principal by) {
        node.remove(Workloads.READ_ONLY);
        if (old == null) {
            node.put("managed", false);
        } else {
            for (String f : List.of("managed", "ven", Workloads.ONLINE)) {
                if (old.has(f)) node.set(f, old.get(f));
            }
        }
        if (!node.has("hostname") && node.hasNonNull("name")) node.set("hostname", node.get("name"));
        if (!node.has("name") && node.hasNonNull("hostname")) node.set("name", node.get("hostname"));
    }

    @Override
    public void validate(int org, Object obj, Object old, Principal by) {
        Workload w = (Workload) obj;
        if ((w.name() == null || w.name().isBlank()) && (w.hostname() == null || w.hostname().isBlank())) {
            throw ApiException.invalid("workload_name_required", "A workload needs a name or a hostname.");
        }
        if (w.publicIp() != null && dev.cordon.policy.validate.AddressParsing.address(w.publicIp()) == null) {
            throw ApiException.invalid("invalid_public_ip", "Workload '" + w.display() + "' public_ip '"
                    + w.publicIp() + "' is not an IPv4 or IPv6 address (accepted, no effect in Cordon).");
        }
        dev.cordon.pce.core.VisibilityLevels.check(w.visibilityLevel(), "Workload '" + w.display() + "'");
        PolicyObjectChecks.requireReferences(store, org, "workload", w.href(), w);
        PolicyObjectChecks.onePerKey(store, org, w.labelsOrEmpty(), "Workload '" + w.display() + "'",
                "workload_label_key_duplicate");
        List<ValidationError> errors = Workloads.problems(w, labelsOf(store, org, w));
        if (!errors.isEmpty()) throw ApiException.invalid(errors);
    }

    /** The labels a workload names, as stored; a missing one is left out, so {@link Workloads#problems} reports it. */
    public static List<Label> labelsOf(Store store, int org, Workload w) {
        List<Label> labels = new java.util.ArrayList<>();
        for (dev.cordon.policy.model.Ref r : w.labelsOrEmpty()) {
            store.objects().get(org, Kind.LABEL.kind(), r.href()).ifPresent(b -> labels.add(Json.convert(Json.parse(b),
                    Label.class, "label")));
        }
        return labels;
    }

    @Override
    public void beforeDelete(int org, Object old, Principal by) {
        Workload w = (Workload) old;
        if (w.isManaged()) {
            throw ApiException.invalid("workload_managed", "Workload '" + w.display() + "' is managed by a VEN:"
                    + " unpair the VEN (DELETE " + (w.ven() == null ? "its VEN" : w.ven().href()) + ") instead.");
        }
        List<String> users = PolicyObjectChecks.usersOf(store, policy.activeSnapshot(org), org, w.href());
        users.removeIf(u -> u.equals(w.href()));
        if (!users.isEmpty()) {
            throw ApiException.invalid("workload_in_use", "Workload '" + w.display() + "' is named by "
                    + String.join(", ", users) + ": remove those references first.");
        }
    }
}
