package dev.cordon.pce.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.Kind;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How references in a request body are read (API.md Conventions): real clients send objects back as they read
 * them, so a reference may carry the referenced object's other fields, and a draft object may refer to the active
 * href of a policy object. Both are reduced to the one form the PCE stores: {@code {"href": <draft href>}}.
 */
public final class ReferenceShapes {
    private static final Pattern ACTIVE = Pattern.compile("^/orgs/(\\d+)/sec_policy/active/([a-z_]+)/([^/]+)$");

    private ReferenceShapes() {}

    /** Both reductions for an object about to be checked and stored (see the class comment). */
    public static void normalise(int org, Kind kind, ObjectNode node) {
        activeToDraft(org, node);
        if (kind == Kind.RULE_SET) {
            for (String list : new String[] {"rules", "deny_rules", "ip_tables_rules"}) {
                for (JsonNode rule : node.path(list)) {
                    if (!(rule instanceof ObjectNode r)) continue;
                    // a service sent as read (the whole object) is referenced by its href
                    hrefsOnly(r, "ingress_services");
                    for (String side : new String[] {"providers", "consumers", "actors"}) actorRefs(r.get(side));
                }
            }
            for (JsonNode scope : node.path("scopes")) actorRefs(scope);
        }
    }

    /** In each actor, a referenced object sent whole ({@code "label": {"href","key","value",...}}) becomes its href. */
    private static void actorRefs(JsonNode actors) {
        if (!(actors instanceof ArrayNode a)) return;
        for (JsonNode actor : a) {
            if (!(actor instanceof ObjectNode o)) continue;
            for (String f : new String[] {"label", "label_group", "workload", "ip_list"}) {
                if (o.get(f) instanceof ObjectNode ref && ref.hasNonNull("href") && ref.get("href").isTextual()) {
                    o.set(f, o.objectNode().set("href", ref.get("href")));
                }
            }
        }
    }

    /**
     * Rewrites every nested {@code href} of {@code node} that names an active policy object of this org to the
     * draft href of the same object. The draft is where references resolve; when the object was removed from the
     * draft, the reference check then reports it as it would any missing object.
     */
    public static void activeToDraft(int org, ObjectNode node) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("href")) rewrite(org, e.getValue());
        }
    }

    private static void rewrite(int org, JsonNode n) {
        if (n instanceof ArrayNode a) {
            a.forEach(x -> rewrite(org, x));
        } else if (n instanceof ObjectNode o) {
            JsonNode h = o.get("href");
            if (h != null && h.isTextual()) {
                Matcher m = ACTIVE.matcher(h.asText());
                if (m.matches() && Integer.parseInt(m.group(1)) == org && versioned(m.group(2))) {
                    o.put("href", "/orgs/" + org + "/sec_policy/draft/" + m.group(2) + "/" + m.group(3));
                }
            }
            o.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("href")) rewrite(org, e.getValue());
            });
        }
    }

    private static boolean versioned(String collection) {
        for (Kind k : Kind.VERSIONED) if (k.collection().equals(collection)) return true;
        return collection.equals("virtual_services");
    }

    /** Reduces each reference of {@code node.field} (an array of objects with an href) to {@code {"href"}}. */
    public static void hrefsOnly(ObjectNode node, String field) {
        JsonNode list = node.get(field);
        if (!(list instanceof ArrayNode a)) return;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) instanceof ObjectNode o && o.hasNonNull("href") && o.get("href").isTextual()) {
                ObjectNode ref = o.objectNode();
                ref.set("href", o.get("href"));
                a.set(i, ref);
            }
        }
    }
}
