package dev.cordon.pce.api.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.api.ApiException;
import dev.cordon.pce.api.Json;
import dev.cordon.pce.api.objects.Kind;
import dev.cordon.pce.api.objects.ObjectService;
import dev.cordon.pce.api.objects.PolicyObjectChecks;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.provision.PolicyService;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.model.Interface;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.validate.ValidationError;
import dev.cordon.policy.model.Workload;
import inet.ipaddr.IPAddressString;
import java.util.List;

/**
 * Workloads created through the API are unmanaged; {@code managed}, {@code ven}, {@code agent} and
 * {@code firewall_coexistence} are the PCE's (VEN activation, computed status) and are ignored in bodies. A workload
 * carries at most one label per key, has valid interface addresses, and cannot be deleted while a rule names it or
 * while its VEN is paired.
 */
public final class WorkloadChecks implements ObjectService.Checks {
    public static final List<String> READ_ONLY = List.of("agent", "firewall_coexistence", "firewall_coexistence_warning", "managed",
            "policy_conditions", "ven");
    private final Store store;
    private final PolicyService policy;

    public WorkloadChecks(Store store, PolicyService policy) {
        this.store = store;
        this.policy = policy;
    }

    @Override
    public void prepare(int org, ObjectNode node, JsonNode old, Principal by) {
        node.remove(READ_ONLY);
        if (old == null) {
            node.put("managed", false);
        } else {
            for (String f : List.of("managed", "ven")) {
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
        PolicyObjectChecks.requireReferences(store, org, "workload", w.href(), w);
        PolicyObjectChecks.onePerKey(store, org, w.labelsOrEmpty(), "Workload '" + w.display() + "'",
                "workload_label_key_duplicate");
        List<ValidationError> errors = problems(w, labelsOf(store, org, w));
        if (!errors.isEmpty()) throw ApiException.invalid(errors);
    }

    /**
     * Everything that would stop the engine from compiling this one workload (interface addresses and prefix
     * lengths, VEN type, labels), with the engine's tokens. The API's writes, VEN activation and the provisioning
     * path's check of stored workloads all ask this, so one rule decides what a compilable workload is.
     */
    public static List<ValidationError> problems(Workload w, List<Label> labels) {
        List<ValidationError> out = new java.util.ArrayList<>();
        for (Interface i : w.interfacesOrEmpty()) {
            if (i.address() == null || !new IPAddressString(i.address()).isIPAddress()) {
                out.add(new ValidationError("invalid_interface_address", "Workload '" + w.display() + "' interface '"
                        + i.name() + "' has address '" + i.address() + "', which is not an IPv4 or IPv6 address."));
            }
        }
        if (!out.isEmpty()) return out;
        // everything else the engine checks of one workload (prefix lengths, VEN type), with the engine's messages
        return dev.cordon.policy.validate.Validator.validate(
                dev.cordon.policy.model.PolicyDocument.empty().withLabels(labels).withWorkloads(List.of(w)));
    }

    /** The labels a workload names, as stored; a missing one is left out, so {@link #problems} reports it. */
    public static List<Label> labelsOf(Store store, int org, Workload w) {
        List<Label> labels = new java.util.ArrayList<>();
        for (dev.cordon.policy.model.Ref r : w.labelsOrEmpty()) {
            store.get(org, Kind.LABEL.kind(), r.href()).ifPresent(b -> labels.add(Json.convert(Json.parse(b),
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
        List<String> users = PolicyObjectChecks.usersOf(store, policy, org, w.href());
        users.removeIf(u -> u.equals(w.href()));
        if (!users.isEmpty()) {
            throw ApiException.invalid("workload_in_use", "Workload '" + w.display() + "' is named by "
                    + String.join(", ", users) + ": remove those references first.");
        }
    }
}
