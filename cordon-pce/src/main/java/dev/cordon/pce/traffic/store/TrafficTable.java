package dev.cordon.pce.traffic.store;

import dev.cordon.pce.store.Database;
import dev.cordon.protocol.flows.FlowBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import org.postgresql.PGConnection;
import java.util.List;

/**
 * The traffic tables ({@code traffic_batches}, {@code traffic_flows}, {@code traffic_ends}; V3__traffic.sql,
 * V4__traffic_speed.sql). Written through
 * {@link Database#unlocked}, never under the cluster-wide write lock: no use case's uniqueness check reads these
 * rows, and the one uniqueness traffic has — a VEN's batch stored once — is the primary key (VEN href, seq), which
 * the database enforces by itself across every PCE node. A batch's rows go in with one JDBC batch per 1,000 rows in
 * the same transaction as its batch row, so a batch is stored whole or not at all.
 */
public final class TrafficTable {
    static final String COLUMNS = "org, day_no, ven_href, seq, flow_direction, src_ip, dst_ip, proto, port, icmp_type,"
            + " icmp_code, policy_decision, decision_reason, rule_href, policy_version, num_connections, first_seen,"
            + " last_seen, dst_pi, dst_po, dst_bi, dst_bo, state, src_workload, src_managed, src_labels, src_ip_lists,"
            + " src_end, dst_workload, dst_managed, dst_labels, dst_ip_lists, dst_end";
    private static final String INSERT = "INSERT INTO traffic_flows (" + COLUMNS + ") VALUES ("
            + "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    private static final int CHUNK = 1000;

    private final Database db;
    private final java.util.Map<String, Long> ends = new java.util.concurrent.ConcurrentHashMap<>();

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

    /**
     * The rows in the caller's transaction: on PostgreSQL one {@code COPY ... FROM STDIN} (CSV) per batch, several
     * times faster than even a batched INSERT; on H2 a plain JDBC batch of {@value #CHUNK} rows per round trip (no
     * JDBI binding per value: at 50,000 rows/s its argument lookup was a visible part of the cost).
     */
    private static void insertRows(org.jdbi.v3.core.Handle h, List<StoredFlow> rows) {
        Connection c = h.getConnection();
        try {
            if (c.isWrapperFor(PGConnection.class)) {
                copy(c.unwrap(PGConnection.class), rows);
                return;
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                int n = 0;
                for (StoredFlow f : rows) {
                    bind(ps, f);
                    ps.addBatch();
                    if (++n % CHUNK == 0) ps.executeBatch();
                }
                if (n % CHUNK != 0) ps.executeBatch();
            }
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void bind(PreparedStatement ps, StoredFlow f) throws SQLException {
        int i = 1;
        ps.setInt(i++, f.org());
        ps.setInt(i++, f.day());
        ps.setString(i++, f.venHref());
        setLong(ps, i++, f.seq());
        ps.setString(i++, f.flowDirection());
        ps.setString(i++, f.src().ip());
        ps.setString(i++, f.dst().ip());
        ps.setInt(i++, f.proto());
        setInt(ps, i++, f.port());
        setInt(ps, i++, f.icmpType());
        setInt(ps, i++, f.icmpCode());
        ps.setString(i++, f.decision());
        ps.setString(i++, f.reason());
        ps.setString(i++, f.ruleHref());
        setLong(ps, i++, f.policyVersion());
        ps.setLong(i++, f.connections());
        ps.setLong(i++, f.firstSeen());
        ps.setLong(i++, f.lastSeen());
        ps.setLong(i++, f.dstPi());
        ps.setLong(i++, f.dstPo());
        ps.setLong(i++, f.dstBi());
        ps.setLong(i++, f.dstBo());
        ps.setString(i++, f.state());
        for (FlowEnd e : new FlowEnd[] {f.src(), f.dst()}) {
            ps.setString(i++, e.workload());
            ps.setBoolean(i++, e.managed());
            ps.setString(i++, e.labels());
            ps.setString(i++, e.ipLists());
            setLong(ps, i++, e.end());
        }
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) ps.setNull(i, Types.INTEGER);
        else ps.setInt(i, v);
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) ps.setNull(i, Types.BIGINT);
        else ps.setLong(i, v);
    }

    /** PostgreSQL's COPY in CSV: an unquoted empty field is NULL, a quoted one a string ("" escapes a quote). */
    private static void copy(PGConnection pg, List<StoredFlow> rows) throws SQLException, java.io.IOException {
        StringBuilder b = new StringBuilder(rows.size() * 700);
        for (StoredFlow f : rows) {
            b.append(f.org()).append(',').append(f.day()).append(',');
            text(b, f.venHref());
            b.append(',');
            if (f.seq() != null) b.append(f.seq());
            b.append(',');
            text(b, f.flowDirection());
            b.append(',');
            text(b, f.src().ip());
            b.append(',');
            text(b, f.dst().ip());
            b.append(',').append(f.proto()).append(',');
            if (f.port() != null) b.append(f.port());
            b.append(',');
            if (f.icmpType() != null) b.append(f.icmpType());
            b.append(',');
            if (f.icmpCode() != null) b.append(f.icmpCode());
            b.append(',');
            text(b, f.decision());
            b.append(',');
            text(b, f.reason());
            b.append(',');
            text(b, f.ruleHref());
            b.append(',');
            if (f.policyVersion() != null) b.append(f.policyVersion());
            b.append(',').append(f.connections()).append(',').append(f.firstSeen()).append(',').append(f.lastSeen())
                    .append(',').append(f.dstPi()).append(',').append(f.dstPo()).append(',').append(f.dstBi())
                    .append(',').append(f.dstBo()).append(',');
            text(b, f.state());
            for (FlowEnd e : new FlowEnd[] {f.src(), f.dst()}) {
                b.append(',');
                text(b, e.workload());
                b.append(',').append(e.managed() ? 't' : 'f').append(',');
                text(b, e.labels());
                b.append(',');
                text(b, e.ipLists());
                b.append(',');
                if (e.end() != null) b.append(e.end());
            }
            b.append('\n');
        }
        pg.getCopyAPI().copyIn("COPY traffic_flows (" + COLUMNS + ") FROM STDIN WITH (FORMAT csv)",
                new java.io.StringReader(b.toString()));
    }

    private static void text(StringBuilder b, String v) {
        if (v == null) return;
        b.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"') b.append('"');
            b.append(c);
        }
        b.append('"');
    }

    /**
     * The id in {@code traffic_ends} of a workload snapshot (its JSON), stored there the first time it is seen.
     * Keyed by the SHA-256 of the JSON, unique per org, so every PCE node finds the same id for the same snapshot
     * (two nodes storing it at once: one insert loses on the unique index and reads the winner's id). Cached here:
     * a resolver asks once per workload per active engine.
     */
    public long endId(int org, String detail) {
        String digest = sha256(detail);
        String key = org + "/" + digest;
        Long known = ends.get(key);
        if (known != null) return known;
        long id = findEnd(org, digest).orElseGet(() -> {
            try {
                db.unlocked(h -> h.createUpdate("INSERT INTO traffic_ends (org, digest, detail) VALUES (:o, :d, :j)")
                        .bind("o", org).bind("d", digest).bind("j", detail).execute());
            } catch (RuntimeException e) {
                if (!uniqueViolation(e)) throw e;
            }
            return findEnd(org, digest).orElseThrow();
        });
        if (ends.size() > 100_000) ends.clear(); // bounded; a miss costs one indexed read
        ends.put(key, id);
        return id;
    }

    private java.util.Optional<Long> findEnd(int org, String digest) {
        return db.read(h -> h.createQuery("SELECT id FROM traffic_ends WHERE org = :o AND digest = :d")
                .bind("o", org).bind("d", digest).mapTo(Long.class).findOne());
    }

    private static String sha256(String s) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
