package dev.cordon.pce.traffic.reporting;

import dev.cordon.pce.store.Database;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The faster report rates operators asked for ({@code traffic_report_rates}, V4): per workload, the seconds between
 * its VEN's uploads and until when (epoch ms). Written outside the cluster-wide write lock (a rate names no object
 * another use case checks; the row of a workload is replaced whole). Read on every heartbeat of a reporting VEN, so
 * the live rows are cached and re-read at most every {@link #REFRESH_MILLIS}: a rate set on another PCE node reaches
 * this node's VENs within that plus one heartbeat.
 */
final class ReportRates {
    static final long REFRESH_MILLIS = 2_000;

    record Rate(int intervalSeconds, long untilMillis) {}

    private final Database db;
    private final Clock clock;
    private volatile Map<String, Rate> cached = Map.of();
    private volatile long readAt = Long.MIN_VALUE;

    ReportRates(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Sets the rate of every workload in {@code hrefs} (one transaction). */
    void set(int org, List<String> hrefs, int intervalSeconds, long untilMillis) {
        db.unlocked(h -> {
            for (String w : hrefs) {
                h.createUpdate("DELETE FROM traffic_report_rates WHERE workload_href = :w").bind("w", w).execute();
                h.createUpdate("INSERT INTO traffic_report_rates (workload_href, org, interval_seconds, until_ms)"
                                + " VALUES (:w, :o, :i, :u)").bind("w", w).bind("o", org).bind("i", intervalSeconds)
                        .bind("u", untilMillis).execute();
            }
            h.createUpdate("DELETE FROM traffic_report_rates WHERE until_ms < :now").bind("now", clock.millis()).execute();
            return null;
        });
        readAt = Long.MIN_VALUE; // this node's VENs see it at their next heartbeat
    }

    /** The workload's faster rate while it lasts, else null. */
    Rate of(String workloadHref) {
        long now = clock.millis();
        if (readAt == Long.MIN_VALUE || now - readAt > REFRESH_MILLIS) { // (MIN_VALUE: stale; the difference would overflow)
            Map<String, Rate> m = new HashMap<>();
            db.read(h -> h.createQuery("SELECT workload_href, interval_seconds, until_ms FROM traffic_report_rates"
                            + " WHERE until_ms > :now").bind("now", now)
                    .map((rs, c) -> m.put(rs.getString(1), new Rate(rs.getInt(2), rs.getLong(3)))).list());
            cached = m;
            readAt = now;
        }
        Rate r = cached.get(workloadHref);
        return r == null || r.untilMillis() <= now ? null : r;
    }
}
