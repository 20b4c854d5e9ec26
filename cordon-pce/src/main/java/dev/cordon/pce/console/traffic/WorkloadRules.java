package dev.cordon.pce.console.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of a policy version that name one workload, for its detail page: inbound (it is among the providers of a
 * scope it is in), outbound (among the consumers, within the scope unless the rule is extra-scope), and custom
 * iptables rules whose actors include it. Actors are matched as SPEC §2 defines them for labels, label groups, the
 * workload itself and All workloads; IP lists name addresses, not workloads, and are not matched here (the page says
 * so). A reading aid only: what a VEN enforces is compiled by the engine.
 */
public final class WorkloadRules {
    /** A rule that applies: its href, its set's name, and how it names the workload. */
    public record Applies(String href, String ruleSet, String direction) {}

    private final Set<String> labels = new HashSet<>();
    private final Map<String, String> keyOf = new HashMap<>();
    private final Map<String, JsonNode> groups = new HashMap<>();
    private final String workload;
    private final boolean managed;

    WorkloadRules(JsonNode w, List<JsonNode> allLabels, List<JsonNode> labelGroups) {
        this.workload = w.path("href").asText();
        this.managed = w.path("managed").asBoolean();
        for (JsonNode l : w.path("labels")) labels.add(l.path("href").asText());
        for (JsonNode l : allLabels) keyOf.put(l.path("href").asText(), l.path("key").asText());
        for (JsonNode g : labelGroups) groups.put(draft(g.path("href").asText()), g);
    }

    List<Applies> of(List<JsonNode> ruleSets) {
        List<Applies> out = new ArrayList<>();
        for (JsonNode rs : ruleSets) {
            if (!rs.path("enabled").asBoolean(true)) continue;
            List<JsonNode> scopes = new ArrayList<>();
            rs.path("scopes").forEach(scopes::add);
            if (scopes.isEmpty()) scopes.add(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode());
            boolean inScope = scopes.stream().anyMatch(this::matchesExpression);
            for (String kind : List.of("rules", "deny_rules")) {
                for (JsonNode rule : rs.path(kind)) {
                    if (!rule.path("enabled").asBoolean(true)) continue;
                    String href = rule.path("href").asText();
                    if (inScope && matchesActors(rule.path("providers"))) out.add(new Applies(href, rs.path("name").asText(), "inbound"));
                    boolean consumerScoped = !rule.path("unscoped_consumers").asBoolean(false);
                    if ((inScope || !consumerScoped) && matchesActors(rule.path("consumers"))) {
                        out.add(new Applies(href, rs.path("name").asText(), "outbound"));
                    }
                }
            }
            for (JsonNode rule : rs.path("ip_tables_rules")) {
                if (rule.path("enabled").asBoolean(true) && inScope && matchesActors(rule.path("actors"))) {
                    out.add(new Applies(rule.path("href").asText(), rs.path("name").asText(), "custom"));
                }
            }
        }
        return out;
    }

    /** An actor list: All workloads (managed, none of the exclusions), the workload itself, or its label expression. */
    private boolean matchesActors(JsonNode actors) {
        boolean ams = false;
        boolean labelItems = false;
        for (JsonNode a : actors) {
            if (a.path("actors").asText().equals("ams")) ams = true;
            if (a.has("workload") && a.path("workload").path("href").asText().equals(workload)) return true;
            if (a.has("label") || a.has("label_group")) labelItems = true;
        }
        if (ams) return managed && !excluded(actors);
        return labelItems && matchesExpression(actors);
    }

    private boolean excluded(JsonNode actors) {
        for (JsonNode a : actors) if (a.path("exclusion").asBoolean() && hasAny(labelsOf(a))) return true;
        return false;
    }

    /**
     * A label expression (SPEC §2): per key, the workload carries one of the included labels; none of the excluded
     * ones; with only exclusions for a key, it must carry another label of that key. An empty expression matches all.
     */
    private boolean matchesExpression(JsonNode items) {
        Map<String, Set<String>> include = new HashMap<>();
        Map<String, Set<String>> exclude = new HashMap<>();
        for (JsonNode a : items) {
            if (!a.has("label") && !a.has("label_group")) continue;
            Set<String> ls = labelsOf(a);
            String key = a.has("label") ? keyOf.getOrDefault(a.path("label").path("href").asText(), "?")
                    : group(a).path("key").asText("?");
            (a.path("exclusion").asBoolean() ? exclude : include).computeIfAbsent(key, k -> new HashSet<>()).addAll(ls);
        }
        for (Set<String> ls : exclude.values()) if (hasAny(ls)) return false;
        for (Map.Entry<String, Set<String>> e : include.entrySet()) if (!hasAny(e.getValue())) return false;
        for (String key : exclude.keySet()) {
            if (!include.containsKey(key) && labels.stream().noneMatch(l -> key.equals(keyOf.get(l)))) return false;
        }
        return true;
    }

    private boolean hasAny(Set<String> ls) {
        for (String l : ls) if (labels.contains(l)) return true;
        return false;
    }

    private Set<String> labelsOf(JsonNode actor) {
        Set<String> out = new HashSet<>();
        if (actor.has("label")) out.add(actor.path("label").path("href").asText());
        if (actor.has("label_group")) expand(group(actor), out, new HashSet<>());
        return out;
    }

    private void expand(JsonNode g, Set<String> out, Set<String> seen) {
        if (g.isMissingNode() || !seen.add(g.path("href").asText())) return;
        for (JsonNode l : g.path("labels")) out.add(l.path("href").asText());
        for (JsonNode sub : g.path("sub_groups")) expand(groups.getOrDefault(draft(sub.path("href").asText()),
                com.fasterxml.jackson.databind.node.MissingNode.getInstance()), out, seen);
    }

    private JsonNode group(JsonNode actor) {
        return groups.getOrDefault(draft(actor.path("label_group").path("href").asText()),
                com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    }

    /** Label groups are read from the draft; a version's rule names them by that version's href. */
    static String draft(String href) {
        return href.replaceFirst("/sec_policy/(active|\\d+)/", "/sec_policy/draft/");
    }
}
