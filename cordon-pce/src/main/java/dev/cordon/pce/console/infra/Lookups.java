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

    /** The object with this href (in any policy version), loading its collection first; null when unknown. */
    public JsonNode find(String href) {
        String draft = href.replaceFirst("/sec_policy/(active|\\d+)/", "/sec_policy/draft/");
        if (!byHref.containsKey(draft)) {
            if (draft.contains("/labels/")) labels();
            else if (draft.contains("/label_groups/")) labelGroups();
            else if (draft.contains("/ip_lists/")) ipLists();
            else if (draft.contains("/services/")) services();
            else if (draft.contains("/workloads/")) workloads();
        }
        return byHref.get(draft);
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
