package dev.cordon.cli.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.policy.membership.AddrRanges;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns what the user typed for {@code --src}/{@code --dst} into one Explorer filter: an IP address
 * ({@code ip_address}), {@code key=value} (a label), an href (label, label group, workload, IP list), {@code ams}
 * (all managed workloads), or a name: a workload's name or hostname, else an IP list's name. Names are looked up
 * through the API; a name that matches nothing, or more than one thing, is an error saying which.
 */
final class EndFilter {
    private final PceConnection pce;
    private final int org;

    EndFilter(PceConnection pce, int org) {
        this.pce = pce;
        this.org = org;
    }

    /** {@code --src a,b --src c}: (a AND b) OR c, Illumio's include list of lists. */
    List<List<Map<String, Object>>> include(String option, List<String> values) {
        List<List<Map<String, Object>>> out = new ArrayList<>();
        for (String v : values) {
            List<Map<String, Object>> and = new ArrayList<>();
            for (String part : v.split(",")) {
                if (part.isBlank()) {
                    throw TrafficError.badInput("invalid_filter", option + " '" + v + "' has an empty part: separate the"
                            + " conditions an end must all meet with ',' (role=web,env=prod).");
                }
                and.add(resolve(option, part.strip()));
            }
            out.add(and);
        }
        return out;
    }

    Map<String, Object> resolve(String option, String v) {
        if (v.equals("ams")) return Map.of("actors", "ams");
        if (v.indexOf('/') < 0 && AddrRanges.canonical(v) != null) return Map.of("ip_address", v);
        String prefix = "/orgs/" + org + "/";
        if (v.startsWith("/orgs/")) {
            if (!v.startsWith(prefix)) {
                throw TrafficError.badInput("invalid_filter", option + " " + v + " is an href of another org: this query"
                        + " runs in org " + org + " (--org).");
            }
            if (v.contains("/label_groups/")) return Map.of("label_group", Map.of("href", v));
            if (v.contains("/labels/")) return Map.of("label", Map.of("href", v));
            if (v.contains("/workloads/")) return Map.of("workload", Map.of("href", v));
            if (v.contains("/ip_lists/")) return Map.of("ip_list", Map.of("href", v));
            throw TrafficError.badInput("invalid_filter", option + " " + v + " is not the href of a label, label group,"
                    + " workload or IP list.");
        }
        int eq = v.indexOf('=');
        if (eq > 0) return Map.of("label", Map.of("href", label(option, v.substring(0, eq), v.substring(eq + 1))));
        return named(option, v);
    }

    private String label(String option, String key, String value) {
        JsonNode labels = pce.get("/orgs/" + org + "/labels?key=" + enc(key) + "&value=" + enc(value));
        for (JsonNode l : labels) {
            if (l.path("key").asText().equals(key) && l.path("value").asText().equals(value)) return l.get("href").asText();
        }
        throw TrafficError.badInput("unknown_label", option + " " + key + "=" + value + ": there is no such label in org "
                + org + " (labels are key=value, e.g. role=web; GET /api/v2/orgs/" + org + "/labels lists them).");
    }

    private Map<String, Object> named(String option, String name) {
        List<String> found = new ArrayList<>();
        for (String field : List.of("name", "hostname")) {
            for (JsonNode w : pce.get("/orgs/" + org + "/workloads?" + field + "=" + enc(name))) {
                if (name.equals(w.path(field).asText()) && !found.contains(w.get("href").asText())) found.add(w.get("href").asText());
            }
            if (!found.isEmpty()) break;
        }
        if (found.size() == 1) return Map.of("workload", Map.of("href", found.get(0)));
        if (found.size() > 1) {
            throw TrafficError.badInput("ambiguous_filter", option + " '" + name + "' names " + found.size()
                    + " workloads (" + String.join(", ", found) + "): give one href instead.");
        }
        for (JsonNode l : pce.get("/orgs/" + org + "/sec_policy/active/ip_lists?name=" + enc(name))) {
            if (name.equals(l.path("name").asText())) return Map.of("ip_list", Map.of("href", l.get("href").asText()));
        }
        throw TrafficError.badInput("unknown_filter", option + " '" + name + "' is not an IP address, a label"
                + " (key=value), a workload's name or hostname, an active IP list's name, an href or 'ams'.");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
