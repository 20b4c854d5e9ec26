package dev.cordon.pce.console.traffic;

import java.util.HashMap;
import java.util.Map;

/**
 * Connections and last hit per deciding rule (draft href) from Explorer flow records. A flow both ends reported under
 * the same rule is counted once: per flow (addresses, protocol, port) the larger of what the destination reported
 * inbound and the source outbound, so a rule's count is connections, not reports;
 * connections count toward the window when the flow was last seen in it, the last hit is the newest flow seen at all.
 */
final class HitCounts {
    /** One rule's figures. */
    record Hits(long connections, String lastHit) {}

    private final String windowStart;
    private final Map<String, Map<String, long[]>> byRule = new HashMap<>();
    private final Map<String, String> lastHit = new HashMap<>();

    /** {@code windowStart}: RFC 3339 UTC, compared as text (the API writes every time in the same form). */
    HitCounts(String windowStart) {
        this.windowStart = windowStart;
    }

    void add(FlowRow f) {
        if (f.rule() == null) return;
        String rule = ExplorerView.toDraft(f.rule());
        lastHit.merge(rule, f.lastSeen(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        if (f.lastSeen().compareTo(windowStart) < 0) return;
        String flow = f.src().ip() + ">" + f.dst().ip() + "/" + f.proto() + "/" + f.port() + "/" + f.icmpType();
        long[] seen = byRule.computeIfAbsent(rule, k -> new HashMap<>()).computeIfAbsent(flow, k -> new long[2]);
        seen[f.direction().equals("inbound") ? 0 : 1] += f.connections();
    }

    Hits of(String ruleHref) {
        Map<String, long[]> flows = byRule.get(ruleHref);
        long n = flows == null ? 0 : flows.values().stream().mapToLong(c -> Math.max(c[0], c[1])).sum();
        return new Hits(n, lastHit.get(ruleHref));
    }
}
