package dev.cordon.pce.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cordon.policy.validate.PolicyException;
import dev.cordon.policy.validate.ValidationError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The PCE's persistence: JDBI over a HikariCP pool, schema by Flyway (the same migrations on H2 and PostgreSQL).
 *
 * <p>Design: every API object is stored as its JSON text in one table keyed by (org, kind, href), with the columns
 * the API filters on ({@code name}, {@code hostname}, label {@code key}/{@code value}, external data, and a
 * kind-specific {@code lookup} such as an API key's username) copied out and indexed. Provisioned versions are
 * immutable rows holding a whole policy document.
 *
 * <p>Writes are serialised: {@link #write(Supplier)} takes one lock and runs the use case in one transaction, so
 * uniqueness checks, counters and multi-row changes (provision, revert) are atomic. On PostgreSQL the transaction
 * also takes a transaction-scoped advisory lock ({@code pg_advisory_xact_lock}) first, which makes writes atomic
 * across every PCE node sharing the database; H2 is single-node (its file lock refuses a second process). Reads run
 * without the lock. Inside {@code write} every store method uses the transaction's handle (kept in a thread-local).
 *
 * <p>Durability: a change is on stable storage before the method that made it returns, so before the API answers
 * 2xx. H2's MVStore writes committed transactions to its file only from a background thread (WRITE_DELAY, 500 ms)
 * and never fsyncs a commit, so after a {@code kill -9} the last half second of acknowledged writes was gone; here
 * every committed write transaction, and every change made outside one (autocommit), is followed by
 * {@link Durability#sync}. On PostgreSQL the commit itself is durable (synchronous_commit, which {@link #open}
 * refuses to leave {@code off}).
 */
public final class Store implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ThreadLocal<Handle> current = new ThreadLocal<>();
    private final ThreadLocal<List<Runnable>> afterwards = new ThreadLocal<>();
    /** Set by {@link #change} inside {@link #write}: a transaction that changed nothing needs no sync. */
    private final ThreadLocal<boolean[]> changed = new ThreadLocal<>();
    private final boolean postgres;
    private final String url;
    private final Durability durability;
    private final java.util.Map<String, String> writeCounters = new java.util.concurrent.ConcurrentHashMap<>();
    private final ThreadLocal<Moved> moved = new ThreadLocal<>();
    /** The advisory lock every PCE node takes for a write transaction ("CORDON" in ASCII). */
    static final long WRITE_LOCK_KEY = 0x434f52444f4eL;

    private Store(HikariDataSource ds, boolean postgres, String url) {
        this.dataSource = ds;
        this.jdbi = Jdbi.create(ds);
        this.postgres = postgres;
        this.url = url;
        this.durability = postgres ? Durability.NONE_NEEDED : new Durability(jdbi);
    }

    /** Opens (and migrates) the database: PostgreSQL for a {@code jdbc:postgresql:} URL, else an H2 file in dataDir. */
    public static Store open(Path dataDir, String jdbcUrl) {
        String url = jdbcUrl;
        if (url == null || url.isBlank()) {
            url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("cordon")
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        } else if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
            throw new IllegalArgumentException("Unsupported database URL '" + url
                    + "': give a jdbc:postgresql://host:port/db URL, or none for the H2 file in the data directory.");
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setMaximumPoolSize(10);
        hc.setPoolName("cordon-pce");
        // a database that is away answers a request within seconds (503 database_unavailable), not after 30 s
        hc.setConnectionTimeout(5_000);
        if (url.startsWith("jdbc:postgresql:")) {
            // an acknowledged write must survive a PostgreSQL crash: never run with a role's or server's
            // synchronous_commit = off (stronger settings such as remote_apply are kept)
            hc.setConnectionInitSql("DO $$BEGIN IF current_setting('synchronous_commit') = 'off' THEN"
                    + " SET synchronous_commit = on; END IF; END$$");
        }
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(cannotOpen(url, dataDir, e), e);
        }
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Store(ds, url.startsWith("jdbc:postgresql:"), url);
    }

    private static String cannotOpen(String url, Path dataDir, RuntimeException e) {
        String why = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) why = t.getMessage();
        }
        if (url.startsWith("jdbc:h2:") && why != null && (why.contains("already in use") || why.contains("file is locked"))) {
            return "The H2 database in " + dataDir.toAbsolutePath() + " is in use by another process (a PCE already"
                    + " running on this data directory?). H2 serves one PCE node: stop the other one, or give several"
                    + " nodes one PostgreSQL database with --db-url.";
        }
        return "Cannot open the database " + url.replaceAll("password=[^&]*", "password=***") + ": " + why;
    }

    /**
     * A new connection outside the pool, for a node's {@code LISTEN}: it stays open for as long as the node runs
     * and must not hold a pooled connection. Only for PostgreSQL.
     */
    public java.sql.Connection dedicatedConnection() throws java.sql.SQLException {
        if (!postgres) throw new IllegalStateException("LISTEN/NOTIFY needs PostgreSQL; this store is H2.");
        return java.sql.DriverManager.getConnection(url);
    }

    /**
     * {@code NOTIFY channel, payload}: inside {@link #write} it is delivered when the transaction commits, outside
     * it at once. Does nothing on H2 (one node, nobody to tell).
     */
    public void notify(String channel, String payload) {
        if (!postgres) return;
        with(h -> h.createQuery("SELECT pg_notify(:c, :p)").bind("c", channel).bind("p", payload)
                .mapToMap().list());
    }

    /** True while the calling thread is inside {@link #write}: reads then see this node's uncommitted changes. */
    public boolean inWrite() {
        return current.get() != null;
    }

    /** How many times H2's file was forced to disk since the store opened (0 on PostgreSQL). */
    public long syncs() {
        return durability.syncs();
    }

    public boolean isPostgres() {
        return postgres;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /** Runs a use case under the write lock in one transaction; nested calls join the outer one. */
    public <T> T write(Supplier<T> work) {
        if (current.get() != null) {
            return work.get();
        }
        List<Runnable> after = new ArrayList<>();
        long committed = -1;
        boolean[] dirty = {false};
        T result;
        writeLock.lock();
        afterwards.set(after);
        changed.set(dirty);
        try {
            result = StoreUnavailableException.translate(() -> jdbi.inTransaction(h -> {
                if (postgres) {
                    // other PCE nodes on this database wait here too: one writer cluster-wide
                    h.createQuery("SELECT pg_advisory_xact_lock(:k)").bind("k", WRITE_LOCK_KEY).mapToMap().list();
                }
                current.set(h);
                try {
                    return work.get();
                } finally {
                    current.remove();
                }
            }));
            if (dirty[0]) committed = durability.committed();
        } finally {
            afterwards.remove();
            changed.remove();
            writeLock.unlock();
            // outside the lock: while this thread waits for the disk the next writer runs, and one sync covers both
            try {
                if (committed >= 0) durability.sync(committed);
            } finally {
                for (Runnable r : after) r.run();
            }
        }
        return result;
    }

    /**
     * Runs {@code r} once the current write transaction has ended, committed or rolled back (at once outside one):
     * for what must be kept even when the use case fails, such as the event recording an access denial.
     */
    public void afterTransaction(Runnable r) {
        List<Runnable> after = afterwards.get();
        if (after == null) r.run();
        else after.add(r);
    }

    public void writeVoid(Runnable work) {
        write(() -> {
            work.run();
            return null;
        });
    }

    /** A read, or a change inside {@link #write}: on the transaction's handle when there is one. */
    private <T> T with(Function<Handle, T> f) {
        Handle h = current.get();
        if (h != null) {
            return f.apply(h);
        }
        return StoreUnavailableException.translate(() -> jdbi.withHandle(f::apply));
    }

    /**
     * A change: inside {@link #write} part of its transaction (made durable when it commits); outside it an
     * autocommit statement (an event recorded after a failed use case, a VEN's heartbeat status) that is made
     * durable here, before the caller can answer.
     */
    private <T> T change(Function<Handle, T> f) {
        Handle h = current.get();
        if (h != null) {
            changed.get()[0] = true;
            return f.apply(h);
        }
        T result = StoreUnavailableException.translate(() -> jdbi.withHandle(f::apply));
        durability.sync(durability.committed());
        return result;
    }

    // ---- orgs and counters ----

    public boolean orgExists(int org) {
        return with(h -> h.createQuery("SELECT COUNT(*) FROM orgs WHERE id = :id").bind("id", org)
                .mapTo(Integer.class).one() > 0);
    }

    /** Raises a counter so that {@link #next} never returns a value below {@code atLeast} (after an import). */
    public void advance(int org, String counter, long atLeast) {
        change(h -> {
            int n = h.createUpdate("UPDATE counters SET next_value = :v WHERE org = :org AND name = :n AND next_value < :v")
                    .bind("org", org).bind("n", counter).bind("v", atLeast).execute();
            if (n == 0 && h.createQuery("SELECT COUNT(*) FROM counters WHERE org = :org AND name = :n")
                    .bind("org", org).bind("n", counter).mapTo(Integer.class).one() == 0) {
                h.createUpdate("INSERT INTO counters (org, name, next_value) VALUES (:org, :n, :v)")
                        .bind("org", org).bind("n", counter).bind("v", atLeast).execute();
            }
            return null;
        });
    }

    public void createOrg(int org, String name, String createdAt) {
        change(h -> h.createUpdate("INSERT INTO orgs (id, name, created_at) VALUES (:id, :name, :at)")
                .bind("id", org).bind("name", name).bind("at", createdAt).execute());
    }

    /** The next value of a named counter (ids for hrefs, event sequence); must run inside {@link #write}. */
    public long next(int org, String counter) {
        return change(h -> {
            Optional<Long> v = h.createQuery("SELECT next_value FROM counters WHERE org = :org AND name = :n")
                    .bind("org", org).bind("n", counter).mapTo(Long.class).findOne();
            if (v.isEmpty()) {
                h.createUpdate("INSERT INTO counters (org, name, next_value) VALUES (:org, :n, 2)")
                        .bind("org", org).bind("n", counter).execute();
                return 1L;
            }
            h.createUpdate("UPDATE counters SET next_value = next_value + 1 WHERE org = :org AND name = :n")
                    .bind("org", org).bind("n", counter).execute();
            return v.get();
        });
    }

    /**
     * From now on, a write transaction that puts or deletes objects of one of {@code kinds} in an org also moves that
     * org's counter {@code prefix + kind}, once, in the same transaction: a stamp of those objects for caches of what
     * is built from them. Being in the database and in the writer's transaction, it is exact on every PCE node
     * sharing it. {@link #counters} reads them all at once.
     */
    public void countWrites(java.util.Collection<String> kinds, String prefix) {
        for (String k : kinds) writeCounters.put(k, prefix + k);
    }

    /** After a put or delete of {@code kind}: moves its counter (see {@link #countWrites}) once per transaction. */
    private void wrote(int org, String kind) {
        String counter = writeCounters.get(kind);
        if (counter == null) return;
        Handle h = current.get();
        if (h == null) { // a write outside a transaction: move the counter in one of its own, after the change
            write(() -> next(org, counter));
            return;
        }
        Moved m = moved.get();
        if (m == null || m.transaction() != h) moved.set(m = new Moved(h, new java.util.HashSet<>()));
        if (m.counters().add(org + " " + counter)) next(org, counter);
    }

    /** The counters {@link #wrote} already moved in one write transaction (known by its handle). */
    private record Moved(Handle transaction, java.util.Set<String> counters) {}

    /** The current values of the org's counters whose names start with {@code prefix}, without moving them. */
    public java.util.Map<String, Long> counters(int org, String prefix) {
        String like = prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        with(h -> h.createQuery("SELECT name, next_value FROM counters WHERE org = :org AND name LIKE :p ESCAPE '!'")
                .bind("org", org).bind("p", like)
                .map((rs, ctx) -> java.util.Map.entry(rs.getString(1), rs.getLong(2))).list())
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    // ---- objects ----

    /** A stored object: its href and JSON body. */
    public record Row(String href, String body) {}

    /** Filters the API offers on collections; null fields do not filter. {@code name}/{@code hostname} match partially. */
    public record Filter(String name, String hostname, String key, String value, String externalDataSet,
                         String externalDataReference) {
        public static final Filter NONE = new Filter(null, null, null, null, null, null);
    }

    /** A page of rows and the total number matching. */
    public record Page(List<Row> rows, long total) {}

    public Optional<String> get(int org, String kind, String href) {
        return with(h -> h.createQuery("SELECT body FROM objects WHERE org = :org AND kind = :kind AND href = :href")
                .bind("org", org).bind("kind", kind).bind("href", href).mapTo(String.class).findOne());
    }

    /** The look-up key an object was stored with (an agent token's id, say), if any. */
    public Optional<String> lookupOf(int org, String kind, String href) {
        return with(h -> h.createQuery("SELECT lookup FROM objects WHERE org = :org AND kind = :kind AND href = :href")
                .bind("org", org).bind("kind", kind).bind("href", href).mapTo(String.class).findOne());
    }

    public Optional<Row> findByLookup(String kind, String lookup) {
        return with(h -> h.createQuery("SELECT href, body FROM objects WHERE kind = :kind AND lookup = :lookup")
                .bind("kind", kind).bind("lookup", lookup)
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2))).findFirst());
    }

    public List<Row> all(int org, String kind) {
        return list(org, kind, Filter.NONE, Integer.MAX_VALUE).rows();
    }

    public Page list(int org, String kind, Filter f, int limit) {
        StringBuilder where = new StringBuilder(" WHERE org = :org AND kind = :kind");
        if (f.name() != null) where.append(" AND LOWER(name) LIKE :name ESCAPE '!'");
        if (f.hostname() != null) where.append(" AND LOWER(hostname) LIKE :hostname ESCAPE '!'");
        if (f.key() != null) where.append(" AND label_key = :key");
        if (f.value() != null) where.append(" AND label_value = :value");
        if (f.externalDataSet() != null) where.append(" AND ext_set = :ext_set");
        if (f.externalDataReference() != null) where.append(" AND ext_ref = :ext_ref");
        return with(h -> {
            Query count = bindFilter(h.createQuery("SELECT COUNT(*) FROM objects" + where), org, kind, f);
            long total = count.mapTo(Long.class).one();
            Query q = bindFilter(h.createQuery("SELECT href, body FROM objects" + where + " ORDER BY href"), org, kind, f);
            List<Row> rows = new ArrayList<>();
            if (limit > 0) {
                q.setMaxRows(limit);
                rows = q.map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2))).list();
            }
            return new Page(rows, total);
        });
    }

    private static Query bindFilter(Query q, int org, String kind, Filter f) {
        q.bind("org", org).bind("kind", kind);
        if (f.name() != null) q.bind("name", like(f.name()));
        if (f.hostname() != null) q.bind("hostname", like(f.hostname()));
        if (f.key() != null) q.bind("key", f.key());
        if (f.value() != null) q.bind("value", f.value());
        if (f.externalDataSet() != null) q.bind("ext_set", f.externalDataSet());
        if (f.externalDataReference() != null) q.bind("ext_ref", f.externalDataReference());
        return q;
    }

    private static String like(String s) {
        String escaped = s.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_");
        return "%" + escaped + "%";
    }

    /** The widths of the indexed columns (V1__init.sql): a longer value is the client's mistake, not a 500. */
    private record Width(String field, int max) {}

    private static final java.util.Map<String, Width> WIDTHS = java.util.Map.of("name", new Width("name", 1000),
            "hostname", new Width("hostname", 1000), "key", new Width("key", 400), "value", new Width("value", 1000),
            "ext_set", new Width("external_data_set", 1000), "ext_ref", new Width("external_data_reference", 1000));

    /**
     * Inserts or replaces an object; the indexed columns are read from its JSON.
     *
     * @throws PolicyException (406) when an indexed field is longer than its column
     */
    public void put(int org, String kind, String href, JsonNode body, String lookup) {
        java.util.Map<String, Object> cols = columns(body);
        List<ValidationError> tooLong = new ArrayList<>();
        WIDTHS.forEach((col, width) -> {
            if (cols.get(col) instanceof String str && str.length() > width.max()) {
                tooLong.add(new ValidationError("value_too_long", "'" + width.field() + "' is " + str.length()
                        + " characters long; at most " + width.max() + " are allowed: shorten it."));
            }
        });
        if (lookup != null && lookup.length() > 400) {
            tooLong.add(new ValidationError("value_too_long", "The name is " + lookup.length()
                    + " characters long; at most 400 are allowed: shorten it."));
        }
        if (!tooLong.isEmpty()) throw new PolicyException(tooLong);
        if (href.length() > 400) {
            throw new PolicyException(List.of(new ValidationError("value_too_long", "The href " + href.substring(0, 60)
                    + "... is " + href.length() + " characters long; at most 400 are allowed.")));
        }
        String text = body.toString();
        change(h -> {
            int n = h.createUpdate("UPDATE objects SET name = :name, hostname = :hostname, label_key = :key,"
                            + " label_value = :value, ext_set = :ext_set, ext_ref = :ext_ref, lookup = :lookup,"
                            + " body = :body WHERE org = :org AND kind = :kind AND href = :href")
                    .bindMap(cols).bind("lookup", lookup).bind("body", text)
                    .bind("org", org).bind("kind", kind).bind("href", href).execute();
            if (n == 0) {
                h.createUpdate("INSERT INTO objects (org, kind, href, name, hostname, label_key, label_value, ext_set,"
                                + " ext_ref, lookup, body) VALUES (:org, :kind, :href, :name, :hostname, :key, :value,"
                                + " :ext_set, :ext_ref, :lookup, :body)")
                        .bindMap(cols).bind("lookup", lookup).bind("body", text)
                        .bind("org", org).bind("kind", kind).bind("href", href).execute();
            }
            return null;
        });
        wrote(org, kind);
    }

    private static java.util.Map<String, Object> columns(JsonNode body) {
        java.util.Map<String, Object> m = new java.util.HashMap<>();
        m.put("name", text(body, "name"));
        m.put("hostname", text(body, "hostname"));
        m.put("key", text(body, "key"));
        m.put("value", text(body, "value"));
        m.put("ext_set", text(body, "external_data_set"));
        m.put("ext_ref", text(body, "external_data_reference"));
        return m;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    public boolean delete(int org, String kind, String href) {
        boolean deleted = change(h -> h.createUpdate("DELETE FROM objects WHERE org = :org AND kind = :kind AND href = :href")
                .bind("org", org).bind("kind", kind).bind("href", href).execute()) > 0;
        if (deleted) wrote(org, kind);
        return deleted;
    }

    public void deleteKind(int org, String kind) {
        change(h -> h.createUpdate("DELETE FROM objects WHERE org = :org AND kind = :kind")
                .bind("org", org).bind("kind", kind).execute());
        wrote(org, kind);
    }

    // ---- policy versions ----

    /** One provisioned version: an immutable snapshot of the policy document and who made it, when and why. */
    public record Version(int org, long version, String description, String createdAt, String createdBy,
                          int workloadsAffected, String objectCounts, String document) {}

    public void insertVersion(Version v) {
        change(h -> h.createUpdate("INSERT INTO policy_versions (org, version, description, created_at, created_by,"
                        + " workloads_affected, object_counts, document) VALUES (:org, :version, :description,"
                        + " :createdAt, :createdBy, :workloadsAffected, :objectCounts, :document)")
                .bindMethods(v).execute());
    }

    public long latestVersion(int org) {
        return with(h -> h.createQuery("SELECT MAX(version) FROM policy_versions WHERE org = :org").bind("org", org)
                .mapTo(Long.class).findOne().orElse(0L));
    }

    public Optional<Version> version(int org, long version) {
        return with(h -> h.createQuery("SELECT org, version, description, created_at, created_by, workloads_affected,"
                        + " object_counts, document FROM policy_versions WHERE org = :org AND version = :v")
                .bind("org", org).bind("v", version)
                .map((rs, ctx) -> new Version(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), rs.getString(7), rs.getString(8))).findOne());
    }

    /** Versions newest first, without their documents. */
    public List<Version> versions(int org, int limit) {
        return with(h -> h.createQuery("SELECT org, version, description, created_at, created_by, workloads_affected,"
                        + " object_counts FROM policy_versions WHERE org = :org ORDER BY version DESC")
                .bind("org", org).setMaxRows(limit)
                .map((rs, ctx) -> new Version(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), rs.getString(7), null)).list());
    }

    public long versionCount(int org) {
        return with(h -> h.createQuery("SELECT COUNT(*) FROM policy_versions WHERE org = :org").bind("org", org)
                .mapTo(Long.class).one());
    }

    // ---- events ----

    public void insertEvent(int org, long seq, String href, String type, String severity, String ts, String body) {
        change(h -> h.createUpdate("INSERT INTO events (org, seq, href, event_type, severity, ts, body)"
                        + " VALUES (:org, :seq, :href, :type, :severity, :ts, :body)")
                .bind("org", org).bind("seq", seq).bind("href", href).bind("type", type).bind("severity", severity)
                .bind("ts", ts).bind("body", body).execute());
    }

    /** Deletes the events recorded before {@code ts} (RFC 3339 UTC text); returns how many. */
    public int deleteEventsBefore(String ts) {
        return with(h -> h.createUpdate("DELETE FROM events WHERE ts < :ts").bind("ts", ts).execute());
    }

    /** Deletes an org's oldest events beyond the newest {@code keep}; returns how many. */
    public int deleteEventsBeyond(int org, long keep) {
        return with(h -> {
            Optional<Long> last = h.createQuery("SELECT seq FROM events WHERE org = :org ORDER BY seq DESC"
                            + " OFFSET :keep ROWS FETCH NEXT 1 ROWS ONLY")
                    .bind("org", org).bind("keep", keep).mapTo(Long.class).findOne();
            return last.map(seq -> h.createUpdate("DELETE FROM events WHERE org = :org AND seq <= :seq")
                    .bind("org", org).bind("seq", seq).execute()).orElse(0);
        });
    }

    /** The orgs that have events. */
    public List<Integer> eventOrgs() {
        return with(h -> h.createQuery("SELECT DISTINCT org FROM events").mapTo(Integer.class).list());
    }

    /** One event by its href. */
    public Optional<String> event(int org, String href) {
        return with(h -> h.createQuery("SELECT body FROM events WHERE org = :org AND href = :href")
                .bind("org", org).bind("href", href).mapTo(String.class).findOne());
    }

    /** Events newest first; null filters do not filter; timestamps compare as RFC 3339 UTC text. */
    public Page events(int org, String type, String severity, String from, String to, int limit) {
        StringBuilder where = new StringBuilder(" WHERE org = :org");
        if (type != null) where.append(" AND event_type = :type");
        if (severity != null) where.append(" AND severity = :severity");
        if (from != null) where.append(" AND ts >= :from");
        if (to != null) where.append(" AND ts <= :to");
        return with(h -> {
            Function<Query, Query> bind = q -> {
                q.bind("org", org);
                if (type != null) q.bind("type", type);
                if (severity != null) q.bind("severity", severity);
                if (from != null) q.bind("from", from);
                if (to != null) q.bind("to", to);
                return q;
            };
            long total = bind.apply(h.createQuery("SELECT COUNT(*) FROM events" + where)).mapTo(Long.class).one();
            Query q = bind.apply(h.createQuery("SELECT seq, body FROM events" + where + " ORDER BY seq DESC"));
            q.setMaxRows(Math.max(limit, 1));
            List<Row> rows = limit <= 0 ? List.of()
                    : q.map((rs, ctx) -> new Row(Long.toString(rs.getLong(1)), rs.getString(2))).list();
            return new Page(rows, total);
        });
    }
}
