package dev.cordon.pce.store;

import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;

/**
 * Puts H2's committed transactions on stable storage before a write is acknowledged.
 *
 * <p>Why: H2's MVStore keeps a commit in memory and writes it to the file from a background thread after
 * WRITE_DELAY (500 ms), without an fsync: a {@code kill -9} lost the writes of the last half second, a power loss
 * could lose more. {@code CHECKPOINT SYNC} writes the pending chunk and forces the file (FileChannel.force), so
 * when it returns every transaction committed before it is on disk.
 *
 * <p>Group commit: commits are numbered; a sync covers every commit numbered before it started, so a writer whose
 * commit was covered by another thread's sync while it waited for the lock returns without a second fsync. Writes
 * are serialised by the store's write lock, the sync runs outside it: while one writer waits for the disk the next
 * one already runs its transaction.
 */
final class Durability {
    /** PostgreSQL: the commit is durable by itself (synchronous_commit on). */
    static final Durability NONE_NEEDED = new Durability(null);

    private final Jdbi jdbi;
    private final AtomicLong commits = new AtomicLong();
    private final Object syncLock = new Object();
    private long synced; // guarded by syncLock
    private final AtomicLong syncs = new AtomicLong();

    Durability(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Notes that a change has committed; the number to give {@link #sync}. */
    long committed() {
        return commits.incrementAndGet();
    }

    /** Returns once commit number {@code commit} (and every one before it) is on stable storage. */
    void sync(long commit) {
        if (jdbi == null) return;
        synchronized (syncLock) {
            if (synced >= commit) return;
            long upTo = commits.get();
            StoreUnavailableException.translate(() -> jdbi.withHandle(h -> h.execute("CHECKPOINT SYNC")));
            syncs.incrementAndGet();
            synced = upTo;
        }
    }

    /** How many syncs ran (for the durability benchmark's report). */
    long syncs() {
        return syncs.get();
    }
}
