package dev.cordon.pce.api.boundaries;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.api.objects.VersionedReads;
import dev.cordon.pce.api.rulesets.NestedRules;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.objects.ObjectService;
import dev.cordon.pce.store.Filter;
import dev.cordon.pce.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Enforcement boundaries, Illumio's earlier name and shape for deny rules, as a second view of Cordon's deny rules:
 * one object model and one semantics underneath. An enforcement boundary <em>is</em> a deny rule ({@code override:
 * false}: an allow rule overrides it, as Illumio says of boundaries) in the org's rule set "Enforcement boundaries"
 * (scope All, created with the first boundary, marked by external_data_set {@value #MARK_SET}); its {@code name} is
 * the deny rule's description. The boundary {@code .../enforcement_boundaries/7} is that rule set's
 * {@code deny_rules/7}: writes through either path change the same rule, with the same checks and
 * {@code deny_rule.*} events, and provisioning the rule set provisions the boundaries.
 */
public final class EnforcementBoundaries {
    public static final String MARK_SET = "cordon:enforcement_boundaries";
    static final String MARK_REF = "rule_set";
    static final String RULE_SET_NAME = "Enforcement boundaries";
    private static final Set<String> FIELDS = Set.of("name", "providers", "consumers", "ingress_services",
            "href", "created_at", "updated_at", "created_by", "updated_by", "caps", "update_type");
    private static final Set<String> READ_ONLY = Set.of("href", "created_at", "updated_at", "created_by",
            "updated_by", "caps", "update_type");

    private final Store store;
    private final ObjectService objects;
    private final VersionedReads reads;
    private final NestedRules rules;

    public EnforcementBoundaries(Store store, ObjectService objects, VersionedReads reads, NestedRules rules) {
        this.store = store;
        this.objects = objects;
        this.reads = reads;
        this.rules = rules;
    }

    public static String base(int org, String pversion) {
        return "/orgs/" + org + "/sec_policy/" + pversion + "/enforcement_boundaries";
    }

    /** The boundaries of a policy version (draft, active or a number), name filter partial. */
    public List<JsonNode> list(int org, String pversion, String namePart) {
        String rs = ruleSetHref(org, pversion);
        List<JsonNode> out = new ArrayList<>();
        if (rs == null) return out;
        for (JsonNode r : rules.list(org, pversion, rs, "deny_rules")) {
            ObjectNode eb = view(org, r);
            if (namePart == null || Json.text(eb, "name") != null
                    && eb.get("name").asText().toLowerCase(Locale.ROOT).contains(namePart.toLowerCase(Locale.ROOT))) {
                out.add(eb);
            }
        }
        return out;
    }

    public ObjectNode get(int org, String pversion, String id) {
        String rs = ruleSetHref(org, pversion);
        if (rs != null) {
            for (JsonNode r : rules.list(org, pversion, rs, "deny_rules")) {
                if (id(r).equals(id)) return view(org, r);
            }
        }
        throw ApiException.notFound("No enforcement boundary " + base(org, pversion) + "/" + id + ".");
    }

    public ObjectNode create(int org, JsonNode body, Principal by) {
        ObjectNode rule = ruleBody(body, true);
        return store.write(() -> {
            String name = rule.get("description").asText();
            uniqueName(org, name, null);
            return view(org, rules.create(org, ensureRuleSet(org, by), "deny_rules", rule, by));
        });
    }

    public void update(int org, String id, JsonNode body, Principal by) {
        ObjectNode patch = ruleBody(body, false);
        store.writeVoid(() -> {
            String rs = ruleSetHref(org, "draft");
            String rule = ruleHref(org, rs, id);
            if (patch.has("description")) uniqueName(org, patch.get("description").asText(), id);
            rules.update(org, rs, "deny_rules", rule, patch, by);
        });
    }

    public void delete(int org, String id, Principal by) {
        store.writeVoid(() -> {
            String rs = ruleSetHref(org, "draft");
            rules.delete(org, rs, "deny_rules", ruleHref(org, rs, id), by);
        });
    }

    /** The rule set's href when a boundary href is provisioned (change_subset), or null for another href. */
    public String ruleSetOf(int org, String boundaryHref) {
        return boundaryHref.startsWith(base(org, "draft") + "/") ? ruleSetHref(org, "draft") : null;
    }

    private String ruleHref(int org, String rs, String id) {
        if (rs == null) throw ApiException.notFound("No enforcement boundary " + base(org, "draft") + "/" + id + ".");
        for (JsonNode r : rules.list(org, "draft", rs, "deny_rules")) {
            if (id(r).equals(id)) return r.get("href").asText();
        }
        throw ApiException.notFound("No enforcement boundary " + base(org, "draft") + "/" + id + ".");
    }

    private void uniqueName(int org, String name, String exceptId) {
        for (JsonNode eb : list(org, "draft", null)) {
            if (name.equals(Json.text(eb, "name")) && !id(eb).equals(exceptId)) {
                throw ApiException.invalid("enforcement_boundary_name_in_use", "An enforcement boundary named '" + name
                        + "' already exists (" + eb.get("href").asText() + "): pick another name or update that one.");
            }
        }
    }

    /** The marked rule set of this version, or null when the org has no boundaries there. */
    private String ruleSetHref(int org, String pversion) {
        Filter mark = new Filter(null, null, null, null, MARK_SET, MARK_REF);
        List<JsonNode> found = reads.list(org, Kind.RULE_SET, pversion, mark, 1).items();
        return found.isEmpty() ? null : found.get(0).get("href").asText();
    }

    private String ensureRuleSet(int org, Principal by) {
        String rs = ruleSetHref(org, "draft");
        if (rs != null) return rs;
        ObjectNode body = Json.object().put("name", RULE_SET_NAME).put("enabled", true)
                .put("description", "Holds the enforcement boundaries (/sec_policy/draft/enforcement_boundaries): each"
                        + " is one of its deny rules.")
                .put("external_data_set", MARK_SET).put("external_data_reference", MARK_REF);
        body.putArray("scopes").addArray();
        return objects.create(org, Kind.RULE_SET, body, by).get("href").asText();
    }

    /** Boundary body → deny rule body: name becomes the description; references are reduced to hrefs. */
    private static ObjectNode ruleBody(JsonNode body, boolean create) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("invalid_body", "The enforcement boundary must be a JSON object.");
        }
        Json.onlyFields(body, FIELDS, "enforcement boundary");
        ObjectNode in = ((ObjectNode) body).deepCopy();
        in.remove(READ_ONLY);
        ObjectNode rule = Json.object();
        if (in.has("name")) {
            JsonNode n = in.get("name");
            if (!n.isTextual() || n.asText().isBlank()) {
                throw ApiException.invalid("name_required", "An enforcement boundary needs a non-empty name.");
            }
            rule.set("description", n);
        } else if (create) {
            throw ApiException.invalid("name_required", "An enforcement boundary needs a non-empty name.");
        }
        for (String f : List.of("providers", "consumers", "ingress_services")) {
            if (in.has(f)) rule.set(f, in.get(f));
        }
        if (create) {
            for (String f : List.of("providers", "consumers", "ingress_services")) {
                if (!in.has(f)) {
                    throw ApiException.invalid("invalid_enforcement_boundary", "An enforcement boundary needs "
                            + "providers, consumers and ingress_services; " + f + " is missing.");
                }
            }
            rule.put("enabled", true).put("override", false).put("unscoped_consumers", true);
        }
        if (rule.get("ingress_services") instanceof ArrayNode services) {
            // a service may be sent as read (the whole object): its href is the reference
            for (int i = 0; i < services.size(); i++) {
                if (services.get(i) instanceof ObjectNode s && s.hasNonNull("href")) {
                    services.set(i, Json.ref(s.get("href").asText()));
                }
            }
        }
        return rule;
    }

    private static String id(JsonNode r) {
        String href = r.get("href").asText();
        return href.substring(href.lastIndexOf('/') + 1);
    }

    private ObjectNode view(int org, JsonNode rule) {
        // stored and snapshot hrefs are draft hrefs; the endpoint rewrites them for the version asked
        ObjectNode eb = Json.object().put("href", base(org, "draft") + "/" + id(rule));
        eb.set("name", rule.get("description"));
        for (String f : List.of("providers", "consumers", "ingress_services", "created_at", "updated_at",
                "created_by", "updated_by")) {
            if (rule.has(f)) eb.set(f, rule.get(f));
        }
        return eb;
    }
}
