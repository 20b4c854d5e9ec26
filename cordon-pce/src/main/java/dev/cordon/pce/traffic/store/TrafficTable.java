package dev.cordon.pce.traffic.store;

import dev.cordon.pce.store.Database;
import dev.cordon.protocol.flows.FlowBatch;
import java.sql.SQLException;
import java.util.List;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The traffic tables ({@code traffic_batches}, {@code traffic_flows}; V3__traffic.sql). Written through
 * {@link Database#unlocked}, never under the cluster-wide write lock: no use case's uniqueness check reads these
 * rows, and the one uniqueness traffic has — a VEN's batch stored once — is the primary key (VEN href, seq), which
 * the database enforces by itself across every PCE node. A batch's rows go in with one JDBC batch per 1,000 rows in
 * the same transaction as its batch row, so a batch is stored whole or not at all.
 */
public final class TrafficTable {
    static final String COLUMNS = "org, day_no, ven_href, seq, flow_direction, src_ip, dst_ip, proto, port, icmp_type,"
            + " icmp_code, policy_decision, decision_reason, rule_href, policy_version, num_connections, first_seen,"
            + " last_seen, dst_pi, dst_po, dst_bi, dst_bo, state, src_workload, src_managed, src_labels, src_ip_lists,"
            + " src_detail, dst_workload, dst_managed, dst_labels, dst_ip_lists, dst_detail";
    private static final String INSERT = "INSERT INTO traffic_flows (" + COLUMNS + ") VALUES ("
            + "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    private static final int CHUNK = 1000;

    private final Database db;

    public TrafficTable(Database db) {
        this.db = db;
    }

    Database database() {
        return db;
    }

    /** What storing one batch did: {@code stored} false when (VEN, seq) was there already (a resend). */
    public record Stored(boolean stored, int rows) {}

    /** Stores a VEN's batch and its rows in one transaction, or nothing when the batch was stored before. */
    public Stored storeBatch(int org, String venHref, FlowBatch batch, List<StoredFlow> rows, long nowMillis) {
        if (hasBatch(venHref, batch.seq())) return new Stored(false, 0);
        try {
            return db.unlocked(h -> {
                h.createUpdate("INSERT INTO traffic_batches (ven_href, seq, org, day_no, received_at, flows, dropped_kernel,"
                                + " dropped_aggregator, dropped_spool) VALUES (:v, :s, :o, :d, :r, :f, :k, :a, :p)")
                        .bind("v", venHref).bind("s", batch.seq()).bind("o", org).bind("d", StoredFlow.dayOf(nowMillis))
                        .bind("r", nowMillis).bind("f", rows.size()).bind("k", batch.dropped().kernel())
                        .bind("a", batch.dropped().aggregator()).bind("p", batch.dropped().spool()).execute();
                insertRows(h, rows);
                return new Stored(true, rows.size());
            });
        } catch (RuntimeException e) {
            // two nodes (or two threads) took the same resend at once: the other one stored it
            if (uniqueViolation(e)) return new Stored(false, 0);
            throw e;
        }
    }

    /** Stores rows that belong to no VEN batch (bulk uploads of flows seen elsewhere). */
    public void storeRows(List<StoredFlow> rows) {
        db.unlocked(h -> {
            insertRows(h, rows);
            return null;
        });
    }

    private static void insertRows(org.jdbi.v3.core.Handle h, List<StoredFlow> rows) {
        for (int from = 0; from < rows.size(); from += CHUNK) {
            PreparedBatch b = h.prepareBatch(INSERT);
            for (StoredFlow f : rows.subList(from, Math.min(rows.size(), from + CHUNK))) {
                int i = 0;
                b.bind(i++, f.org()).bind(i++, f.day()).bind(i++, f.venHref()).bind(i++, f.seq())
                        .bind(i++, f.flowDirection()).bind(i++, f.src().ip()).bind(i++, f.dst().ip()).bind(i++, f.proto())
                        .bind(i++, f.port()).bind(i++, f.icmpType()).bind(i++, f.icmpCode()).bind(i++, f.decision())
                        .bind(i++, f.reason()).bind(i++, f.ruleHref()).bind(i++, f.policyVersion())
                        .bind(i++, f.connections()).bind(i++, f.firstSeen()).bind(i++, f.lastSeen())
                        .bind(i++, f.dstPi()).bind(i++, f.dstPo()).bind(i++, f.dstBi()).bind(i++, f.dstBo())
                        .bind(i++, f.state());
                i = end(b, i, f.src());
                end(b, i, f.dst());
                b.add();
            }
            b.execute();
        }
    }

    private static int end(PreparedBatch b, int i, FlowEnd e) {
        b.bind(i++, e.workload()).bind(i++, e.managed()).bind(i++, e.labels()).bind(i++, e.ipLists()).bind(i++, e.detail());
        return i;
    }

    public boolean hasBatch(String venHref, long seq) {
        return db.read(h -> h.createQuery("SELECT 1 FROM traffic_batches WHERE ven_href = :v AND seq = :s")
                .bind("v", venHref).bind("s", seq).mapTo(Integer.class).findOne().isPresent());
    }

    /** The highest seq stored for the VEN, 0 when none. */
    public long acknowledged(String venHref) {
        return db.read(h -> h.createQuery("SELECT MAX(seq) FROM traffic_batches WHERE ven_href = :v")
                .bind("v", venHref).mapTo(Long.class).findOne()).orElse(0L);
    }

    /** PostgreSQL only: bytes of traffic_flows with its indexes and TOAST (for the benchmark's disk figure). */
    public long relationBytes() {
        return db.read(h -> h.createQuery("SELECT pg_total_relation_size('traffic_flows')").mapTo(Long.class).one());
    }

    public long flowCount() {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM traffic_flows").mapTo(Long.class).one());
    }

    /** The highest flow id (0 when none): the snapshot bound of a query. */
    public long maxId() {
        return db.read(h -> h.createQuery("SELECT MAX(id) FROM traffic_flows").mapTo(Long.class).findOne()).orElse(0L);
    }

    /**
     * Deletes the flows of days before {@code day}, and the batch records of those days except each VEN's newest
     * (which keeps answering its acknowledged seq). Returns the flows deleted.
     */
    public int deleteBeforeDay(int day) {
        return db.unlocked(h -> {
            int n = h.createUpdate("DELETE FROM traffic_flows WHERE day_no < :d").bind("d", day).execute();
            h.createUpdate("DELETE FROM traffic_batches WHERE day_no < :d AND seq < (SELECT MAX(m.seq) FROM"
                    + " traffic_batches m WHERE m.ven_href = traffic_batches.ven_href)").bind("d", day).execute();
            return n;
        });
    }

    /**
     * Deletes the oldest flows beyond the newest {@code keep}; returns how many. Ids only grow, so the newest
     * {@code keep} rows are at most those with id above {@code max(id) - keep}: one indexed range delete, where an
     * {@code OFFSET keep} scan would walk tens of millions of index entries every sweep. (A rolled-back insert leaves
     * an id gap, so the store may keep slightly fewer than {@code keep}; never more.)
     */
    public int deleteBeyond(long keep) {
        return db.unlocked(h -> {
            long max = h.createQuery("SELECT MAX(id) FROM traffic_flows").mapTo(Long.class).findOne().orElse(0L);
            if (max <= keep) return 0;
            return h.createUpdate("DELETE FROM traffic_flows WHERE id <= :id").bind("id", max - keep).execute();
        });
    }

    static boolean uniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }
}
