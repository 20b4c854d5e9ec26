package dev.cordon.pce.console.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.console.infra.ApiClient;
import dev.cordon.pce.console.infra.Req;
import dev.cordon.pce.console.infra.Rules;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Policy › Rule hit counts: every allow and deny rule of the draft with the connections it decided in a chosen window
 * and when it last decided one (within {@link #LOOKBACK}); "no traffic in 30 days" keeps the rules that decided
 * nothing in that window, the candidates for removal. Built from one Explorer query through the API.
 */
public final class RuleHits {
    static final Duration LOOKBACK = Duration.ofDays(90);
    private final Recent<HitCounts> counts = new Recent<>();
    private final Clock clock;

    public RuleHits(Clock clock) {
        this.clock = clock;
    }

    /** One rule's row. */
    public record HitRow(String ruleSet, String kind, String summary, boolean enabled, long connections, String lastHit,
                         String link, String href) {}

    public void show(Req r) {
        String window = r.ctx.queryParam("window");
        if (window == null || !FlowFilters.RANGES.containsKey(window)) window = "7d";
        boolean unused = "1".equals(r.ctx.queryParam("unused"));
        if (unused && r.ctx.queryParam("window") == null) window = "30d";
        String sort = "connections".equals(r.ctx.queryParam("sort")) || "last".equals(r.ctx.queryParam("sort"))
                ? r.ctx.queryParam("sort") : "rule_set";
        Instant end = FlowFilters.window(clock.instant());
        Instant windowStart = end.minus(FlowFilters.RANGES.get(window));
        String key = window + "|" + end;
        HitCounts hits = counts.get(r.session.csrf, key);
        String error = null;
        if (hits == null) {
            HitCounts h = new HitCounts(windowStart.toString());
            try {
                TrafficRuns.run(r, TrafficRuns.window(end.minus(LOOKBACK).toString(), end.toString(), Integer.MAX_VALUE),
                        false, n -> h.add(FlowRow.of(n)));
                counts.put(r.session.csrf, key, h);
            } catch (TrafficRuns.Refused e) {
                error = e.getMessage();
            }
            hits = h;
        }
        Rules names = new Rules(r, "draft");
        List<HitRow> rows = new ArrayList<>();
        for (JsonNode rs : r.list(r.draft("/rule_sets?max_results=100000"))) {
            for (String k : List.of("rules", "deny_rules")) {
                for (JsonNode rule : rs.path(k)) {
                    String href = rule.path("href").asText();
                    HitCounts.Hits hit = hits.of(href);
                    if (unused && hit.connections() > 0) continue;
                    rows.add(new HitRow(rs.path("name").asText(), names.kind(href), names.summary(href),
                            rule.path("enabled").asBoolean(true) && rs.path("enabled").asBoolean(true), hit.connections(),
                            hit.lastHit(), names.link(href), href));
                }
            }
        }
        if (sort.equals("connections")) rows.sort(Comparator.comparingLong(HitRow::connections).reversed());
        if (sort.equals("last")) rows.sort(Comparator.comparing((HitRow h) -> h.lastHit() == null ? "" : h.lastHit()).reversed());
        r.render("rule_hits", r.page(unused ? "Rules with no traffic" : "Rule hit counts", "rule_hits")
                .with("rows", rows).with("window", window).with("unused", unused).with("sort", sort)
                .with("since", windowStart.toString()).with("error", error)
                .with("lookback", Long.toString(LOOKBACK.toDays())));
    }

    /** A link to this page with the given parameters. */
    public static String link(String window, boolean unused, String sort) {
        return "/console/rule_hits?window=" + ApiClient.enc(window) + (unused ? "&unused=1" : "") + "&sort=" + sort;
    }
}
