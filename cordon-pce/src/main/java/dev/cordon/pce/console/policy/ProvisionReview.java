package dev.cordon.pce.console.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.console.infra.ApiClient;
import dev.cordon.pce.console.infra.Page;
import dev.cordon.pce.console.infra.Req;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The provision page's review: each pending change of {@code GET sec_policy/pending} with the object read from the
 * draft and from the active version through the API (all reads at once), diffed by {@link PolicyDiff}.
 */
public final class ProvisionReview {
    /** The pending collections in the order the page lists them. */
    public static final List<String> KINDS = List.of("rule_sets", "ip_lists", "services", "label_groups",
            "firewall_settings");

    private final Map<String, PolicyDiff.ObjectChange> byToken = new LinkedHashMap<>();

    private ProvisionReview() {
    }

    /** The review of {@code pending} (the API's answer); an object the API cannot read is shown by its change only. */
    public static ProvisionReview of(Req r, JsonNode pending, Page names) {
        List<String[]> changes = new ArrayList<>(); // kind, draft href, change_type
        for (String kind : KINDS) {
            for (JsonNode c : Page.items(pending.path(kind))) {
                changes.add(new String[] {kind, c.path("href").asText(), c.path("change_type").asText()});
            }
        }
        List<String> paths = new ArrayList<>();
        for (String[] c : changes) {
            if (!c[2].equals("create")) paths.add(active(c[1]));
            if (!c[2].equals("delete")) paths.add(c[1]);
        }
        Map<String, JsonNode> read = new LinkedHashMap<>();
        Set<String> unique = new HashSet<>();
        List<String> distinct = new ArrayList<>();
        for (String p : paths) if (unique.add(p)) distinct.add(p);
        List<ApiClient.Response> answers = r.api.getAll(r.key(), distinct);
        for (int i = 0; i < distinct.size(); i++) {
            ApiClient.Response a = answers.get(i);
            if (a.ok() && a.body() != null && a.body().isObject()) read.put(distinct.get(i), a.body());
        }
        DiffText text = new DiffText(names);
        ProvisionReview review = new ProvisionReview();
        for (String[] c : changes) {
            JsonNode before = c[2].equals("create") ? null : read.get(active(c[1]));
            JsonNode after = c[2].equals("delete") ? null : read.get(c[1]);
            if (before == null && after == null) continue;
            // a change the API calls an update but whose active side it could not read is still shown, as added
            review.byToken.put(c[0] + "|" + c[1], PolicyDiff.of(c[0], c[1], before, after, text));
        }
        return review;
    }

    /** The diff of the pending change {@code kind|href}, or null when none could be read. */
    public PolicyDiff.ObjectChange of(String token) {
        return byToken.get(token);
    }

    private static String active(String draftHref) {
        return draftHref.replace("/sec_policy/draft/", "/sec_policy/active/");
    }
}
