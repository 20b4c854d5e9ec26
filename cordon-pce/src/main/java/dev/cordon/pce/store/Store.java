package dev.cordon.pce.store;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What the PCE's use cases hold of the database: the write transaction ({@link #write}, {@link #afterTransaction})
 * and one object per table. Opening it opens (and migrates) the {@link Database}; see there for transactions,
 * the cluster-wide write lock and durability.
 */
public final class Store implements AutoCloseable {
    private final Database database;
    private final Counters counters;
    private final Orgs orgs;
    private final ObjectTable objects;
    private final PolicyVersions versions;
    private final EventTable events;

    private Store(Database database) {
        this.database = database;
        this.counters = new Counters(database);
        this.orgs = new Orgs(database);
        this.objects = new ObjectTable(database, counters);
        this.versions = new PolicyVersions(database);
        this.events = new EventTable(database);
    }

    /** Opens (and migrates) the database: PostgreSQL for a {@code jdbc:postgresql:} URL, else an H2 file in dataDir. */
    public static Store open(Path dataDir, String jdbcUrl) {
        Database db = Database.open(dataDir, jdbcUrl);
        try {
            // rows stored before the sort columns existed (V6) get their keys once; afterwards this finds nothing
            SortKeys.backfill(db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return new Store(db);
    }

    public Database database() {
        return database;
    }

    public Counters counters() {
        return counters;
    }

    public Orgs orgs() {
        return orgs;
    }

    public ObjectTable objects() {
        return objects;
    }

    public PolicyVersions versions() {
        return versions;
    }

    public EventTable events() {
        return events;
    }

    /** Runs a use case under the write lock in one transaction; nested calls join the outer one. */
    public <T> T write(Supplier<T> work) {
        return database.write(work);
    }

    public void writeVoid(Runnable work) {
        database.writeVoid(work);
    }

    /** See {@link Database#afterTransaction}. */
    public void afterTransaction(Runnable r) {
        database.afterTransaction(r);
    }

    /** True while the calling thread is inside {@link #write}. */
    public boolean inWrite() {
        return database.inWrite();
    }

    @Override
    public void close() {
        database.close();
    }
}
