package dev.cordon.pce.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.console.infra.Form.Field;
import dev.cordon.pce.console.infra.ApiClient;
import dev.cordon.pce.console.infra.Bodies;
import dev.cordon.pce.console.infra.Caller;
import dev.cordon.pce.console.infra.Form;
import dev.cordon.pce.console.infra.Page;
import dev.cordon.pce.console.infra.Picked;
import dev.cordon.pce.console.infra.Ports;
import dev.cordon.pce.console.infra.Req;
import dev.cordon.pce.console.infra.Rules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rule sets in the draft: scopes with exclusions; allow, deny, override-deny and custom iptables rules; and the
 * conflict markers (a rule named by any draft {@code rule_conflicts} entry is marked; its panel names the other rule,
 * the kind and the example flow). A rule set manager sees only the rule sets whose every scope lies within one of
 * its scopes (the rule of SPEC §5, as the API applies it to writes).
 */
public final class RuleSets {
    static final int SCOPE_ROWS = 3;
    private static final List<Field> RULE_SET = List.of(Field.of("scopes", "scope"), Field.of("name", "name"));
    private static final List<Field> RULE = List.of(Field.of("stateless", "stateless"),
            Field.of("providers", "provider", "destination"), Field.of("consumers", "consumer", "source"),
            Field.of("services", "service", "port", "proto"), Field.of("statements", "statement", "iptables", "table", "chain"),
            Field.of("actors", "actor", "receiver"), Field.of("ip_version", "ip_version"));
    private static final Map<String, String> COLLECTIONS = Map.of("sec_rules", "allow rule", "deny_rules", "deny rule",
            "ip_tables_rules", "custom iptables rule");

    // ---- the list ----

    public void list(Req r) {
        showList(r, null);
    }

    private void showList(Req r, Form posted) {
        // rule sets are few: the whole list is read for the count of those a rule set manager does not see
        List<JsonNode> all = r.list(r.draft("/rule_sets?max_results=100000"));
        dev.cordon.pce.console.infra.ListPage lp = dev.cordon.pce.console.infra.Lister.load(r,
                new dev.cordon.pce.console.infra.Lister.Spec(r.draft("/rule_sets"), dev.cordon.pce.console.infra.Lister.byName(),
                        Map.of("name", rs -> rs.path("name").asText(), "state", rs -> rs.path("enabled").asBoolean(true) ? "a" : "b"),
                        rs -> visible(r, rs)), Map.of());
        List<JsonNode> visible = lp.rows();
        long shown = all.stream().filter(rs -> visible(r, rs)).count();
        // the conflict markers come after the page (markers(): the draft's rule_conflicts over every rule can take
        // seconds at 1,000 rules), so the list answers at once; the page names the rule sets whose markers it wants
        List<String> ids = new ArrayList<>();
        List<String> scopeLabels = new ArrayList<>();
        for (JsonNode rs : visible) {
            ids.add(Bodies.id(rs.path("href").asText()));
            for (JsonNode scope : rs.path("scopes")) for (JsonNode a : scope) scopeLabels.add(a.path("label").path("href").asText(null));
        }
        // the scopes' labels in one read, not one by one (and not the org's 10,000 once a page names more than 48)
        r.lookups.prefetch(scopeLabels);
        Page p = r.page("Rule sets", "rule_sets").with("rule_sets", visible).with("marker_ids", String.join(",", ids))
                .with("hidden", all.size() - shown).with("scope_rows", SCOPE_ROWS).with("list", lp);
        if (posted != null) p.form(posted);
        r.render("rule_sets", p);
    }

    /**
     * The conflict markers of the listed rule sets ({@code ids}, comma-separated), an htmx fragment the list loads
     * after itself: a status line that replaces the loading note, and each marked set's marker swapped out of band
     * into its row's slot ({@code marker-<id>}).
     */
    public void markers(Req r) {
        Set<String> wanted = new HashSet<>();
        String ids = r.ctx.queryParam("ids");
        for (String id : (ids == null ? "" : ids).split(",")) if (!id.isBlank()) wanted.add(id.strip());
        Set<String> marked = new java.util.TreeSet<>();
        for (String h : conflicted(r)) {
            String set = h.replaceFirst("/(sec_rules|deny_rules|ip_tables_rules)/.*", "");
            String id = Bodies.id(set);
            if (wanted.contains(id)) marked.add(id);
        }
        Page p = r.page("Conflict markers", "rule_sets").with("marked", new ArrayList<>(marked));
        r.render("rule_set_markers", p);
    }

    public void create(Req r) {
        Form f = r.form("rule_set");
        ObjectNode body = Bodies.object().put("name", r.param("name")).put("enabled", true);
        body.set("scopes", scopes(r, f));
        if (f.hasErrors()) {
            r.refused(() -> showList(r, f));
            return;
        }
        body.putArray("rules");
        body.putArray("deny_rules");
        body.putArray("ip_tables_rules");
        JsonNode created = null;
        var resp = r.api.post(r.key(), r.draft("/rule_sets"), body);
        if (resp.ok()) created = resp.body();
        String next = created == null ? "/console/rule_sets" : "/console/rule_sets/" + Bodies.id(created.path("href").asText());
        r.outcome(resp, f, RULE_SET, "Rule set '" + r.param("name") + "' added to the draft.", next, () -> showList(r, f));
    }

    // ---- one rule set ----

    public void show(Req r) {
        showOne(r, null);
    }

    private void showOne(Req r, Form posted) {
        String id = r.path("id");
        JsonNode rs = r.read(r.draft("/rule_sets/" + id));
        Page p = r.page("Rule set " + rs.path("name").asText(), "rule_sets").with("rs", rs).with("id", id)
                .with("conflicted", conflicted(r)).with("scope_rows", SCOPE_ROWS)
                .with("may_write", r.session.caller.canWrite() || (r.session.caller.canWriteRuleSets() && visible(r, rs)));
        // every rule's edit form, filled from the rule (the one posted back keeps what was posted)
        for (String kind : COLLECTIONS.keySet()) {
            for (JsonNode rule : rs.path(kind.equals("sec_rules") ? "rules" : kind)) {
                Form filled = prefilledRule(kind, rule);
                if (posted == null || !posted.id.equals(filled.id)) p.form(filled);
            }
        }
        if (posted != null) p.form(posted).with("posted", posted.id);
        else p.form(prefilled(rs));
        r.render("rule_set", p);
    }

    public void update(Req r) {
        Form f = r.form("edit");
        ObjectNode body = Bodies.object().put("name", r.param("name")).put("enabled", r.param("enabled").equals("on"));
        body.set("scopes", scopes(r, f));
        if (f.hasErrors()) {
            r.refused(() -> showOne(r, f));
            return;
        }
        r.outcome(r.api.put(r.key(), r.draft("/rule_sets/" + r.path("id")), body), f, RULE_SET,
                "Rule set saved in the draft.", "/console/rule_sets/" + r.path("id"), () -> showOne(r, f));
    }

    public void delete(Req r) {
        Form f = r.form("edit");
        r.outcome(r.api.delete(r.key(), r.draft("/rule_sets/" + r.path("id"))), f, List.of(),
                "Rule set removed from the draft.", "/console/rule_sets", () -> showOne(r, f));
    }

    public void addRule(Req r) {
        String rules = r.path("rules");
        if (!COLLECTIONS.containsKey(rules)) {
            r.html(404, "No such kind of rule: " + rules);
            return;
        }
        Form f = r.form(rules);
        ObjectNode body = ruleBody(r, f, rules).put("enabled", true);
        String id = r.path("id");
        if (f.hasErrors()) {
            // every problem the console itself found, at once (typed names that name nothing, unreadable ports)
            r.refused(() -> showOne(r, f));
            return;
        }
        r.outcome(r.api.post(r.key(), r.draft("/rule_sets/" + id + "/" + rules), body), f, RULE,
                "Added the " + (rules.equals("deny_rules") && r.param("override").equals("yes") ? "override deny rule"
                        : COLLECTIONS.get(rules)) + " to the draft.", "/console/rule_sets/" + id, () -> showOne(r, f));
    }

    /** Every field of a rule changed at once (the rule keeps its href, so its hit counts and events stay its own). */
    public void updateRule(Req r) {
        String rules = r.path("rules");
        if (!COLLECTIONS.containsKey(rules)) {
            r.html(404, "No such kind of rule: " + rules);
            return;
        }
        String id = r.path("id");
        Form f = r.form(rules + "-" + r.path("rid"));
        ObjectNode body = ruleBody(r, f, rules);
        if (f.hasErrors()) {
            r.refused(() -> showOne(r, f));
            return;
        }
        r.outcome(r.api.put(r.key(), r.draft("/rule_sets/" + id + "/" + rules + "/" + r.path("rid")), body), f, RULE,
                "Saved the " + COLLECTIONS.get(rules) + " in the draft.", "/console/rule_sets/" + id, () -> showOne(r, f));
    }

    /** A rule's fields as the API takes them, from its form; what the console cannot read goes to the form's errors. */
    private static ObjectNode ruleBody(Req r, Form f, String rules) {
        ObjectNode body = Bodies.object();
        if (rules.equals("ip_tables_rules")) {
            body.set("actors", Bodies.actors(Picked.tokens(r, f, "actors", Picked.RECEIVERS),
                    Picked.tokens(r, f, "actors_except", Picked.SCOPE)));
            body.put("ip_version", r.param("ip_version").isEmpty() ? "4" : r.param("ip_version"));
            if (!r.param("description").isEmpty()) body.put("description", r.param("description"));
            body.set("statements", statements(r.param("statements")));
        } else {
            body.set("providers", Bodies.actors(Picked.tokens(r, f, "providers", Picked.ACTORS),
                    Picked.tokens(r, f, "providers_except", Picked.SCOPE)));
            body.set("consumers", Bodies.actors(Picked.tokens(r, f, "consumers", Picked.ACTORS),
                    Picked.tokens(r, f, "consumers_except", Picked.SCOPE)));
            ArrayNode services = Bodies.refs(Picked.hrefs(r, f, "services", Picked.SERVICES));
            try {
                services.addAll(Ports.parse(r.param("ports")));
            } catch (Ports.Unreadable e) {
                f.error("services", e.getMessage());
            }
            body.set("ingress_services", services);
            body.put("unscoped_consumers", r.param("unscoped_consumers").equals("on"));
            if (rules.equals("sec_rules")) body.put("stateless", r.param("stateless").equals("on"));
            else body.put("override", r.param("override").equals("yes"));
        }
        return body;
    }

    /** A rule's edit form filled from the rule (the inverse of {@link #ruleBody}). */
    static Form prefilledRule(String kind, JsonNode rule) {
        Map<String, List<String>> v = new HashMap<>();
        if (kind.equals("ip_tables_rules")) {
            split(rule.path("actors"), "actors", v);
            v.put("ip_version", List.of(rule.path("ip_version").asText("4")));
            v.put("statements", List.of(Page.statementsText(rule.path("statements"))));
            v.put("description", List.of(rule.path("description").asText("")));
        } else {
            split(rule.path("consumers"), "consumers", v);
            split(rule.path("providers"), "providers", v);
            List<String> services = new ArrayList<>();
            List<String> ports = new ArrayList<>();
            for (JsonNode s : rule.path("ingress_services")) {
                if (s.has("href")) services.add("service:" + s.path("href").asText());
                else ports.add(Ports.describe(s));
            }
            v.put("services", services);
            v.put("ports", List.of(String.join(", ", ports)));
            if (rule.path("unscoped_consumers").asBoolean()) v.put("unscoped_consumers", List.of("on"));
            if (rule.path("stateless").asBoolean()) v.put("stateless", List.of("on"));
            v.put("override", List.of(rule.path("override").asBoolean() ? "yes" : "no"));
        }
        return new Form(kind + "-" + Bodies.id(rule.path("href").asText()), v);
    }

    private static void split(JsonNode actors, String field, Map<String, List<String>> v) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        for (JsonNode a : actors) (a.path("exclusion").asBoolean() ? out : in).add(Bodies.pickerValue(a));
        v.put(field, in);
        v.put(field + "_except", out);
    }

    public void deleteRule(Req r) {
        Form f = r.form("rules");
        String id = r.path("id");
        r.outcome(r.api.delete(r.key(), r.draft("/rule_sets/" + id + "/" + r.path("rules") + "/" + r.path("rid"))), f,
                List.of(), "Rule removed from the draft.", "/console/rule_sets/" + id, () -> showOne(r, f));
    }

    public void toggleRule(Req r) {
        Form f = r.form("rules");
        String id = r.path("id");
        ObjectNode body = Bodies.object().put("enabled", r.param("enabled").equals("true"));
        r.outcome(r.api.put(r.key(), r.draft("/rule_sets/" + id + "/" + r.path("rules") + "/" + r.path("rid")), body), f,
                List.of(), body.path("enabled").asBoolean() ? "Rule enabled in the draft." : "Rule disabled in the draft.",
                "/console/rule_sets/" + id, () -> showOne(r, f));
    }

    /** The htmx fragment beside a marked rule: each conflict naming it, with the other rule, the kind and a flow. */
    public void conflictPanel(Req r) {
        String href = r.draft("/rule_sets/" + r.path("id") + "/" + r.path("rules") + "/" + r.path("rid"));
        List<JsonNode> mine = new ArrayList<>();
        for (JsonNode c : r.list(r.draft("/rule_conflicts"))) {
            if (c.path("rule").path("href").asText().equals(href) || c.path("conflicting_rule").path("href").asText().equals(href)) {
                mine.add(c);
            }
        }
        Page p = r.page("Conflicts", "rule_sets").with("conflicts", mine).with("rule", href).with("rules", new Rules(r, "draft"));
        r.render("conflict_panel", p);
    }

    // ---- helpers ----

    /** The hrefs of every draft rule named in a conflict. */
    private static Set<String> conflicted(Req r) {
        Set<String> out = new HashSet<>();
        for (JsonNode c : r.list(r.draft("/rule_conflicts"))) {
            out.add(c.path("rule").path("href").asText());
            out.add(c.path("conflicting_rule").path("href").asText());
        }
        return out;
    }

    private static ArrayNode scopes(Req r, Form f) {
        ArrayNode scopes = ApiClient.array();
        for (int i = 1; i <= SCOPE_ROWS; i++) {
            ArrayNode s = Bodies.actors(Picked.tokens(r, f, "scope" + i, Picked.SCOPE),
                    Picked.tokens(r, f, "scope" + i + "_except", Picked.SCOPE));
            if (!s.isEmpty()) scopes.add(s);
        }
        return scopes;
    }

    private static Form prefilled(JsonNode rs) {
        Map<String, List<String>> v = new HashMap<>();
        v.put("name", List.of(rs.path("name").asText()));
        v.put("enabled", List.of(rs.path("enabled").asBoolean(true) ? "on" : ""));
        int i = 1;
        for (JsonNode scope : rs.path("scopes")) {
            List<String> in = new ArrayList<>();
            List<String> out = new ArrayList<>();
            for (JsonNode a : scope) (a.path("exclusion").asBoolean() ? out : in).add(Bodies.pickerValue(a));
            v.put("scope" + i, in);
            v.put("scope" + i + "_except", out);
            i++;
        }
        return new Form("edit", v);
    }

    /** One statement per line, in the iptables append form: {@code -t TABLE -A CHAIN PARAMETERS}. */
    static ArrayNode statements(String text) {
        ArrayNode out = ApiClient.array();
        for (String raw : text.split("\\n")) {
            String line = raw.trim();
            if (line.isEmpty()) continue;
            String table = "filter";
            String rest = line;
            java.util.regex.Matcher t = java.util.regex.Pattern.compile("^-t\\s+(\\S+)\\s*(.*)$").matcher(rest);
            if (t.matches()) {
                table = t.group(1);
                rest = t.group(2);
            }
            java.util.regex.Matcher a = java.util.regex.Pattern.compile("^-A\\s+(\\S+)\\s*(.*)$").matcher(rest);
            ObjectNode s = out.addObject().put("table_name", table);
            if (a.matches()) {
                s.put("chain_name", a.group(1)).put("parameters", a.group(2));
            } else {
                // not an append: hand it over whole, so the API names what it does not allow
                s.put("chain_name", "").put("parameters", rest);
            }
        }
        return out;
    }

    /** Whether the caller should see this rule set: everyone but a rule set manager sees all. */
    static boolean visible(Req r, JsonNode rs) {
        Caller c = r.session.caller;
        if (c.admin() || c.rulesetScopes().isEmpty()) return true;
        JsonNode scopes = rs.path("scopes");
        if (scopes.isEmpty() || (scopes.size() == 1 && scopes.get(0).isEmpty())) return false;
        for (JsonNode scope : scopes) {
            boolean inSome = c.rulesetScopes().stream().anyMatch(g -> within(r, scope, g));
            if (!inSome) return false;
        }
        return true;
    }

    /** For every label of the grant, the scope includes labels of that key and only that one. */
    private static boolean within(Req r, JsonNode scope, Caller.Scope grant) {
        for (String grantLabel : grant.labels()) {
            String key = keyOf(r, grantLabel);
            Set<String> included = new HashSet<>();
            for (JsonNode a : scope) {
                if (a.path("exclusion").asBoolean()) continue;
                List<String> labels = new ArrayList<>();
                if (a.has("label")) labels.add(a.path("label").path("href").asText());
                if (a.has("label_group")) expand(r, a.path("label_group").path("href").asText(), labels, new HashSet<>());
                for (String l : labels) if (key != null && key.equals(keyOf(r, l))) included.add(l);
            }
            if (!included.equals(Set.of(grantLabel))) return false;
        }
        return true;
    }

    private static void expand(Req r, String group, List<String> labels, Set<String> seen) {
        if (!seen.add(group)) return;
        JsonNode g = r.lookups.find(group);
        if (g == null) return;
        g.path("labels").forEach(l -> labels.add(l.path("href").asText()));
        g.path("sub_groups").forEach(s -> expand(r, s.path("href").asText(), labels, seen));
    }

    private static String keyOf(Req r, String labelHref) {
        JsonNode l = r.lookups.find(labelHref);
        return l == null ? null : l.path("key").asText();
    }
}
