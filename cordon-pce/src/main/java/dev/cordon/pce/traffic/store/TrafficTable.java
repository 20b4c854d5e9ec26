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
    /** H2: the id is given (see {@link #nextIds}); PostgreSQL's COPY takes it from the identity sequence. */
    private static final String INSERT = "INSERT INTO traffic_flows (id, " + COLUMNS + ") VALUES (?,"
            + "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    private static final int CHUNK = 1000;

    private final Database db;
    private final java.util.Map<String, Long> ends = new java.util.concurrent.ConcurrentHashMap<>();

    private final TrafficWriter writer;
    /**
     * H2 only: the next flow id, taken from {@code MAX(id)} at the first insert. H2 serves one PCE process, so the
     * ids can be handed out here: the identity sequence cost a visible share of each insert in the profile (its
     * value kept in the file every 32 ids). Ids are handed out in the order groups start writing, so a later insert
     * still gets a higher id than any row there before (the roll-up fence relies on it). On PostgreSQL the sequence
     * stays (several nodes insert). One counter per database, whatever the number of tables opened on it.
     */
    private final java.util.concurrent.atomic.AtomicLong nextId;
    private static final java.util.Map<Database, java.util.concurrent.atomic.AtomicLong> NEXT_IDS =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    /**
     * H2 only: one batch of a VEN at a time in the writers (by stripe of its href). With two groups written at once,
     * a resend in one group and its original in the other would both find no batch row and the second insert would
     * fail its whole group; behind the stripe the resend finds the original stored. A VEN sends one batch at a time,
     * so the stripe never delays a VEN's own upload; two VENs on one stripe wait for each other's group only.
     */
    private final java.util.concurrent.locks.ReentrantLock[] venStripes = new java.util.concurrent.locks.ReentrantLock[256];

    public TrafficTable(Database db) {
        this.db = db;
        this.nextId = NEXT_IDS.computeIfAbsent(db, d -> new java.util.concurrent.atomic.AtomicLong(-1));
        // two groups at once on both engines: on the 2-core bench machine one H2 writer left a core idle (the
        // insert is CPU-bound in the writing thread, and H2's MVStore takes concurrent transactions)
        this.writer = new TrafficWriter(2, this::commitGroup);
        for (int i = 0; i < venStripes.length; i++) venStripes[i] = new java.util.concurrent.locks.ReentrantLock();
    }

    Database database() {
        return db;
    }

    /** What storing one batch did: {@code stored} false when (VEN, seq) was there already (a resend). */
    public record Stored(boolean stored, int rows) {}

    /**
     * Stores a VEN's batch and its rows, or nothing when the batch was stored before; returns once they are durable.
     * The batch goes in with the batches other VENs sent meanwhile (one transaction and one durable sync per group,
     * {@link TrafficWriter}); its batch row and its flow rows are in the same transaction, so it is stored whole or
     * not at all, and the answer comes after that transaction is on disk.
     */
    public Stored storeBatch(int org, String venHref, FlowBatch batch, List<StoredFlow> rows, long nowMillis) {
        java.util.concurrent.locks.ReentrantLock stripe = db.isPostgres() ? null
                : venStripes[Math.floorMod(venHref.hashCode(), venStripes.length)];
        if (stripe != null) stripe.lock();
        try {
            return writer.submit(rows.size(), g -> {
                boolean fresh = insertBatchRow(g.handle(), org, venHref, batch, rows.size(), nowMillis);
                if (!fresh) return new Stored(false, 0);
                g.add(rows);
                return new Stored(true, rows.size());
            });
        } finally {
            if (stripe != null) stripe.unlock();
        }
    }

    /**
     * The batch row: false when (VEN, seq) is there already. On PostgreSQL {@code ON CONFLICT DO NOTHING} (it waits
     * for another node's uncommitted insert of the same key, then does nothing: stored once across nodes); on H2
     * (one PCE process) a read in the same transaction, which also sees a resend that
     * came earlier in the same group (and, behind the VEN's stripe in {@link #storeBatch}, one in another group).
     */
    private boolean insertBatchRow(org.jdbi.v3.core.Handle h, int org, String venHref, FlowBatch batch, int flows,
                                   long nowMillis) {
        String insert = "INSERT INTO traffic_batches (ven_href, seq, org, day_no, received_at, flows, dropped_kernel,"
                + " dropped_aggregator, dropped_spool) VALUES (:v, :s, :o, :d, :r, :f, :k, :a, :p)";
        if (db.isPostgres()) {
            insert += " ON CONFLICT (ven_href, seq) DO NOTHING";
        } else if (h.createQuery("SELECT 1 FROM traffic_batches WHERE ven_href = :v AND seq = :s")
                .bind("v", venHref).bind("s", batch.seq()).mapTo(Integer.class).findOne().isPresent()) {
            return false;
        }
        return h.createUpdate(insert)
                .bind("v", venHref).bind("s", batch.seq()).bind("o", org).bind("d", StoredFlow.dayOf(nowMillis))
                .bind("r", nowMillis).bind("f", flows).bind("k", batch.dropped().kernel())
                .bind("a", batch.dropped().aggregator()).bind("p", batch.dropped().spool()).execute() == 1;
    }

    /** Stores rows that belong to no VEN batch (bulk uploads of flows seen elsewhere, the benchmark's fill). */
    public void storeRows(List<StoredFlow> rows) {
        writer.submit(rows.size(), g -> {
            g.add(rows);
            return null;
        });
    }

    /** One group's transaction: every job's part, then all their flow rows in one bulk insert; durable on return. */
    private void commitGroup(List<TrafficWriter.Job> jobs) {
        db.unlocked(h -> {
            List<StoredFlow> all = new java.util.ArrayList<>();
            TrafficWriter.Group g = new TrafficWriter.Group() {
                @Override
                public org.jdbi.v3.core.Handle handle() {
                    return h;
                }

                @Override
                public void add(List<StoredFlow> rows) {
                    all.addAll(rows);
                }
            };
            for (TrafficWriter.Job j : jobs) j.result = j.work.apply(g);
            if (!all.isEmpty()) insertRows(h, all, db.isPostgres() ? 0 : nextIds(h, all.size()));
            return null;
        });
    }

    /** Runs {@code work} while this process writes no traffic rows (roll-ups and retention deletes). */
    <T> T exclusive(java.util.function.Supplier<T> work) {
        return writer.exclusive(work);
    }

    /** H2: the first of {@code n} fresh ids (the first call reads MAX(id) in the caller's transaction). */
    private long nextIds(org.jdbi.v3.core.Handle h, int n) {
        synchronized (nextId) {
            if (nextId.get() < 0) {
                long max = h.createQuery("SELECT COALESCE(MAX(id), 0) FROM traffic_flows").mapTo(Long.class).one();
                nextId.set(max + 1);
            }
            return nextId.getAndAdd(n);
        }
    }

    /**
     * The rows in the caller's transaction: on PostgreSQL one {@code COPY ... FROM STDIN} (CSV) per batch, several
     * times faster than even a batched INSERT; on H2 a plain JDBC batch of {@value #CHUNK} rows per round trip (no
     * JDBI binding per value: at 50,000 rows/s its argument lookup was a visible part of the cost).
     */
    private static void insertRows(org.jdbi.v3.core.Handle h, List<StoredFlow> rows, long firstId) {
        Connection c = h.getConnection();
        try {
            if (c.isWrapperFor(PGConnection.class)) {
                copy(c.unwrap(PGConnection.class), rows);
                return;
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                int n = 0;
                long id = firstId;
                for (StoredFlow f : rows) {
                    ps.setLong(1, id++);
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
        int i = 2;
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
        if (v.indexOf('"') < 0) { // the checked inputs never hold one: one bulk copy, not a char loop (the profile's top frame)
            b.append(v).append('"');
            return;
        }
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

    /**
     * PostgreSQL only: the server's postmaster process id (the first line of its postmaster.pid), for the
     * benchmark's CPU figure; null when the server is not on this machine or its data directory cannot be read.
     */
    public Long serverPid() {
        try {
            String dir = db.read(h -> h.createQuery("SHOW data_directory").mapTo(String.class).one());
            return Long.parseLong(java.nio.file.Files.readAllLines(java.nio.file.Path.of(dir, "postmaster.pid")).get(0).trim());
        } catch (RuntimeException | java.io.IOException e) {
            return null;
        }
    }

    /** PostgreSQL only: bytes of traffic_flows with its indexes and TOAST (for the benchmark's disk figure). */
    public long relationBytes() {
        return db.read(h -> h.createQuery("SELECT pg_total_relation_size('traffic_flows')").mapTo(Long.class).one());
    }

    /** Up to {@code limit} stored rows in id order (the benchmark's templates for its direct fill). */
    public List<StoredFlow> rows(int limit) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM traffic_flows ORDER BY id").setMaxRows(limit)
                .map((rs, c) -> {
                    int i = 1;
                    int org = rs.getInt(i++);
                    int day = rs.getInt(i++);
                    String ven = rs.getString(i++);
                    Long seq = rs.getObject(i++, Long.class);
                    String dir = rs.getString(i++);
                    String srcIp = rs.getString(i++);
                    String dstIp = rs.getString(i++);
                    int proto = rs.getInt(i++);
                    Integer port = rs.getObject(i++, Integer.class);
                    Integer type = rs.getObject(i++, Integer.class);
                    Integer code = rs.getObject(i++, Integer.class);
                    String decision = rs.getString(i++);
                    String reason = rs.getString(i++);
                    String rule = rs.getString(i++);
                    Long version = rs.getObject(i++, Long.class);
                    long conns = rs.getLong(i++);
                    long first = rs.getLong(i++);
                    long last = rs.getLong(i++);
                    long pi = rs.getLong(i++);
                    long po = rs.getLong(i++);
                    long bi = rs.getLong(i++);
                    long bo = rs.getLong(i++);
                    String state = rs.getString(i++);
                    FlowEnd[] ends = new FlowEnd[2];
                    String[] ips = {srcIp, dstIp};
                    for (int e = 0; e < 2; e++) {
                        String wl = rs.getString(i++);
                        boolean managed = rs.getBoolean(i++);
                        String labels = rs.getString(i++);
                        String lists = rs.getString(i++);
                        Long end = rs.getObject(i++, Long.class);
                        ends[e] = new FlowEnd(ips[e], wl, managed, labels, lists, null, end);
                    }
                    return new StoredFlow(org, day, ven, seq, dir, ends[0], ends[1], proto, port, type, code, decision,
                            reason, rule, version, conns, first, last, pi, po, bi, bo, state);
                }).list());
    }

    /** Bytes of the traffic tables (PostgreSQL only; flows and roll-ups with their indexes and TOAST). */
    public long rollupRelationBytes() {
        return db.read(h -> h.createQuery("SELECT pg_total_relation_size('traffic_rollups')").mapTo(Long.class).one());
    }

    /**
     * Runs a query's count and reads every row of its aggregated select (the benchmark's in-process measure):
     * {matched (from the count), sum of the rows' connections}.
     */
    public long[] readAggregated(String count, String select, List<Object> binds) {
        return db.read(h -> {
            long matched = bindAll(h.createQuery(count), binds).mapTo(Long.class).one();
            h.begin();
            try {
                if (db.isPostgres()) h.execute("SET LOCAL cursor_tuple_fraction = 1.0");
                var q = bindAll(h.createQuery(select), binds);
                q.setFetchSize(1000);
                long conns = q.scanResultSet((supplier, ctx) -> {
                    java.sql.ResultSet rs = supplier.get();
                    long sum = 0;
                    while (rs.next()) sum += rs.getLong("conns");
                    return sum;
                });
                return new long[] {matched, conns};
            } finally {
                h.rollback();
            }
        });
    }

    private static org.jdbi.v3.core.statement.Query bindAll(org.jdbi.v3.core.statement.Query q, List<Object> binds) {
        for (int i = 0; i < binds.size(); i++) {
            Object v = binds.get(i);
            if (v instanceof Integer n) q.bind(i, n);
            else if (v instanceof Long n) q.bind(i, n);
            else q.bind(i, (String) v);
        }
        return q;
    }

    public long flowCount() {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM traffic_flows").mapTo(Long.class).one());
    }

    /**
     * The highest flow id (0 when none): the snapshot bound of a query. Read with no group being written by this
     * process: two groups are written at once, and the one with the lower ids may commit second, so a bound read
     * between their commits would later take in rows that arrived after it (invariant 6). A query waits for at most
     * the groups in flight. (Across PostgreSQL nodes the bound is as exact as the sequence's order.)
     */
    public long maxId() {
        return exclusive(() -> db.read(h -> h.createQuery("SELECT MAX(id) FROM traffic_flows").mapTo(Long.class)
                .findOne()).orElse(0L));
    }

    /**
     * Deletes the flows of days before {@code day} with their roll-ups, and the batch records of those days except
     * each VEN's newest (which keeps answering its acknowledged seq). Returns the flows deleted.
     */
    public int deleteBeforeDay(int day) {
        return rollingAlone(() -> db.unlocked(h -> {
            aloneAcrossNodes(h, db);
            // by last_seen (its index) rather than day_no: day_no is the UTC day of last_seen, so it is the same set
            int n = h.createUpdate("DELETE FROM traffic_flows WHERE last_seen < :t").bind("t", day * 86_400_000L).execute();
            h.createUpdate("DELETE FROM traffic_rollups WHERE day_no < :d").bind("d", day).execute();
            h.createUpdate("DELETE FROM traffic_batches WHERE day_no < :d AND seq < (SELECT MAX(m.seq) FROM"
                    + " traffic_batches m WHERE m.ven_href = traffic_batches.ven_href)").bind("d", day).execute();
            return n;
        }));
    }

    /**
     * Deletes the oldest flows beyond the newest {@code keep}; returns how many. Ids only grow, so the newest
     * {@code keep} rows are at most those with id above {@code max(id) - keep}: one indexed range delete, where an
     * {@code OFFSET keep} scan would walk tens of millions of index entries every sweep. (A rolled-back insert leaves
     * an id gap, so the store may keep slightly fewer than {@code keep}; never more.) Every roll-up step that took a
     * deleted row goes too, with its roll-up rows: the rows of such a step that remain are then read raw.
     */
    public int deleteBeyond(long keep) {
        return rollingAlone(() -> db.unlocked(h -> {
            aloneAcrossNodes(h, db);
            long max = h.createQuery("SELECT MAX(id) FROM traffic_flows").mapTo(Long.class).findOne().orElse(0L);
            if (max <= keep) return 0;
            long cut = max - keep;
            int n = h.createUpdate("DELETE FROM traffic_flows WHERE id <= :id").bind("id", cut).execute();
            h.createUpdate("DELETE FROM traffic_rollups WHERE step_to IN (SELECT to_id FROM traffic_rollup_steps"
                    + " WHERE from_id < :id)").bind("id", cut).execute();
            h.createUpdate("DELETE FROM traffic_rollup_steps WHERE from_id < :id").bind("id", cut).execute();
            return n;
        }));
    }

    /**
     * In the caller's transaction, waits for every other transaction inserting flows to end and keeps new ones out
     * until it commits: on PostgreSQL a table lock that conflicts with inserts and with itself (so other PCE nodes'
     * inserts, roll-ups and deletes too). On H2 (one process) {@link #exclusive} has done it.
     */
    /**
     * In the caller's transaction on PostgreSQL, an advisory lock every PCE node's roll-up and retention delete
     * takes, so a step never aggregates rows a delete is taking (nor a delete misses a step being written).
     */
    static void aloneAcrossNodes(org.jdbi.v3.core.Handle h, Database db) {
        if (db.isPostgres()) h.execute("SELECT pg_advisory_xact_lock(" + ROLLUP_LOCK_KEY + ")");
    }

    /** The advisory lock of roll-ups and retention deletes ("CORDTR" in ASCII). */
    static final long ROLLUP_LOCK_KEY = 0x434f52445452L;
    private final java.util.concurrent.locks.ReentrantLock rolling = new java.util.concurrent.locks.ReentrantLock();

    /** Runs {@code work} alone against this process's other roll-ups and retention deletes. */
    <T> T rollingAlone(java.util.function.Supplier<T> work) {
        rolling.lock();
        try {
            return work.get();
        } finally {
            rolling.unlock();
        }
    }

    static void holdAgainstInserts(org.jdbi.v3.core.Handle h, Database db) {
        if (db.isPostgres()) h.execute("LOCK TABLE traffic_flows IN SHARE ROW EXCLUSIVE MODE");
    }

    static boolean uniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }
}
