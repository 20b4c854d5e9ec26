package dev.cordon.pce.console.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a template gets: the page's data (API answers as JSON), the signed-in caller (to leave out controls it may
 * not use), the forms with their posted values and errors, and name lookups for hrefs. Public because the compiled
 * templates live in another package; nothing here calls the API except the {@link Lookups} it holds.
 */
public final class Page {
    private final String title;
    private final String section;
    private final Sessions.Session session;
    private final Lookups lookups;
    private final Map<String, Object> data = new HashMap<>();
    private final Map<String, Form> forms = new HashMap<>();
    private final Map<String, List<String>> query;
    private String notice;

    public Page(String title, String section, Sessions.Session session, Lookups lookups, Map<String, List<String>> query) {
        this.title = title;
        this.section = section;
        this.session = session;
        this.lookups = lookups;
        this.query = query;
    }

    public Page with(String key, Object value) {
        data.put(key, value);
        return this;
    }

    public Page form(Form f) {
        forms.put(f.id, f);
        return this;
    }

    public Page notice(String n) {
        this.notice = n;
        return this;
    }

    // ---- the page and the caller ----

    public String title() {
        return title;
    }

    public String section() {
        return section;
    }

    public boolean signedIn() {
        return session != null;
    }

    public String user() {
        return session == null ? "" : session.caller.displayName();
    }

    public String role() {
        return session == null ? "" : session.caller.role().replace('_', ' ');
    }

    /** Owner or admin: every write control is shown. */
    public boolean canWrite() {
        return session != null && session.caller.canWrite();
    }

    /** Admin or rule set manager: rule set write controls are shown. */
    public boolean canManageCustomRules() {
        return session != null && session.caller.canManageCustomRules();
    }

    public boolean canWriteRuleSets() {
        return session != null && session.caller.canWriteRuleSets();
    }

    public String csrf() {
        return session == null ? "" : session.csrf;
    }

    public String notice() {
        return notice;
    }

    public String q(String param) {
        List<String> v = query.get(param);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }

    // ---- data ----

    /** An object a page stored for its template (a view with its own methods), or null. */
    @SuppressWarnings("unchecked")
    public <T> T obj(String key) {
        return (T) data.get(key);
    }

    public JsonNode node(String key) {
        Object o = data.get(key);
        return o instanceof JsonNode n ? n : MissingNode.getInstance();
    }

    @SuppressWarnings("unchecked")
    public List<JsonNode> list(String key) {
        Object o = data.get(key);
        if (o instanceof List<?> l) return (List<JsonNode>) l;
        if (o instanceof JsonNode n && n.isArray()) {
            List<JsonNode> out = new ArrayList<>();
            n.forEach(out::add);
            return out;
        }
        return List.of();
    }

    /** The value for {@code k} in the map stored under {@code key}, or a missing node. */
    public JsonNode at(String key, String k) {
        if (data.get(key) instanceof Map<?, ?> m && m.get(k) instanceof JsonNode n) return n;
        return MissingNode.getInstance();
    }

    public String text(String key) {
        Object o = data.get(key);
        return o == null ? "" : o instanceof JsonNode n ? n.asText() : o.toString();
    }

    /** True when the collection stored under {@code key} holds {@code value}. */
    public boolean in(String key, String value) {
        return data.get(key) instanceof java.util.Collection<?> c && c.contains(value);
    }

    public boolean flag(String key) {
        return Boolean.TRUE.equals(data.get(key));
    }

    public static List<JsonNode> items(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        if (array != null && array.isArray()) array.forEach(out::add);
        return out;
    }

    // ---- forms ----

    public List<String> errors(String form, String field) {
        Form f = forms.get(form);
        return f == null ? List.of() : f.errorsOf(field);
    }

    public List<String> formErrors(String form) {
        return errors(form, Form.FORM_LEVEL);
    }

    public String value(String form, String field) {
        Form f = forms.get(form);
        return f == null ? "" : f.value(field);
    }

    public boolean chosen(String form, String field, String option) {
        Form f = forms.get(form);
        return f != null && f.values(field).contains(option);
    }

    /** True when the form was posted back or prepared for editing (so it should be shown open). */
    public boolean open(String form) {
        return forms.containsKey(form);
    }

    // ---- names for hrefs ----

    public String name(String href) {
        return href == null || href.isEmpty() ? "" : lookups.name(href);
    }

    public List<String> labelNames(JsonNode refs) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : items(refs)) out.add(name(r.path("href").asText()));
        return out;
    }

    /** An actor as people read it: "All workloads", "role=web", "except role=db", "IP list Any", ... */
    public String actor(JsonNode a) {
        String prefix = a.path("exclusion").asBoolean(false) ? "except " : "";
        if (a.path("actors").asText().equals("ams")) return "All workloads";
        if (a.has("label")) return prefix + name(a.path("label").path("href").asText());
        if (a.has("label_group")) return prefix + "group " + name(a.path("label_group").path("href").asText());
        if (a.has("workload")) return "workload " + name(a.path("workload").path("href").asText());
        if (a.has("ip_list")) return "IP list " + name(a.path("ip_list").path("href").asText());
        return a.toString();
    }

    public String actors(JsonNode list) {
        List<String> parts = new ArrayList<>();
        for (JsonNode a : items(list)) parts.add(actor(a));
        return parts.isEmpty() ? "—" : String.join(", ", parts);
    }

    /** A rule set's scopes: "All", or each scope's items joined, scopes separated by " | ". */
    public String scopes(JsonNode scopes) {
        List<String> parts = new ArrayList<>();
        for (JsonNode s : items(scopes)) {
            String one = actors(s);
            if (!s.isEmpty()) parts.add(one);
        }
        return parts.isEmpty() ? "All" : String.join(" | ", parts);
    }

    public String services(JsonNode ingress) {
        List<String> parts = new ArrayList<>();
        for (JsonNode s : items(ingress)) {
            if (s.has("href")) parts.add(name(s.path("href").asText()));
            else parts.add(Ports.describe(s));
        }
        return parts.isEmpty() ? "—" : String.join(", ", parts);
    }

    /** Who made something ({@code created_by}): the user's name, a VEN's hostname, or "system". */
    public String by(JsonNode createdBy) {
        if (createdBy.has("user")) {
            String u = createdBy.path("user").path("username").asText("");
            return u.isEmpty() ? lookups.userName(createdBy.path("user").path("href").asText()) : u;
        }
        if (createdBy.has("agent")) return "VEN " + createdBy.path("agent").path("hostname").asText();
        String href = createdBy.path("href").asText("");
        return href.isEmpty() ? "system" : lookups.userName(href);
    }

    /** A workload's interfaces as its edit form writes them: {@code eth0=10.0.0.5, eth1=10.1.0.5/24}. */
    public String interfaces(JsonNode itfs) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode i : items(itfs)) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(i.path("name").asText()).append('=').append(i.path("address").asText());
            if (i.hasNonNull("cidr_block")) sb.append('/').append(i.path("cidr_block").asText());
        }
        return sb.toString();
    }

    /** An IP protocol number as people say it: tcp, udp, icmp, icmpv6, or "proto N". */
    public String proto(JsonNode proto) {
        return switch (proto.asInt(-1)) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1 -> "icmp";
            case 58 -> "icmpv6";
            case -1 -> proto.isMissingNode() || proto.isNull() ? "" : "any protocol";
            default -> "proto " + proto.asText();
        };
    }

    /** What an event's resource is, by name when it is a label, label group, IP list, service or workload. */
    public String resource(JsonNode resource) {
        String href = resource.path("href").asText("");
        if (href.isEmpty()) return resource.isMissingNode() ? "" : resource.toString();
        String name = name(href);
        if (name.equals(href)) {
            String n = resource.path("name").asText(resource.path("hostname").asText(""));
            return n.isEmpty() ? href : n;
        }
        String kind = href.contains("/labels/") ? "label " : href.contains("/label_groups/") ? "label group "
                : href.contains("/ip_lists/") ? "IP list " : href.contains("/services/") ? "service " : "workload ";
        return kind + name;
    }

    public String ranges(JsonNode ipRanges) {
        return rangesText(ipRanges);
    }

    /** The URL of htmx.min.js from its webjar. */
    public String htmx() {
        return StaticAssets.HTMX;
    }

    public String ports(JsonNode servicePorts) {
        List<String> parts = new ArrayList<>();
        for (JsonNode s : items(servicePorts)) parts.add(Ports.describe(s));
        return String.join(", ", parts);
    }

    // ---- rules (pages that name rules by href) ----

    private Rules rules() {
        return (Rules) data.get("rules");
    }

    public String ruleKind(String href) {
        return rules().kind(href);
    }

    public String ruleSetName(String href) {
        return rules().ruleSetName(href);
    }

    public String ruleLink(String href) {
        return rules().link(href);
    }

    public String ruleSummary(String href) {
        return rules().summary(href);
    }

    public String statements(JsonNode statements) {
        return statementsText(statements);
    }

    /** The last segment of an href, for console URLs and element ids. */
    public String id(String href) {
        return href == null ? "" : href.substring(href.lastIndexOf('/') + 1);
    }

    // ---- pickers ----

    /** The pills of a picker field of a form (posted back, or prefilled for editing). */
    public List<Pick> picks(String form, String field) {
        Form f = forms.get(form);
        List<Pick> out = new ArrayList<>();
        if (f != null) for (String t : f.values(field)) out.add(lookups.pick(t));
        return out;
    }

    /** The pills of an object's references ({@code [{"href"}]}, e.g. a workload's labels). */
    public List<Pick> picksOf(JsonNode refs) {
        List<Pick> out = new ArrayList<>();
        for (JsonNode r : items(refs)) out.add(lookups.pick(r.path("href").asText()));
        return out;
    }

    /** What was typed in a picker and not found (shown again beside its error), else nothing. */
    public String typed(String form, String field) {
        return errors(form, field).isEmpty() ? "" : value(form, field + "_q");
    }

    public List<JsonNode> labels() {
        return lookups.labels();
    }

    public List<JsonNode> labelGroups() {
        return lookups.labelGroups();
    }

    public List<JsonNode> ipLists() {
        return lookups.ipLists();
    }

    public List<JsonNode> serviceList() {
        return lookups.services();
    }

    public List<JsonNode> workloadList() {
        return lookups.workloads();
    }

    public String labelText(JsonNode label) {
        return label.path("key").asText() + "=" + label.path("value").asText();
    }

    /** An IP list's ranges as its form writes them (the inverse of the form's parsing in the inventory page). */
    private static String rangesText(JsonNode ranges) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode n : ranges) {
            if (sb.length() > 0) sb.append(", ");
            if (n.path("exclusion").asBoolean()) sb.append('!');
            sb.append(n.path("from_ip").asText());
            if (n.hasNonNull("to_ip")) sb.append('-').append(n.path("to_ip").asText());
        }
        return sb.toString();
    }

    /** The statements of a custom iptables rule, in the form they were written. */
    public static String statementsText(JsonNode statements) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode s : statements) {
            if (sb.length() > 0) sb.append('\n');
            sb.append("-t ").append(s.path("table_name").asText()).append(" -A ").append(s.path("chain_name").asText())
                    .append(' ').append(s.path("parameters").asText());
        }
        return sb.toString();
    }
}
