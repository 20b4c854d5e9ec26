package dev.cordon.pce.console.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.console.infra.ApiClient.Credentials;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects pages refer to by href (labels, label groups, IP lists, services, workloads), read from the API once
 * per request when first needed, so pages can show names instead of hrefs and offer them in pickers.
 */
public final class Lookups {
    private final ApiClient api;
    private final Credentials credentials;
    private final int org;
    private final Map<String, List<JsonNode>> lists = new HashMap<>();
    private final Map<String, JsonNode> byHref = new HashMap<>();
    /** Hrefs read and not found (deleted meanwhile, or not the caller's to see): not read again in this request. */
    private final java.util.Set<String> missing = new java.util.HashSet<>();

    Lookups(ApiClient api, Credentials credentials, int org) {
        this.api = api;
        this.credentials = credentials;
        this.org = org;
    }

    public List<JsonNode> labels() {
        return load("/orgs/" + org + "/labels");
    }

    public List<JsonNode> labelGroups() {
        return load("/orgs/" + org + "/sec_policy/draft/label_groups");
    }

    public List<JsonNode> ipLists() {
        return load("/orgs/" + org + "/sec_policy/draft/ip_lists");
    }

    public List<JsonNode> services() {
        return load("/orgs/" + org + "/sec_policy/draft/services");
    }

    public List<JsonNode> workloads() {
        return load("/orgs/" + org + "/workloads");
    }

    private List<JsonNode> load(String path) {
        return lists.computeIfAbsent(path, p -> {
            List<JsonNode> items = api.list(credentials, p + "?max_results=100000");
            for (JsonNode n : items) byHref.put(n.path("href").asText(), n);
            return items;
        });
    }

    /**
     * The object with this href (in any policy version); null when unknown. Labels and workloads are read one by one
     * (an org may have 10,000 labels and 100,000 workloads and a page names a few dozen) until a page has named
     * {@link #ONE_BY_ONE} labels that way, then the whole label list is read once; the other kinds are read as a
     * whole collection, which stays small.
     */
    public JsonNode find(String href) {
        String draft = href.replaceFirst("/sec_policy/(active|\\d+)/", "/sec_policy/draft/");
        if (!byHref.containsKey(draft)) {
            if (draft.contains("/labels/")) label(draft);
            else if (draft.contains("/label_groups/")) labelGroups();
            else if (draft.contains("/ip_lists/")) ipLists();
            else if (draft.contains("/services/")) services();
            else if (draft.contains("/workloads/")) one(draft);
        }
        return byHref.get(draft);
    }

    /** Labels a page may name by single reads before it reads the whole list instead. */
    static final int ONE_BY_ONE = 48;
    private int labelReads;

    private void label(String href) {
        if (lists.containsKey("/orgs/" + org + "/labels") || missing.contains(href)) return;
        if (labelReads >= ONE_BY_ONE) {
            labels();
            return;
        }
        labelReads++;
        ApiClient.Response r = api.get(credentials, href);
        if (r.ok() && r.body() != null && r.body().isObject()) byHref.put(href, r.body());
        else missing.add(href);
    }

    /**
     * Reads the labels and workloads among {@code hrefs} that are not known yet, in one API read per kind (Cordon's
     * {@code href} filter, up to {@link #PER_READ} a read): a list page calls this with the references of its rows
     * before it renders, so naming 45 labels costs one request, not 45.
     */
    public void prefetch(java.util.Collection<String> hrefs) {
        java.util.List<String> labels = new java.util.ArrayList<>();
        java.util.List<String> workloads = new java.util.ArrayList<>();
        for (String h : new java.util.LinkedHashSet<>(hrefs)) {
            if (h == null || byHref.containsKey(h) || missing.contains(h)) continue;
            if (h.startsWith("/orgs/" + org + "/labels/") && !lists.containsKey("/orgs/" + org + "/labels")) labels.add(h);
            else if (h.startsWith("/orgs/" + org + "/workloads/") && !lists.containsKey("/orgs/" + org + "/workloads")) workloads.add(h);
        }
        readByHref("/orgs/" + org + "/labels", labels);
        readByHref("/orgs/" + org + "/workloads", workloads);
    }

    /** Hrefs named in one read: well within the API's limit ({@code ListParams.MAX_HREFS}) and any URL limit. */
    static final int PER_READ = 100;

    private void readByHref(String collection, java.util.List<String> todo) {
        for (int from = 0; from < todo.size(); from += PER_READ) {
            java.util.List<String> chunk = todo.subList(from, Math.min(todo.size(), from + PER_READ));
            StringBuilder path = new StringBuilder(collection).append("?max_results=").append(chunk.size());
            for (String h : chunk) path.append("&href=").append(ApiClient.enc(h));
            ApiClient.Response r = api.get(credentials, path.toString());
            if (!r.ok()) {
                // not read as a whole (a failure the page shows elsewhere): each is named by its href
                missing.addAll(chunk);
                continue;
            }
            for (JsonNode n : r.items()) byHref.put(n.path("href").asText(), n);
            for (String h : chunk) if (!byHref.containsKey(h)) missing.add(h);
        }
    }

    /** The references ({@code [{"href"}]}) under {@code field} of each object, for {@link #prefetch}. */
    public static java.util.List<String> refs(java.util.List<JsonNode> objects, String field) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JsonNode o : objects) for (JsonNode ref : o.path(field)) out.add(ref.path("href").asText());
        return out;
    }

    /**
     * One object read by itself: workloads are named this way unless their list was loaded anyway, as an org may have
     * 100,000 of them and a page names a few.
     */
    private void one(String href) {
        if (lists.containsKey("/orgs/" + org + "/workloads")) return;
        ApiClient.Response r = api.get(credentials, href);
        if (r.ok() && r.body() != null && r.body().isObject()) byHref.put(href, r.body());
    }

    /** A user's username (or full name) for an href such as {@code /users/1}; the href when it cannot be read. */
    public String userName(String href) {
        if (href == null || !href.startsWith("/users/")) return href == null ? "" : href;
        JsonNode u = byHref.computeIfAbsent(href, h -> {
            ApiClient.Response r = api.get(credentials, h);
            return r.ok() && r.body() != null && r.body().isObject() ? r.body() : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        });
        String name = u.path("username").asText(u.path("full_name").asText(""));
        return name.isEmpty() ? href : name;
    }

    /** A picker's pill for a form value: {@code kind:href}, a bare href, {@code ams} or {@code ip:address}. */
    public Pick pick(String token) {
        if (token.equals(Pick.ALL.token())) return Pick.ALL;
        String kind;
        String href;
        int colon = token.indexOf(':');
        if (token.startsWith("/") || colon < 0) {
            href = token;
            kind = kindOf(token);
        } else {
            kind = token.substring(0, colon);
            href = token.substring(colon + 1);
        }
        if (kind.equals("ip")) return new Pick(token, "ip", href, "ip");
        JsonNode n = href.startsWith("/orgs/") ? find(href) : null;
        if (n == null) return new Pick(kind + ":" + href, kind, href, kind);
        return switch (kind) {
            case "label" -> Picks.label(n);
            case "workload" -> Picks.workload(n);
            default -> new Pick(kind + ":" + href, kind, n.path("name").asText(href), kind);
        };
    }

    private static String kindOf(String href) {
        if (href.contains("/label_groups/")) return "label_group";
        if (href.contains("/labels/")) return "label";
        if (href.contains("/ip_lists/")) return "ip_list";
        if (href.contains("/services/")) return "service";
        if (href.contains("/workloads/")) return "workload";
        return "label";
    }

    private static final java.util.regex.Pattern HREF = java.util.regex.Pattern.compile(
            "(\\s?\\()?(/orgs/\\d+/(?:sec_policy/(?:draft|active|\\d+)/)?(?:labels|label_groups|ip_lists|services|workloads)/[A-Za-z0-9-]+)(\\))?");

    /**
     * A message with the hrefs of objects it names replaced by their names: "IP list 'Corp' (/orgs/1/.../ip_lists/2)"
     * becomes "IP list 'Corp'", a bare href its name; an href of nothing known stays as it is.
     */
    public String humanize(String message) {
        if (message == null || !message.contains("/orgs/")) return message;
        java.util.regex.Matcher m = HREF.matcher(message);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String href = m.group(2);
            String name = name(href);
            String with;
            if (name.equals(href)) with = m.group(0);
            else if (m.group(1) != null && m.group(3) != null) with = message.contains(name) ? "" : m.group(1) + name + ")";
            else with = (m.group(1) == null ? "" : m.group(1)) + name + (m.group(3) == null ? "" : m.group(3));
            m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(with));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** {@code role=web} for a label, the name for anything else, the href itself when unknown. */
    String name(String href) {
        JsonNode n = find(href);
        if (n == null) return href;
        if (href.contains("/labels/")) return n.path("key").asText() + "=" + n.path("value").asText();
        String name = n.path("name").asText("");
        return name.isEmpty() ? n.path("hostname").asText(href) : name;
    }
}
