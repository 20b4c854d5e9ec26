package dev.cordon.pce.console.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.console.infra.ApiClient.Response;
import dev.cordon.pce.console.infra.Bodies;
import dev.cordon.pce.console.infra.Page;
import dev.cordon.pce.console.infra.Req;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Policy › Enforcement readiness: for one workload or an app group in {@code visibility_only}, the flows they
 * reported that full enforcement would block under the draft (draft decision blocked or potentially blocked at their
 * end), and one action that switches them all to {@code full}. Pending draft changes are named: full enforcement
 * applies the active policy, so the page says to provision them first.
 */
public final class Readiness {
    static final List<String> RANGES = List.of("1h", "24h", "7d", "30d");
    private final Clock clock;

    public Readiness(Clock clock) {
        this.clock = clock;
    }

    public void show(Req r) {
        String range = r.ctx.queryParam("range") != null && RANGES.contains(r.ctx.queryParam("range")) ? r.ctx.queryParam("range") : "7d";
        String one = r.ctx.queryParam("workload");
        AppGroupForm g = AppGroupForm.read(r, "readiness");
        Page p = r.page("Enforcement readiness", "readiness").form(g.form).with("range", range).with("picks", g.labels);
        List<JsonNode> targets = new ArrayList<>();
        if (one != null && !one.isBlank()) {
            targets.add(r.read(r.org("/workloads/" + Bodies.id(one.trim()))));
            p.with("subject", targets.get(0).path("name").asText(targets.get(0).path("hostname").asText()))
                    .with("workloadId", Bodies.id(one.trim()));
        } else if (g.given() && g.valid()) {
            for (JsonNode w : r.lookups.workloads()) if (g.contains(w)) targets.add(w);
            p.with("subject", g.name()).with("scopeQuery", g.query());
        } else if (!g.valid()) {
            r.invalid();
        }
        if (!targets.isEmpty() || p.text("subject").length() > 0) {
            List<JsonNode> visibility = targets.stream().filter(w -> w.path("managed").asBoolean()
                    && w.path("enforcement_mode").asText().equals("visibility_only")).toList();
            List<JsonNode> others = targets.stream().filter(w -> !visibility.contains(w)).toList();
            Set<String> hrefs = new HashSet<>();
            visibility.forEach(w -> hrefs.add(w.path("href").asText()));
            try {
                List<FlowRow> wouldBlock = hrefs.isEmpty() ? List.of() : Observed.window(r, clock.instant(), range, f -> {
                    String end = f.direction().equals("inbound") ? f.dst().workload() : f.src().workload();
                    String d = f.decision(true);
                    return end != null && hrefs.contains(end) && (d.equals("blocked") || d.equals("potentially_blocked"));
                });
                p.with("blocked", wouldBlock);
            } catch (TrafficRuns.Refused e) {
                p.with("error", e.getMessage());
                p.with("blocked", List.of());
            }
            p.with("visibility", visibility).with("others", others).with("pendingCount", pending(r));
        }
        r.render("readiness", p);
    }

    /** Switches every named workload to full enforcement: one action, one PUT per workload through the API. */
    public void enforce(Req r) {
        List<String> ids = r.params("workload");
        List<String> failed = new ArrayList<>();
        int done = 0;
        for (String id : ids) {
            Response resp = r.api.put(r.key(), r.org("/workloads/" + Bodies.id(id)), Bodies.object().put("enforcement_mode", "full"));
            if (resp.ok()) done++;
            else failed.add(id + ": " + resp.errors().get(0).message());
        }
        // every PUT was answered: the notice says what happened to each (the API's words for a refusal)
        r.outcome(new Response(200, null), r.form("readiness"), List.of(), done + " workload" + (done == 1 ? "" : "s")
                + " switched to full enforcement." + (failed.isEmpty() ? "" : " Not switched: " + String.join("; ", failed)),
                "/console/readiness?" + r.param("back"), () -> { });
    }

    /** Objects changed in the draft and not provisioned. */
    private static int pending(Req r) {
        Response resp = r.api.get(r.key(), r.org("/sec_policy/pending"));
        if (!resp.ok()) return 0;
        int n = 0;
        for (String kind : List.of("rule_sets", "ip_lists", "services", "label_groups", "firewall_settings")) {
            n += resp.body().path(kind).size();
        }
        return n;
    }
}
