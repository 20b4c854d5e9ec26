package dev.cordon.pce.traffic.store;

import dev.cordon.pce.store.Database;

/**
 * Hourly roll-ups of {@code traffic_flows} ({@code traffic_rollups}, {@code traffic_rollup_steps}; V5): each step
 * aggregates the rows of an id range per hour of last seen and per everything a query filters or groups on, so a
 * query over millions of stored summaries reads the hours wholly inside its window from a table that holds one row
 * per flow key per hour per step (docs/design/traffic.md "Roll-ups").
 *
 * <p>Exactness: a step ends at a fence, the highest id read while nothing inserts (this process's group writer held
 * by {@link TrafficTable#exclusive}; on PostgreSQL other nodes' inserts by {@code LOCK TABLE ... SHARE ROW
 * EXCLUSIVE}), so every row up to it was committed and no later row gets an id at or below it. The aggregation then
 * runs beside ingest, alone against other roll-ups and the retention deletes ({@link TrafficTable#rollingAlone}, on
 * PostgreSQL an advisory lock across nodes). Steps are contiguous, and the retention deletes drop roll-up rows with
 * the flows they stand for (by day; by step for the size cap), so the steps {@link #cover} names stand for exactly
 * the rows in their id range that still exist.
 */
public final class TrafficRollups {
    public static final long HOUR_MS = 3_600_000L;
    /** Ids per step at most, so one step's GROUP BY stays bounded (a sweep runs one step; the bench runs them all). */
    static final long STEP_IDS = 4_000_000L;
    static final String GROUP = "org, day_no, flow_direction, src_ip, dst_ip, proto, port, icmp_type, icmp_code,"
            + " policy_decision, decision_reason, rule_href, policy_version, state, src_workload, src_managed,"
            + " src_labels, src_ip_lists, src_end, dst_workload, dst_managed, dst_labels, dst_ip_lists, dst_end";

    private final TrafficTable table;
    private final Database db;

    public TrafficRollups(TrafficTable table) {
        this.table = table;
        this.db = table.database();
    }

    /**
     * The roll-up steps a query bounded by {@code maxId} may use: the ids {@code lo < id <= hi} are in roll-up rows
     * with {@code step_to <= hi}; every other row is read from traffic_flows. None ({@code hi <= lo}) before the
     * first step.
     */
    public record Cover(long lo, long hi) {
        public static final Cover NONE = new Cover(0, 0);

        public boolean any() {
            return hi > lo;
        }
    }

    public Cover cover(long maxId) {
        return db.read(h -> {
            Long lo = h.createQuery("SELECT MIN(from_id) FROM traffic_rollup_steps").mapTo(Long.class).findOne().orElse(null);
            Long hi = h.createQuery("SELECT MAX(to_id) FROM traffic_rollup_steps WHERE to_id <= :m").bind("m", maxId)
                    .mapTo(Long.class).findOne().orElse(null);
            return lo == null || hi == null || hi <= lo ? Cover.NONE : new Cover(lo, hi);
        });
    }

    /**
     * Rolls up one step (at most {@value #STEP_IDS} ids) of the rows not yet rolled up; returns the flows it took,
     * -1 when every row was rolled up already.
     */
    public long rollOnce(long nowMillis) {
        // the fence: with no insert in flight, every id up to the highest is committed, and every later insert
        // gets a higher one (ids come from one sequence). Held only for this read: ingest waits milliseconds.
        long fence = table.exclusive(() -> db.unlocked(h -> {
            TrafficTable.holdAgainstInserts(h, db);
            return h.createQuery("SELECT MAX(id) FROM traffic_flows").mapTo(Long.class).findOne().orElse(0L);
        }));
        // the aggregation runs beside ingest; only another roll-up or a retention delete waits for it
        return table.rollingAlone(() -> db.unlocked(h -> {
            TrafficTable.aloneAcrossNodes(h, db);
            long from = h.createQuery("SELECT MAX(to_id) FROM traffic_rollup_steps").mapTo(Long.class).findOne().orElse(0L);
            if (fence <= from) return -1L;
            long to = Math.min(fence, from + STEP_IDS);
            long flows = h.createQuery("SELECT COUNT(*) FROM traffic_flows WHERE id > :f AND id <= :t")
                    .bind("f", from).bind("t", to).mapTo(Long.class).one();
            String bucket = "(last_seen / " + HOUR_MS + ") * " + HOUR_MS;
            int rollups = h.createUpdate("INSERT INTO traffic_rollups (" + GROUP + ", bucket, step_to, num_connections,"
                            + " first_seen, last_seen, dst_pi, dst_po, dst_bi, dst_bo, summaries) SELECT " + GROUP + ", "
                            + bucket + ", :t, SUM(num_connections), MIN(first_seen), MAX(last_seen), SUM(dst_pi),"
                            + " SUM(dst_po), SUM(dst_bi), SUM(dst_bo), COUNT(*) FROM traffic_flows WHERE id > :f"
                            + " AND id <= :t GROUP BY " + GROUP + ", " + bucket)
                    .bind("f", from).bind("t", to).execute();
            h.createUpdate("INSERT INTO traffic_rollup_steps (to_id, from_id, rolled_at, flows, rollups)"
                            + " VALUES (:t, :f, :n, :c, :r)")
                    .bind("t", to).bind("f", from).bind("n", nowMillis).bind("c", flows).bind("r", rollups).execute();
            return flows;
        }));
    }

    /** Rolls up until every stored row is in a step (the bench, after its fill); returns the flows taken. */
    public long rollAll(long nowMillis) {
        long total = 0;
        for (long n; (n = rollOnce(nowMillis)) >= 0; ) total += n;
        return total;
    }

    public long rollupRows() {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM traffic_rollups").mapTo(Long.class).one());
    }
}
