package dev.cordon.pce.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The PCE's database: JDBI over a HikariCP pool, schema by Flyway (the same migrations on H2 and PostgreSQL), the
 * write transaction with its cluster-wide lock, after-transaction hooks, NOTIFY, and durability. The tables are
 * reached through one class each ({@link ObjectTable}, {@link Counters}, {@link Orgs}, {@link PolicyVersions},
 * {@link EventTable}), which {@link Store} hands out; a table that must not take the write lock (a traffic table,
 * say) is written through {@link #change} outside {@link #write}.
 *
 * <p>Writes are serialised: {@link #write(Supplier)} takes one lock and runs the use case in one transaction, so
 * uniqueness checks, counters and multi-row changes (provision, revert) are atomic. On PostgreSQL the transaction
 * also takes a transaction-scoped advisory lock ({@code pg_advisory_xact_lock}) first, which makes writes atomic
 * across every PCE node sharing the database; H2 is single-node (its file lock refuses a second process). Reads run
 * without the lock. Inside {@code write} every table method uses the transaction's handle (kept in a thread-local).
 *
 * <p>Durability: a change is on stable storage before the method that made it returns, so before the API answers
 * 2xx. H2's MVStore writes committed transactions to its file only from a background thread (WRITE_DELAY, 500 ms)
 * and never fsyncs a commit, so after a {@code kill -9} the last half second of acknowledged writes was gone; here
 * every committed write transaction, and every change made outside one (autocommit), is followed by
 * {@link Durability#sync}. On PostgreSQL the commit itself is durable (synchronous_commit, which {@link #open}
 * refuses to leave {@code off}).
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ThreadLocal<Handle> current = new ThreadLocal<>();
    private final ThreadLocal<List<Runnable>> afterwards = new ThreadLocal<>();
    private final ThreadLocal<List<Runnable>> beforeCommit = new ThreadLocal<>();
    /** Set by {@link #change} inside {@link #write}: a transaction that changed nothing needs no sync. */
    private final ThreadLocal<boolean[]> changed = new ThreadLocal<>();
    private final boolean postgres;
    private final String url;
    private final Durability durability;
    /** The advisory lock every PCE node takes for a write transaction ("CORDON" in ASCII). */
    static final long WRITE_LOCK_KEY = 0x434f52444f4eL;

    private Database(HikariDataSource ds, boolean postgres, String url) {
        this.dataSource = ds;
        this.jdbi = Jdbi.create(ds);
        this.postgres = postgres;
        this.url = url;
        this.durability = postgres ? Durability.NONE_NEEDED : new Durability(jdbi);
    }

    /** Opens (and migrates) the database: PostgreSQL for a {@code jdbc:postgresql:} URL, else an H2 file in dataDir. */
    public static Database open(Path dataDir, String jdbcUrl) {
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
        return new Database(ds, url.startsWith("jdbc:postgresql:"), url);
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

    /** The handle of the calling thread's write transaction, or null outside one. */
    Handle transaction() {
        return current.get();
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
        return write(work, null);
    }

    /**
     * {@link #write(Supplier)}, and {@code committed} (when not null) runs once the transaction has ended and the
     * write lock is released, before this thread waits for the sync: the group commit ({@link GroupWrites}) tells
     * its transaction's time from its sync's there. It runs also when the transaction failed; it must not throw. Nested calls join the outer transaction and never run it.
     */
    public <T> T write(Supplier<T> work, Runnable committed) {
        if (current.get() != null) {
            return work.get();
        }
        List<Runnable> after = new ArrayList<>();
        List<Runnable> before = new ArrayList<>();
        long commit = -1;
        boolean[] dirty = {false};
        T result;
        writeLock.lock();
        afterwards.set(after);
        beforeCommit.set(before);
        changed.set(dirty);
        try {
            result = StoreUnavailableException.translate(() -> jdbi.inTransaction(h -> {
                if (postgres) {
                    // other PCE nodes on this database wait here too: one writer cluster-wide
                    h.createQuery("SELECT pg_advisory_xact_lock(:k)").bind("k", WRITE_LOCK_KEY).mapToMap().list();
                }
                current.set(h);
                try {
                    T out = work.get();
                    // a hook may add another (a counter first taken by an earlier hook): index, not iterator
                    for (int i = 0; i < before.size(); i++) before.get(i).run();
                    return out;
                } finally {
                    current.remove();
                }
            }));
            if (dirty[0]) commit = durability.committed();
        } finally {
            afterwards.remove();
            beforeCommit.remove();
            changed.remove();
            writeLock.unlock();
            if (committed != null) committed.run();
            // outside the lock: while this thread waits for the disk the next writer runs, and one sync covers both
            try {
                if (commit >= 0) durability.sync(commit);
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

    /**
     * Runs {@code r} inside the current write transaction once its use case has returned, just before it commits
     * (not when it rolls back): for what a table keeps in memory during a transaction and writes once, such as
     * {@link Counters}' values. Only inside {@link #write}.
     */
    void beforeCommit(Runnable r) {
        List<Runnable> before = beforeCommit.get();
        if (before == null) throw new IllegalStateException("beforeCommit() outside a write transaction");
        before.add(r);
    }

    public void writeVoid(Runnable work) {
        write(() -> {
            work.run();
            return null;
        });
    }

    /**
     * A transaction of its own, NOT under the write lock and never joining {@link #write}: for tables whose rows
     * no use case's uniqueness check reads (traffic flows, keyed by their own unique constraints), so that high-rate
     * ingest never waits for, nor holds up, the cluster-wide writer. Durable before it returns, like {@link #change}.
     */
    public <T> T unlocked(Function<Handle, T> f) {
        if (current.get() != null) throw new IllegalStateException("unlocked() must not run inside write()");
        T result = StoreUnavailableException.translate(() -> jdbi.inTransaction(f::apply));
        durability.sync(durability.committed());
        return result;
    }

    /** A read outside any transaction (for tables written through {@link #unlocked}). */
    public <T> T read(Function<Handle, T> f) {
        return StoreUnavailableException.translate(() -> jdbi.withHandle(f::apply));
    }

    /** A read, or a change inside {@link #write}: on the transaction's handle when there is one. */
    <T> T with(Function<Handle, T> f) {
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
    <T> T change(Function<Handle, T> f) {
        Handle h = current.get();
        if (h != null) {
            changed.get()[0] = true;
            return f.apply(h);
        }
        T result = StoreUnavailableException.translate(() -> jdbi.withHandle(f::apply));
        durability.sync(durability.committed());
        return result;
    }
}
