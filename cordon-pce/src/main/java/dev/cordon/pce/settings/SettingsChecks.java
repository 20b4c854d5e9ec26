package dev.cordon.pce.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.validate.ValidationError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules of the workload settings: only Illumio's fields; each timer list is an array of
 * {@code {"scope":[{"href":label}], "value":seconds, "ven_type"?}}, {@code value} -1 (never) or a whole number of
 * seconds (at least 300 for the disconnected timer, at least 0 for the goodbye timer), scope labels that exist, no two
 * entries for the same scope and VEN type, and a default entry (empty scope) for every VEN type. All errors at once.
 */
final class SettingsChecks {
    static final long MAX_SECONDS = Integer.MAX_VALUE;
    private static final Set<String> ENTRY_FIELDS = Set.of("scope", "value", "ven_type");
    private static final List<String> VEN_TYPES = List.of("server", "endpoint");

    private SettingsChecks() {}

    static void check(Store store, int org, ObjectNode s) {
        Json.onlyFields(s, new HashSet<>(WorkloadSettings.fields()), "workload settings");
        List<ValidationError> errors = new ArrayList<>();
        timerList(store, org, s, WorkloadSettings.DISCONNECTED, 300, errors);
        timerList(store, org, s, WorkloadSettings.GOODBYE, 0, errors);
        for (String f : WorkloadSettings.NO_EFFECT) {
            JsonNode v = s.get(f);
            if (v != null && !v.isNull() && !(v.isArray() && allObjects(v))) {
                errors.add(new ValidationError("invalid_" + f, f + " is a list of per-scope entries (JSON objects),"
                        + " not " + v + "."));
            }
        }
        if (!errors.isEmpty()) throw ApiException.invalid(errors);
    }

    private static boolean allObjects(JsonNode a) {
        for (JsonNode n : a) if (!n.isObject()) return false;
        return true;
    }

    private static void timerList(Store store, int org, ObjectNode s, String field, long min, List<ValidationError> errors) {
        JsonNode list = s.get(field);
        String token = "invalid_" + field;
        if (list == null || !list.isArray() || list.isEmpty()) {
            errors.add(new ValidationError(token, field + " is a non-empty list of {\"scope\": [{\"href\": <label>}],"
                    + " \"value\": <seconds or -1>, \"ven_type\"?: \"server|endpoint\"}, with a default entry (\"scope\": [])."));
            return;
        }
        Set<String> seen = new HashSet<>();
        Set<String> defaults = new HashSet<>();
        ArrayNode normalised = Json.array();
        for (JsonNode e : list) {
            if (!e.isObject()) {
                errors.add(new ValidationError(token, "Each entry of " + field + " is a JSON object, not " + e + "."));
                continue;
            }
            for (var it = e.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!ENTRY_FIELDS.contains(f)) {
                    errors.add(new ValidationError("unknown_field", "Unknown field '" + f + "' in an entry of " + field
                            + ": the fields are scope, value and ven_type."));
                }
            }
            JsonNode v = e.get("value");
            if (v == null || !v.isIntegralNumber() || !(v.asLong() == Timer.NEVER || (v.asLong() >= min && v.asLong() <= MAX_SECONDS))) {
                errors.add(new ValidationError(token, field + " value is -1 (never) or a whole number of seconds from "
                        + min + " to " + MAX_SECONDS + ", not " + v + "."));
            }
            String venType = Json.text(e, "ven_type");
            if (venType != null && !VEN_TYPES.contains(venType)) {
                errors.add(new ValidationError("invalid_ven_type", field + " ven_type is server or endpoint (or left out"
                        + " for both), not '" + venType + "'."));
            }
            TreeSet<String> scope = new TreeSet<>();
            JsonNode sc = e.get("scope");
            if (sc != null && !sc.isNull() && !sc.isArray()) {
                errors.add(new ValidationError(token, field + " scope is a list of label references [{\"href\": ...}], not " + sc + "."));
            } else if (sc != null) {
                for (JsonNode r : sc) {
                    String href = Json.text(r, "href");
                    if (href == null || store.objects().get(org, "label", href).isEmpty()) {
                        errors.add(new ValidationError("unknown_reference", field + " scope names label " + r
                                + ", which does not exist: create it first or fix the href."));
                    } else {
                        scope.add(href);
                    }
                }
            }
            if (!seen.add(scope + "|" + venType)) {
                errors.add(new ValidationError(token, field + " has two entries for scope " + scope + " and ven_type "
                        + (venType == null ? "(any)" : venType) + ": keep one."));
            }
            if (scope.isEmpty()) defaults.addAll(venType == null ? VEN_TYPES : List.of(venType));
            // references may carry the label's other fields (clients send objects back as read): keep the href
            ObjectNode n = normalised.addObject();
            ArrayNode outScope = n.putArray("scope");
            scope.forEach(h -> outScope.addObject().put("href", h));
            if (v != null) n.set("value", v);
            if (venType != null) n.put("ven_type", venType);
        }
        if (!defaults.containsAll(VEN_TYPES)) {
            errors.add(new ValidationError(token, field + " needs a default entry with \"scope\": [] for every VEN type"
                    + " (one without ven_type, or one for server and one for endpoint)."));
        }
        s.set(field, normalised);
    }

    /** The stored (validated) list as timers. */
    static List<Timer> timers(JsonNode list) {
        List<Timer> out = new ArrayList<>();
        if (list == null) return out;
        for (JsonNode e : list) {
            List<String> scope = new ArrayList<>();
            for (JsonNode r : e.path("scope")) scope.add(r.path("href").asText());
            out.add(new Timer(scope, Json.text(e, "ven_type"), e.path("value").asLong()));
        }
        return out;
    }
}
