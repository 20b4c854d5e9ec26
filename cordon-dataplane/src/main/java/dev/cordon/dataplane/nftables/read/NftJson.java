package dev.cordon.dataplane.nftables.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.dataplane.DataplaneException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses {@code nft -j list table} output (libnftables-json(5)) into a {@link LiveTable}. Pure. Rules stay JSON
 * (compact, handles and counter values dropped): Cordon compares what the kernel printed after its apply with what it
 * prints now, so it never needs to turn JSON back into nft syntax (the reason kube-proxy reads JSON and writes text).
 */
public final class NftJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NftJson() {}

    /** A full listing: a set without "elem" is empty. */
    public static LiveTable parse(String json) {
        return parse(json, false);
    }

    /** {@code terse}: the listing was {@code -t}, so sets have no elements to compare (null). */
    public static LiveTable parse(String json, boolean terse) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new DataplaneException("cannot read `nft -j list table` output: " + e.getMessage());
        }
        Map<String, String> type = new LinkedHashMap<>();
        Map<String, String> hook = new LinkedHashMap<>();
        Map<String, Integer> prio = new LinkedHashMap<>();
        Map<String, String> policy = new LinkedHashMap<>();
        Map<String, List<String>> rules = new LinkedHashMap<>();
        Map<String, LiveTable.Set> sets = new TreeMap<>();
        for (JsonNode item : root.path("nftables")) {
            if (item.has("chain")) {
                JsonNode c = item.get("chain");
                String name = c.path("name").asText();
                rules.putIfAbsent(name, new ArrayList<>());
                if (c.has("hook")) {
                    type.put(name, c.path("type").asText());
                    hook.put(name, c.path("hook").asText());
                    prio.put(name, c.path("prio").asInt());
                    policy.put(name, c.path("policy").asText("accept"));
                }
            } else if (item.has("rule")) {
                JsonNode r = item.get("rule");
                rules.computeIfAbsent(r.path("chain").asText(), k -> new ArrayList<>()).add(rule(r));
            } else if (item.has("set")) {
                JsonNode s = item.get("set");
                List<String> flags = new ArrayList<>();
                s.path("flags").forEach(f -> flags.add(f.asText()));
                List<String> elements = terse ? null : new ArrayList<>();
                if (!terse && s.has("elem")) {
                    elements = new ArrayList<>();
                    for (JsonNode e : s.get("elem")) elements.add(element(e));
                    elements.sort(null);
                }
                sets.put(s.path("name").asText(), new LiveTable.Set(type(s.path("type")), flags, elements));
            }
        }
        Map<String, LiveTable.Chain> chains = new TreeMap<>();
        rules.forEach((name, rs) -> chains.put(name, new LiveTable.Chain(type.get(name), hook.get(name), prio.get(name),
                policy.get(name), rs)));
        return new LiveTable(chains, sets);
    }

    /** The rule's expressions and comment as compact JSON; counters' values zeroed (they move with every packet). */
    static String rule(JsonNode r) {
        ObjectNode out = JSON.createObjectNode();
        JsonNode expr = r.path("expr").deepCopy();
        zeroCounters(expr);
        out.set("expr", expr);
        if (r.has("comment")) out.put("comment", r.get("comment").asText());
        return out.toString();
    }

    private static void zeroCounters(JsonNode n) {
        if (n.isObject()) {
            JsonNode c = n.get("counter");
            if (c != null && c.isObject() && c.has("packets")) ((ObjectNode) n).putNull("counter");
            for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) zeroCounters(it.next());
        } else if (n.isArray()) {
            for (JsonNode e : n) zeroCounters(e);
        }
    }

    private static String type(JsonNode t) {
        if (!t.isArray()) return t.asText();
        List<String> parts = new ArrayList<>();
        t.forEach(p -> parts.add(p.asText()));
        return String.join(" . ", parts);
    }

    /** An element in nft syntax: "10.1.0.0/24 . tcp . 443". */
    static String element(JsonNode e) {
        if (e.isObject()) {
            if (e.has("prefix")) return e.get("prefix").path("addr").asText() + "/" + e.get("prefix").path("len").asInt();
            if (e.has("concat")) {
                List<String> parts = new ArrayList<>();
                for (JsonNode p : e.get("concat")) parts.add(element(p));
                return String.join(" . ", parts);
            }
            if (e.has("range")) return element(e.get("range").get(0)) + "-" + element(e.get("range").get(1));
            if (e.has("elem")) return element(e.get("elem").path("val"));
            return e.toString();
        }
        return e.asText();
    }

    /** A short text of a rule for reports: its comment when it has one, else its JSON. */
    public static String describe(String rule) {
        try {
            JsonNode n = JSON.readTree(rule);
            return n.has("comment") ? "comment \"" + n.get("comment").asText() + "\" " + n.get("expr") : n.get("expr").toString();
        } catch (IOException e) {
            return rule;
        }
    }
}
