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
    /** The counters already moved in the calling thread's current write transaction. */
    private final ThreadLocal<Moved> moved = new ThreadLocal<>();

    Counters(Database db) {
        this.db = db;
    }

    /** Raises a counter so that {@link #next} never returns a value below {@code atLeast} (after an import). */
    public void advance(int org, String counter, long atLeast) {
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

    /** The next value of a named counter (ids for hrefs, event sequence); must run inside {@link Database#write}. */
    public long next(int org, String counter) {
        return db.change(h -> {
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
     * sharing it. {@link #values} reads them all at once.
     */
    public void countWrites(Collection<String> kinds, String prefix) {
        for (String k : kinds) writeCounters.put(k, prefix + k);
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
        Moved m = moved.get();
        if (m == null || m.transaction() != h) moved.set(m = new Moved(h, new HashSet<>()));
        if (m.counters().add(org + " " + counter)) next(org, counter);
    }

    /** The counters {@link #wrote} already moved in one write transaction (known by its handle). */
    private record Moved(Handle transaction, Set<String> counters) {}

    /** The current values of the org's counters whose names start with {@code prefix}, without moving them. */
    public Map<String, Long> values(int org, String prefix) {
        String like = prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
        Map<String, Long> out = new HashMap<>();
        db.with(h -> h.createQuery("SELECT name, next_value FROM counters WHERE org = :org AND name LIKE :p ESCAPE '!'")
                .bind("org", org).bind("p", like)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2))).list())
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
