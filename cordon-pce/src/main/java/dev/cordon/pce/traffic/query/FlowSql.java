package dev.cordon.pce.traffic.query;

import dev.cordon.pce.traffic.query.ExplorerQuery.Filter;
import dev.cordon.pce.traffic.query.ExplorerQuery.ServiceFilter;
import dev.cordon.pce.traffic.store.TrafficRollups;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link ExplorerQuery} (and the caller's visible scopes) as one SQL WHERE clause over {@code traffic_flows}
 * with positional binds; the same text runs on H2 and PostgreSQL. Nullable columns are compared through COALESCE so
 * that an exclude ({@code NOT (...)}) never drops a row because a comparison was NULL. Flows are aggregated per key
 * over the window (connections and bytes summed, first and last seen widened) as Illumio's Explorer does.
 */
public final class FlowSql {
    static final String KEY = "flow_direction, src_ip, dst_ip, proto, port, icmp_type, icmp_code, policy_decision,"
            + " decision_reason, rule_href, policy_version, state, src_workload, dst_workload";

    /** What each part of the union reads: the key and what the aggregation takes of each row. */
    static final String PART = KEY + ", num_connections, first_seen, last_seen, dst_bi, dst_bo, src_end, dst_end,"
            + " src_ip_lists, dst_ip_lists";
    static final String AGGREGATE = "SELECT " + KEY + ", SUM(num_connections) AS conns, MIN(first_seen) AS first_seen_min,"
            + " MAX(last_seen) AS last_seen_max, SUM(dst_bi) AS bi, SUM(dst_bo) AS bo, MAX(src_end) AS se,"
            + " MAX(dst_end) AS de, MAX(src_ip_lists) AS sl, MAX(dst_ip_lists) AS dl";

    /** The rows to aggregate: one SELECT over traffic_flows, or a UNION ALL of raw parts and the roll-up part. */
    private final String rows;
    private final List<Object> binds;
    private final boolean rolledUp;

    private FlowSql(String rows, List<Object> binds, boolean rolledUp) {
        this.rows = rows;
        this.binds = binds;
        this.rolledUp = rolledUp;
    }

    public static FlowSql of(int org, long maxId, ExplorerQuery q, List<List<String>> scopes) {
        return of(org, maxId, q, scopes, TrafficRollups.Cover.NONE);
    }

    /**
     * {@code scopes} null: the caller sees every flow; else the label-href sets of which one must be carried whole
     * by the source or the destination (a rule set manager's scopes; an empty set is "all"). {@code cover}: the
     * roll-up steps the query may read (docs/design/traffic.md "Roll-ups"): the hours wholly inside the window come
     * from traffic_rollups for the ids the steps cover; the rest (ids outside them, the window's partial hours) from
     * traffic_flows, each raw part an id or last-seen range that an index answers.
     */
    public static FlowSql of(int org, long maxId, ExplorerQuery q, List<List<String>> scopes, TrafficRollups.Cover cover) {
        List<Object> fb = new ArrayList<>();
        String filters = filters(q, scopes, fb);
        long fullFrom = Math.floorDiv(q.start() + TrafficRollups.HOUR_MS - 1, TrafficRollups.HOUR_MS) * TrafficRollups.HOUR_MS;
        long fullTo = q.end() == Long.MAX_VALUE ? Long.MAX_VALUE - TrafficRollups.HOUR_MS
                : Math.floorDiv(q.end() + 1, TrafficRollups.HOUR_MS) * TrafficRollups.HOUR_MS;
        List<Object> b = new ArrayList<>();
        String base = "org = ? AND id <= ? AND last_seen >= ? AND first_seen <= ?";
        if (!cover.any() || fullTo <= fullFrom || cover.hi() > maxId) {
            b.addAll(List.of(org, maxId, q.start(), q.end()));
            b.addAll(fb);
            return new FlowSql(" FROM traffic_flows WHERE " + base + filters, b, false);
        }
        List<String> parts = new ArrayList<>();
        // raw: ids after the covered steps, ids before them (primary-key ranges), and the covered ids in the window's
        // partial hours (last_seen ranges). "+ 0" keeps the other range from an index, so each part is planned on
        // its own small range: H2 plans without the bound values and took the last_seen index for the id parts,
        // scanning the whole window four times.
        String byId = "org = ? AND id <= ? AND last_seen + 0 >= ? AND first_seen <= ?";
        String bySeen = "org = ? AND id + 0 <= ? AND last_seen >= ? AND first_seen <= ?";
        String[] raw = {byId + " AND id > ?", byId + " AND id <= ?",
                bySeen + " AND id + 0 > ? AND id + 0 <= ? AND last_seen < ?",
                bySeen + " AND id + 0 > ? AND id + 0 <= ? AND last_seen >= ?"};
        Object[][] rawBinds = {{cover.hi()}, {cover.lo()}, {cover.lo(), cover.hi(), fullFrom},
                {cover.lo(), cover.hi(), fullTo}};
        for (int i = 0; i < raw.length; i++) {
            parts.add("SELECT " + PART + " FROM traffic_flows WHERE " + raw[i] + filters);
            b.addAll(List.of(org, maxId, q.start(), q.end()));
            b.addAll(List.of(rawBinds[i]));
            b.addAll(fb);
        }
        parts.add("SELECT " + PART + " FROM traffic_rollups WHERE org = ? AND bucket >= ? AND bucket < ? AND step_to <= ?"
                + filters);
        b.addAll(List.of(org, fullFrom, fullTo, cover.hi()));
        b.addAll(fb);
        return new FlowSql(" FROM (" + String.join(" UNION ALL ", parts) + ") u", b, true);
    }

    /** Whether the query reads roll-ups (for the benchmark's report). */
    public boolean rolledUp() {
        return rolledUp;
    }

    /** The filters after the window, as " AND ..." (empty when none). */
    private static String filters(ExplorerQuery q, List<List<String>> scopes, List<Object> b) {
        StringBuilder w = new StringBuilder();
        String src = include(q.srcInclude(), "src", q.excludeWorkloadsFromIpListQuery(), b);
        String dst = include(q.dstInclude(), "dst", q.excludeWorkloadsFromIpListQuery(), b);
        if (src != null && dst != null) w.append(" AND (").append(src).append(q.or() ? " OR " : " AND ").append(dst).append(')');
        else if (src != null) w.append(" AND ").append(src);
        else if (dst != null) w.append(" AND ").append(dst);
        exclude(q.srcExclude(), "src", w, b);
        exclude(q.dstExclude(), "dst", w, b);
        if (!q.servicesInclude().isEmpty()) w.append(" AND ").append(services(q.servicesInclude(), b));
        if (!q.servicesExclude().isEmpty()) w.append(" AND NOT ").append(services(q.servicesExclude(), b));
        if (!q.decisions().isEmpty()) {
            w.append(" AND policy_decision IN (").append(String.join(",", q.decisions().stream().map(d -> "?").toList())).append(')');
            b.addAll(q.decisions());
        }
        if (scopes != null) {
            List<String> any = new ArrayList<>();
            for (List<String> scope : scopes) {
                if (scope.isEmpty()) {
                    any = null;
                    break;
                }
                any.add("(" + allLabels("src", scope, b) + " OR " + allLabels("dst", scope, b) + ")");
            }
            if (any != null) w.append(" AND (").append(any.isEmpty() ? "1=0" : String.join(" OR ", any)).append(')');
        }
        return w.toString();
    }

    /** The aggregated flows, in a stable order (first seen, then the key). */
    public String select() {
        // the workload snapshots (traffic_ends) are joined after the aggregation: once per result row, not per flow
        return "SELECT g.*, s.detail AS sd, d.detail AS dd FROM (" + AGGREGATE + rows + " GROUP BY " + KEY + ") g"
                + " LEFT JOIN traffic_ends s ON s.id = g.se LEFT JOIN traffic_ends d ON d.id = g.de"
                + " ORDER BY g.first_seen_min, g.src_ip, g.dst_ip, g.proto, g.port, g.flow_direction";
    }

    /** The number of aggregated flows that match. */
    public String count() {
        return "SELECT COUNT(*) FROM (SELECT 1 AS one" + rows + " GROUP BY " + KEY + ") g";
    }

    public List<Object> binds() {
        return binds;
    }

    private static String allLabels(String side, List<String> labels, List<Object> b) {
        List<String> parts = new ArrayList<>();
        for (String l : labels) parts.add(like(side + "_labels", l, b));
        return "(" + String.join(" AND ", parts) + ")";
    }

    private static String include(List<List<Filter>> inc, String side, boolean excludeWorkloads, List<Object> b) {
        if (inc.isEmpty()) return null;
        List<String> ors = new ArrayList<>();
        for (List<Filter> and : inc) {
            List<String> parts = new ArrayList<>();
            for (Filter f : and) {
                String p = predicate(f, side, b);
                if (f.kind() == Filter.Kind.IP_LIST && excludeWorkloads) p = "(" + p + " AND " + side + "_workload IS NULL)";
                parts.add(p);
            }
            ors.add("(" + String.join(" AND ", parts) + ")");
        }
        return "(" + String.join(" OR ", ors) + ")";
    }

    private static void exclude(List<Filter> exc, String side, StringBuilder w, List<Object> b) {
        if (exc.isEmpty()) return;
        List<String> ors = new ArrayList<>();
        for (Filter f : exc) ors.add(predicate(f, side, b));
        w.append(" AND NOT (").append(String.join(" OR ", ors)).append(')');
    }

    private static String predicate(Filter f, String side, List<Object> b) {
        switch (f.kind()) {
            case LABEL, LABEL_GROUP -> {
                if (f.labels().isEmpty()) return "1=0";
                List<String> ors = new ArrayList<>();
                for (String l : f.labels()) ors.add(like(side + "_labels", l, b));
                return "(" + String.join(" OR ", ors) + ")";
            }
            case WORKLOAD -> {
                b.add(f.value());
                return "COALESCE(" + side + "_workload, '') = ?";
            }
            case IP_LIST -> {
                return like(side + "_ip_lists", f.value(), b);
            }
            case IP_ADDRESS -> {
                b.add(f.value());
                return side + "_ip = ?";
            }
            case AMS -> {
                return side + "_managed = TRUE";
            }
            case TRANSMISSION -> {
                // every flow a VEN reports is unicast
                return f.value().equals("unicast") ? "1=1" : "1=0";
            }
            default -> throw new IllegalStateException(f.kind().name());
        }
    }

    private static String like(String column, String href, List<Object> b) {
        // '!' escapes: a backslash in the SQL text trips JDBI's statement lexer
        b.add("%," + href.replace("!", "!!").replace("%", "!%").replace("_", "!_") + ",%");
        return column + " LIKE ? ESCAPE '!'";
    }

    private static String services(List<ServiceFilter> list, List<Object> b) {
        List<String> ors = new ArrayList<>();
        for (ServiceFilter s : list) {
            List<String> parts = new ArrayList<>();
            if (s.proto() != null) {
                parts.add("proto = ?");
                b.add(s.proto());
            }
            if (s.port() != null) {
                parts.add("COALESCE(port, -1) BETWEEN ? AND ?");
                b.add(s.port());
                b.add(s.toPort() != null ? s.toPort() : s.port());
            }
            if (s.icmpType() != null) {
                parts.add("COALESCE(icmp_type, -1) = ?");
                b.add(s.icmpType());
            }
            if (s.icmpCode() != null) {
                parts.add("COALESCE(icmp_code, -1) = ?");
                b.add(s.icmpCode());
            }
            ors.add(parts.isEmpty() ? "1=1" : "(" + String.join(" AND ", parts) + ")");
        }
        return "(" + String.join(" OR ", ors) + ")";
    }
}
