package dev.cordon.pce.console.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.console.infra.ApiClient.Response;
import dev.cordon.pce.console.infra.Page;
import dev.cordon.pce.console.infra.Req;
import dev.cordon.pce.console.infra.Rules;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Inventory › a workload: its labels and mode, its firewall coexistence state with the settings entries that make
 * it, its VEN's health and dataplane backend, the rules of the active policy (or the draft) that apply to it inbound
 * and outbound, and its flows of the last 24 hours.
 */
public final class WorkloadDetail {
    static final int FLOWS = 50;
    private final Clock clock;

    public WorkloadDetail(Clock clock) {
        this.clock = clock;
    }

    /** A coexistence entry of the active settings and whether it concerns this workload. */
    public record CoexistenceEntry(String scope, String mode, boolean primary, boolean matches) {}

    public void show(Req r) {
        JsonNode w = r.read(r.org("/workloads/" + r.path("id")));
        String href = w.path("href").asText();
        String version = "draft".equals(r.ctx.queryParam("version")) ? "draft" : "active";
        JsonNode ven = null;
        if (w.path("managed").asBoolean() && w.path("ven").has("href")) {
            Response v = r.api.get(r.key(), w.path("ven").path("href").asText());
            if (v.ok()) ven = v.body();
        }
        Response rsResp = r.api.get(r.key(), r.org("/sec_policy/" + version + "/rule_sets?max_results=100000"));
        List<JsonNode> ruleSets = rsResp.ok() ? rsResp.items() : List.of();
        List<WorkloadRules.Applies> applies = new WorkloadRules(w, r.lookups.labels(), r.lookups.labelGroups()).of(ruleSets);
        Rules names = ruleSets.isEmpty() ? null : new Rules(r, version);
        List<FlowRow> flows = new ArrayList<>();
        String flowError = null;
        try {
            flows.addAll(Observed.window(r, clock.instant(), "24h",
                    f -> href.equals(f.src().workload()) || href.equals(f.dst().workload())));
        } catch (TrafficRuns.Refused e) {
            flowError = e.getMessage();
        }
        flows.sort(Comparator.comparing(FlowRow::lastSeen).reversed());
        int flowCount = flows.size();
        if (flows.size() > FLOWS) flows = new ArrayList<>(flows.subList(0, FLOWS));
        Page page = r.page(w.path("name").asText(w.path("hostname").asText()), "workloads");
        r.render("workload", page.with("w", w).with("ven", ven).with("version", version).with("applies", applies)
                .with("ruleNames", names).with("flows", flows).with("flowCount", flowCount).with("flowError", flowError)
                .with("coexistence", coexistence(r, page, w)));
    }

    /** The active coexistence entries, each marked when it matches the workload (labels and mode). */
    private static List<CoexistenceEntry> coexistence(Req r, Page names, JsonNode w) {
        Response s = r.api.get(r.key(), r.org("/sec_policy/active/firewall_settings"));
        List<CoexistenceEntry> out = new ArrayList<>();
        if (!s.ok()) return out;
        Set<String> has = new HashSet<>();
        for (JsonNode l : w.path("labels")) has.add(l.path("href").asText());
        String mode = w.path("enforcement_mode").asText();
        for (JsonNode e : s.body().path("firewall_coexistence")) {
            boolean labels = true;
            List<String> scope = new ArrayList<>();
            for (JsonNode l : e.path("scope")) {
                scope.add(names.name(l.path("href").asText()));
                labels &= has.contains(l.path("href").asText());
            }
            String wm = e.path("workload_mode").asText("");
            boolean modeFits = wm.isEmpty() || (wm.equals("enforced") ? mode.equals("full") || mode.equals("selective")
                    : wm.equals("illuminated") && mode.equals("visibility_only"));
            out.add(new CoexistenceEntry(scope.isEmpty() ? "every workload" : String.join(" ", scope),
                    wm.isEmpty() ? "all modes" : wm, e.path("illumio_primary").asBoolean(),
                    w.path("managed").asBoolean() && labels && modeFits));
        }
        return out;
    }

    /** The rule's summary, or its href when the names of that version cannot be read. */
    public static String summary(Rules names, String href) {
        return names == null ? href : names.kind(href) + " · " + names.summary(href);
    }
}
