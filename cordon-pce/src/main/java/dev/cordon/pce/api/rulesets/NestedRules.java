package dev.cordon.pce.api.rulesets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.objects.ObjectService;
import dev.cordon.pce.api.objects.VersionedReads;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The nested endpoints {@code rule_sets/{id}/sec_rules|deny_rules|ip_tables_rules[/{rid}]}. A rule lives inside its
 * rule set's body, so every nested write is a change of the whole rule set through {@link ObjectService#save}: the
 * same reference checks, engine validation and rule set manager rules apply, with the nested event type.
 */
public final class NestedRules {
    /** URL segment → (field in the rule set body, event prefix, what for messages). */
    public record Nested(String field, String event, String what) {}

    public static final Map<String, Nested> SEGMENTS = Map.of(
            "sec_rules", new Nested("rules", "sec_rule", "allow rule"),
            "deny_rules", new Nested("deny_rules", "deny_rule", "deny rule"),
            "ip_tables_rules", new Nested("ip_tables_rules", "ip_tables_rule", "custom iptables rule"));

    private final Store store;
    private final ObjectService objects;
    private final VersionedReads reads;
    private final Clock clock;

    public NestedRules(Store store, ObjectService objects, VersionedReads reads, Clock clock) {
        this.store = store;
        this.objects = objects;
        this.reads = reads;
        this.clock = clock;
    }

    public static Nested nested(String segment) {
        Nested n = SEGMENTS.get(segment);
        if (n == null) throw ApiException.notFound("Unknown rule list '" + segment + "': use sec_rules, deny_rules or ip_tables_rules.");
        return n;
    }

    public List<JsonNode> list(int org, String pversion, String rsHref, String segment) {
        ObjectNode rs = reads.get(org, Kind.RULE_SET, pversion, rsHref);
        return toList(rs.path(nested(segment).field()));
    }

    public ObjectNode get(int org, String pversion, String rsHref, String segment, String ruleHref) {
        for (JsonNode r : list(org, pversion, rsHref, segment)) {
            if (ruleHref.equals(Json.text(r, "href"))) return (ObjectNode) r;
        }
        throw ApiException.notFound("No " + nested(segment).what() + " " + ruleHref + ".");
    }

    private static List<JsonNode> toList(JsonNode array) {
        java.util.ArrayList<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    public ObjectNode create(int org, String rsHref, String segment, JsonNode body, Principal by) {
        Nested n = nested(segment);
        ObjectNode rule = ruleBody(body, n);
        return store.write(() -> {
            ObjectNode old = objects.get(org, Kind.RULE_SET, rsHref);
            ObjectNode rs = old.deepCopy();
            ArrayNode list = rs.withArray(n.field());
            list.add(rule);
            touch(rs, by);
            ObjectNode saved = objects.save(org, Kind.RULE_SET, rs, old, by, n.event() + ".create");
            JsonNode savedList = saved.path(n.field());
            return (ObjectNode) savedList.get(savedList.size() - 1);
        });
    }

    public void update(int org, String rsHref, String segment, String ruleHref, JsonNode body, Principal by) {
        Nested n = nested(segment);
        ObjectNode patch = ruleBody(body, n);
        store.writeVoid(() -> {
            ObjectNode old = objects.get(org, Kind.RULE_SET, rsHref);
            ObjectNode rs = old.deepCopy();
            ObjectNode rule = find(rs, n, ruleHref);
            patch.fields().forEachRemaining(e -> rule.set(e.getKey(), e.getValue()));
            touch(rs, by);
            objects.save(org, Kind.RULE_SET, rs, old, by, n.event() + ".update");
        });
    }

    public void delete(int org, String rsHref, String segment, String ruleHref, Principal by) {
        Nested n = nested(segment);
        store.writeVoid(() -> {
            ObjectNode old = objects.get(org, Kind.RULE_SET, rsHref);
            ObjectNode rs = old.deepCopy();
            find(rs, n, ruleHref);
            ArrayNode list = (ArrayNode) rs.get(n.field());
            for (int i = 0; i < list.size(); i++) {
                if (ruleHref.equals(Json.text(list.get(i), "href"))) {
                    list.remove(i);
                    break;
                }
            }
            touch(rs, by);
            objects.save(org, Kind.RULE_SET, rs, old, by, n.event() + ".delete");
        });
    }

    private void touch(ObjectNode rs, Principal by) {
        rs.put("updated_at", Json.now(clock));
        rs.set("updated_by", by.ref());
    }

    private static ObjectNode find(ObjectNode rs, Nested n, String ruleHref) {
        for (JsonNode r : rs.path(n.field())) {
            if (ruleHref.equals(Json.text(r, "href"))) return (ObjectNode) r;
        }
        throw ApiException.notFound("No " + n.what() + " " + ruleHref + ".");
    }

    private static ObjectNode ruleBody(JsonNode body, Nested n) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("invalid_body", "The " + n.what() + " must be a JSON object.");
        }
        ObjectNode r = ((ObjectNode) body).deepCopy();
        r.remove(ObjectService.SERVER_FIELDS);
        return r;
    }
}
