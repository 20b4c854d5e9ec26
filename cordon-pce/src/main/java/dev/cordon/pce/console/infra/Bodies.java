package dev.cordon.pce.console.infra;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Turns form values into API bodies. Picker values name an object by kind and href ({@code label:/orgs/1/labels/3},
 * {@code ams}, {@code ip_list:/orgs/1/sec_policy/draft/ip_lists/1}), so one picker can offer several kinds.
 */
public final class Bodies {
    private Bodies() {}

    public static ObjectNode object() {
        return ApiClient.JSON.createObjectNode();
    }

    /** {@code [{"href": h}, ...]}. */
    public static ArrayNode refs(List<String> hrefs) {
        ArrayNode a = ApiClient.array();
        for (String h : hrefs) a.addObject().put("href", h);
        return a;
    }

    /** Actors from picker values; {@code excluded} values get {@code "exclusion": true}. */
    public static ArrayNode actors(List<String> included, List<String> excluded) {
        ArrayNode a = ApiClient.array();
        for (String v : included) a.add(actor(v, false));
        for (String v : excluded) a.add(actor(v, true));
        return a;
    }

    static ObjectNode actor(String pickerValue, boolean exclusion) {
        ObjectNode n = object();
        if (pickerValue.equals("ams")) return n.put("actors", "ams");
        int colon = pickerValue.indexOf(':');
        String kind = colon < 0 ? "label" : pickerValue.substring(0, colon);
        String href = colon < 0 ? pickerValue : pickerValue.substring(colon + 1);
        n.putObject(kind).put("href", href);
        if (exclusion) n.put("exclusion", true);
        return n;
    }

    /** The picker value of an actor in an API body (the inverse of {@link #actor}). */
    public static String pickerValue(com.fasterxml.jackson.databind.JsonNode actor) {
        if (actor.path("actors").asText().equals("ams")) return "ams";
        for (String k : List.of("label", "label_group", "workload", "ip_list")) {
            if (actor.has(k)) return k + ":" + actor.path(k).path("href").asText();
        }
        return "";
    }

    /** The last path segment of an href ({@code /orgs/1/labels/7} → {@code 7}). */
    public static String id(String href) {
        return href.substring(href.lastIndexOf('/') + 1);
    }
}
