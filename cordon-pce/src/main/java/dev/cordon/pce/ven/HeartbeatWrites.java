package dev.cordon.pce.ven;

import dev.cordon.pce.store.GroupWrites;
import dev.cordon.pce.store.Store;
import java.util.function.Predicate;

/**
 * Writes heartbeats to the database in groups ({@link GroupWrites}): the heartbeats that arrive while one group is
 * being written are written together in the next transaction, so that 64 VENs beating at once cost one transaction
 * and one sync of the store instead of 64 in a row under the cluster-wide write lock. Each caller still returns only
 * once its own heartbeat is committed and on stable storage, so a heartbeat's {@code 204} is as durable as before.
 *
 * <p>Threads: request threads only; see {@link GroupWrites}.
 *
 * @param <T> one heartbeat write
 */
final class HeartbeatWrites<T> {
    private final GroupWrites<T, Boolean> group;

    /** {@code writeOne} writes one item inside the group's transaction; true when it needs its after-commit step. */
    HeartbeatWrites(Store store, Predicate<T> writeOne) {
        this.group = new GroupWrites<>(store, writeOne::test);
    }

    /** Writes {@code value} (with whatever else is queued) and returns what {@code writeOne} returned for it. */
    boolean write(T value) {
        return group.write(value);
    }

    /** The groups written so far (for the benchmark). */
    GroupWrites.Stats stats() {
        return group.stats();
    }

    /** How many heartbeats wait for the next group (for tests). */
    int queued() {
        return group.queued();
    }
}
