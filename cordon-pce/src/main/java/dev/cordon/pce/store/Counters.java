package dev.cordon.pce.store;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * The {@code counters} table: per-org named counters (ids for hrefs, the event sequence) and the write stamps that
 * caches built from stored objects compare ({@link #countWrites}).
 */
public final class Counters {
    private final Database db;
    /** Object kind → the counter its writes move; set once at wiring time, read by every writer. */
    private final Map<String, String> writeCounters = new ConcurrentHashMap<>();
    /** What the calling thread's current write transaction did with counters: see {@link #next}, {@link #wrote}. */
    private final ThreadLocal<InTransaction> state = new ThreadLocal<>();

    Counters(Database db) {
        this.db = db;
    }

    /** Raises a counter so that {@link #next} never returns a value below {@code atLeast} (after an import). */
    public void advance(int org, String counter, long atLeast) {
        writeBack();
        forget(org, counter);
        db.change(h -> {
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

    /**
     * The next value of a named counter (ids for hrefs, event sequence); must run inside {@link Database#write}.
     *
     * <p>Inside a write transaction a counter is read from its row once; the values taken after that are counted in
     * memory and the row is written once, just before the transaction commits ({@link Database#beforeCommit}): a
     * group of 64 activations then costs two statements for its event numbers, not 128. The transaction holds the
     * cluster-wide write lock, so no other writer on any node takes a value meanwhile; a rollback forgets the memo
     * with the transaction. {@link #values} and {@link #advance} write the memo back first, so they read what
     * {@code next} handed out.
     */
    public long next(int org, String counter) {
        Handle h = db.transaction();
        if (h == null) return db.change(x -> takeFromRow(x, org, counter)); // outside a transaction: as a write of its own
        InTransaction t = inTransaction(h);
        String key = org + " " + counter;
        Taken taken = t.taken().get(key);
        if (taken == null) {
            Optional<Long> v = db.with(x -> x.createQuery("SELECT next_value FROM counters WHERE org = :org AND name = :n")
                    .bind("org", org).bind("n", counter).mapTo(Long.class).findOne());
            taken = new Taken(org, counter, v.isPresent(), v.orElse(1L));
            t.taken().put(key, taken);
        }
        taken.dirty = true;
        return taken.next++;
    }

    private static long takeFromRow(Handle h, int org, String counter) {
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
    }

    /** Writes the values {@link #next} handed out in the calling thread's transaction to their rows (none outside one). */
    private void writeBack() {
        Handle h = db.transaction();
        InTransaction t = h == null ? null : state.get();
        if (t == null || t.transaction() != h) return;
        for (Taken k : t.taken().values()) {
            if (!k.dirty) continue;
            db.change(x -> {
                if (k.rowExists) {
                    return x.createUpdate("UPDATE counters SET next_value = :v WHERE org = :org AND name = :n")
                            .bind("org", k.org).bind("n", k.counter).bind("v", k.next).execute();
                }
                return x.createUpdate("INSERT INTO counters (org, name, next_value) VALUES (:org, :n, :v)")
                        .bind("org", k.org).bind("n", k.counter).bind("v", k.next).execute();
            });
            k.rowExists = true;
            k.dirty = false;
        }
    }

    /** This thread's per-transaction state, new for a new transaction (known by its handle). */
    private InTransaction inTransaction(Handle h) {
        InTransaction t = state.get();
        if (t == null || t.transaction() != h) {
            state.set(t = new InTransaction(h, new HashSet<>(), new HashMap<>()));
            db.beforeCommit(this::writeBack);
        }
        return t;
    }

    /**
     * From now on, a write transaction that puts or deletes objects of one of {@code kinds} in an org also moves that
     * org's counter {@code prefix + kind}, once, in the same transaction: a stamp of those objects for caches of what
     * is built from them. Being in the database and in the writer's transaction, it is exact on every PCE node
     * sharing it. {@link #values} reads them all at once.
     */
    public void countWrites(Collection<String> kinds, String prefix) {
        for (String k : kinds) writeCounters.put(k, prefix + k);
    }

    /** Drops the transaction's memo of a counter whose row changes otherwise, so that {@link #next} reads it again. */
    private void forget(int org, String counter) {
        Handle h = db.transaction();
        InTransaction t = h == null ? null : state.get();
        if (t != null && t.transaction() == h) t.taken().remove(org + " " + counter);
    }

    /** After a put or delete of {@code kind}: moves its counter (see {@link #countWrites}) once per transaction. */
    void wrote(int org, String kind) {
        String counter = writeCounters.get(kind);
        if (counter == null) return;
        Handle h = db.transaction();
        if (h == null) { // a write outside a transaction: move the counter in one of its own, after the change
            db.write(() -> next(org, counter));
            return;
        }
        if (inTransaction(h).moved().add(org + " " + counter)) next(org, counter);
    }

    /**
     * One write transaction's counters (known by its handle): the write stamps {@link #wrote} already moved, and
     * the counters {@link #next} took values of (org and name → the memo).
     */
    private record InTransaction(Handle transaction, Set<String> moved, Map<String, Taken> taken) {}

    /** A counter inside one transaction: the next value to hand out, and whether its row must be written back. */
    private static final class Taken {
        final int org;
        final String counter;
        boolean rowExists;
        long next;
        boolean dirty;

        Taken(int org, String counter, boolean rowExists, long next) {
            this.org = org;
            this.counter = counter;
            this.rowExists = rowExists;
            this.next = next;
        }
    }

    /** The current values of the org's counters whose names start with {@code prefix}, without moving them. */
    public Map<String, Long> values(int org, String prefix) {
        String like = prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
        Map<String, Long> out = new HashMap<>();
        writeBack();
        db.with(h -> h.createQuery("SELECT name, next_value FROM counters WHERE org = :org AND name LIKE :p ESCAPE '!'")
                .bind("org", org).bind("p", like)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2))).list())
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
