package dev.cordon.pce.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.core.Refs;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.Workload;
import dev.cordon.policy.validate.ValidationError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether the versioned objects about to be provisioned refer only to objects that will exist: a change subset that
 * leaves out a change (or includes a deletion) something in it depends on is a 406 that names what to add or leave
 * out. Stateless.
 */
final class ProvisionDependencies {
    private ProvisionDependencies() {}

    /**
     * {@code next}: the versioned objects of the new version; {@code draft}: the draft's; {@code setAside}: stored
     * workloads left out of compilation (still stored, so a reference to one is no missing dependency).
     */
    static void check(Map<Kind, Map<String, ObjectNode>> next, Map<Kind, Map<String, ObjectNode>> draft,
                      boolean isSubset, List<Label> liveLabels, List<Workload> liveWorkloads, Set<String> setAside) {
        Map<String, Kind> byCollection = new HashMap<>();
        for (Kind k : Kind.VERSIONED) byCollection.put(k.collection(), k);
        Set<String> labels = new HashSet<>();
        liveLabels.forEach(l -> labels.add(l.href()));
        Set<String> workloads = new HashSet<>();
        liveWorkloads.forEach(w -> workloads.add(w.href()));
        workloads.addAll(setAside);
        List<ValidationError> errors = new ArrayList<>();
        for (Kind k : Kind.VERSIONED) {
            for (var e : next.get(k).entrySet()) {
                Object obj = Json.convert(e.getValue(), k.model(), k.what());
                for (Refs.Reference r : Refs.of(obj)) {
                    boolean present = switch (r.collection()) {
                        case "labels" -> labels.contains(r.href());
                        case "workloads" -> workloads.contains(r.href());
                        default -> next.get(byCollection.get(r.collection())).containsKey(r.href());
                    };
                    if (present) continue;
                    Kind target = byCollection.get(r.collection());
                    boolean inDraft = target != null && draft.get(target).containsKey(r.href());
                    if (isSubset && inDraft) {
                        errors.add(new ValidationError("provision_dependency_missing", k.what() + " " + e.getKey()
                                + " uses " + target.what() + " " + r.href() + ", whose change is not in the subset: add"
                                + " {\"href\": \"" + r.href() + "\"} to change_subset." + r.collection() + "."));
                    } else if (isSubset && target != null) {
                        errors.add(new ValidationError("provision_dependency_missing", k.what() + " " + e.getKey()
                                + " uses " + target.what() + " " + r.href() + ", whose deletion is in the subset:"
                                + " leave the deletion out, or include the change to " + e.getKey() + "."));
                    } else {
                        errors.add(new ValidationError("unknown_reference", k.what() + " " + e.getKey() + " refers to "
                                + r.href() + ", which does not exist: remove the reference or create the object."));
                    }
                }
            }
        }
        if (!errors.isEmpty()) throw ApiException.invalid(errors.stream().distinct().toList());
    }
}
