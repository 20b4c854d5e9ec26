package dev.cordon.pce.console.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.console.infra.Req;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard: VENs by state (status, online, policy sync), managed workloads by enforcement mode, and the blocked
 * and potentially blocked flows of the last 24 hours (counts and the busiest ones), each linking to where it is seen
 * in full.
 */
public final class Dashboard {
    static final int TOP = 10;
    private final Clock clock;

    public Dashboard(Clock clock) {
        this.clock = clock;
    }

    /** Counts of one thing by a state. */
    public record Tally(String title, Map<String, Long> counts) {
        public long total() {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Blocked or potentially blocked flows of the last 24 hours: records, connections, and the busiest. */
    public record Blocked(String decision, long flows, long connections, List<FlowRow> top) {}

    public void show(Req r) {
        Map<String, Long> venStatus = new TreeMap<>();
        for (JsonNode v : r.list(r.org("/vens?max_results=100000"))) venStatus.merge(v.path("status").asText("unknown"), 1L, Long::sum);
        Map<String, Long> online = new TreeMap<>();
        Map<String, Long> sync = new TreeMap<>();
        Map<String, Long> modes = new LinkedHashMap<>();
        for (String m : List.of("idle", "visibility_only", "selective", "full")) modes.put(m, 0L);
        long unmanaged = 0;
        for (JsonNode w : r.lookups.workloads()) {
            if (!w.path("managed").asBoolean()) {
                unmanaged++;
                continue;
            }
            modes.merge(w.path("enforcement_mode").asText("idle"), 1L, Long::sum);
            online.merge(w.path("online").asBoolean(true) ? "online" : "offline", 1L, Long::sum);
            sync.merge(w.path("agent").path("status").path("security_policy_sync_state").asText("unknown"), 1L, Long::sum);
        }
        List<Blocked> blocked = new ArrayList<>();
        String error = null;
        try {
            List<FlowRow> rows = Observed.window(r, clock.instant(), "24h",
                    f -> f.decision().equals("blocked") || f.decision().equals("potentially_blocked"));
            for (String d : List.of("blocked", "potentially_blocked")) {
                List<FlowRow> these = new ArrayList<>(rows.stream().filter(f -> f.decision().equals(d)).toList());
                these.sort(Comparator.comparingLong(FlowRow::connections).reversed());
                blocked.add(new Blocked(d, these.size(), these.stream().mapToLong(FlowRow::connections).sum(),
                        List.copyOf(these.subList(0, Math.min(TOP, these.size())))));
            }
        } catch (TrafficRuns.Refused e) {
            error = e.getMessage();
        }
        r.render("dashboard", r.page("Dashboard", "dashboard")
                .with("tallies", List.of(new Tally("VENs by status", venStatus), new Tally("Managed workloads online", online),
                        new Tally("Policy sync", sync), new Tally("Enforcement modes", modes)))
                .with("unmanaged", unmanaged).with("blocked", blocked).with("error", error));
    }

    /** The Explorer over the last 24 hours with one decision. */
    public static String explorer(String decision) {
        return "/console/traffic?range=24h&decision=" + decision;
    }
}
