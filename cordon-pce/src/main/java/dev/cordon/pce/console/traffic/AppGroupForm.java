package dev.cordon.pce.console.traffic;

import dev.cordon.pce.console.infra.Picks;
import dev.cordon.pce.console.infra.Pick;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.console.infra.ApiClient;
import dev.cordon.pce.console.infra.ApiClient.Response;
import dev.cordon.pce.console.infra.Form;
import dev.cordon.pce.console.infra.Req;
import dev.cordon.pce.traffic.generator.AppGroup;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The app group a page is about, as its form gives it: label pills of the picker ({@code scope=label:/orgs/1/labels/3})
 * or labels typed as {@code app=shop, env=prod} (looked up by exact key and value through the API), at most one per
 * key. What cannot be read is put beside the field.
 */
final class AppGroupForm {
    final Form form;
    final List<Pick> labels;
    private final List<String> errors;

    private AppGroupForm(Form form, List<Pick> labels, List<String> errors) {
        this.form = form;
        this.labels = List.copyOf(labels);
        this.errors = List.copyOf(errors);
        errors.forEach(e -> form.error("scope", e));
    }

    static AppGroupForm read(Req r, String formId) {
        Map<String, List<String>> q = r.ctx.queryParamMap().isEmpty() ? r.ctx.formParamMap() : r.ctx.queryParamMap();
        Form f = new Form(formId, q);
        List<Pick> out = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String token : q.getOrDefault("scope", List.of())) {
            Pick p = token.startsWith("label:") ? Picks.ofToken(r, token) : null;
            if (p == null) errors.add("'" + token + "' is no label: an app group is a set of labels (app=shop, env=prod).");
            else add(errors, out, p);
        }
        for (String raw : f.value("scope_q").split(",")) {
            String term = raw.trim();
            if (term.isEmpty()) continue;
            int eq = term.indexOf('=');
            Pick found = null;
            if (eq > 0) {
                String key = term.substring(0, eq).trim();
                String value = term.substring(eq + 1).trim();
                Response resp = r.api.get(r.key(), r.org("/labels" + ApiClient.query(Map.of("key", key, "value", value,
                        "max_results", "500"))));
                for (JsonNode l : resp.ok() ? resp.items() : List.<JsonNode>of()) {
                    if (l.path("key").asText().equals(key) && l.path("value").asText().equals(value)) found = Picks.label(l);
                }
            }
            if (found == null) errors.add("No label is '" + term + "': write labels as key=value (app=shop), separated by commas.");
            else add(errors, out, found);
        }
        return new AppGroupForm(f, out, errors);
    }

    private static void add(List<String> errors, List<Pick> out, Pick p) {
        if (out.stream().anyMatch(o -> o.token().equals(p.token()))) return;
        if (out.stream().anyMatch(o -> o.key().equals(p.key()))) {
            errors.add("Two labels of the key '" + p.key() + "': an app group has one label per key (app=shop, env=prod).");
            return;
        }
        out.add(p);
    }

    boolean given() {
        return !labels.isEmpty();
    }

    boolean valid() {
        return errors.isEmpty();
    }

    /** "app=shop env=prod". */
    String name() {
        return String.join(" ", labels.stream().map(Pick::text).toList());
    }

    AppGroup group() {
        Set<String> keys = new HashSet<>();
        for (Pick p : labels) keys.add(p.key());
        return new AppGroup(name(), labels.stream().map(Pick::value).toList(), keys);
    }

    /** True when the workload (as the API returns it) carries every label of the group. */
    boolean contains(JsonNode workload) {
        Set<String> has = new HashSet<>();
        for (JsonNode l : workload.path("labels")) has.add(l.path("href").asText());
        for (Pick p : labels) if (!has.contains(p.value())) return false;
        return true;
    }

    boolean contains(FlowRow.End e) {
        if (!e.isWorkload()) return false;
        for (Pick p : labels) if (e.labels().stream().noneMatch(l -> l.href().equals(p.value()))) return false;
        return true;
    }

    /** The query string that gives this group again ({@code scope=label:...&...}). */
    String query() {
        StringBuilder sb = new StringBuilder();
        for (Pick p : labels) sb.append(sb.length() == 0 ? "" : "&").append("scope=").append(ApiClient.enc(p.token()));
        return sb.toString();
    }
}
