package dev.cordon.pce.ven;

import dev.cordon.pce.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Writes heartbeats to the database in groups: the heartbeats that arrive while one group is being written are
 * written together in the next transaction, so that 64 VENs beating at once cost one transaction and one sync of
 * the store (on H2 a {@code CHECKPOINT SYNC}, {@code Durability}) instead of 64 in a row under the cluster-wide write
 * lock. Each caller still returns only once its own heartbeat is committed and on stable storage, so a heartbeat's
 * {@code 204} is as durable as before.
 *
 * <p>Leader and followers, no thread of its own: a caller queues its item; when no group is being written it takes
 * the whole queue (its own item included) and writes it; otherwise it waits until its item was written by another
 * caller or the writing ends and it may take the queue itself. A caller never writes more than one group, so no
 * request is held up writing others' heartbeats for long.
 *
 * <p>Threads: request threads only; {@link #queue} and {@link #writing} are guarded by {@code this}, an item's
 * outcome is set by the writer before it notifies.
 *
 * @param <T> one heartbeat write
 */
final class HeartbeatWrites<T> {
    private final Store store;
    /** Writes one item inside the group's transaction; true when the item needs its after-commit step. */
    private final Predicate<T> writeOne;
    private List<Item<T>> queue = new ArrayList<>();
    private boolean writing;

    private static final class Item<T> {
        final T value;
        boolean done;
        boolean result;
        RuntimeException failure;

        Item(T value) {
            this.value = value;
        }
    }

    HeartbeatWrites(Store store, Predicate<T> writeOne) {
        this.store = store;
        this.writeOne = writeOne;
    }

    /** Writes {@code value} (with whatever else is queued) and returns what {@code writeOne} returned for it. */
    boolean write(T value) {
        // already inside a write transaction: join it (waiting for a group here could wait for this thread's own lock)
        if (store.inWrite()) return writeOne.test(value);
        Item<T> mine = new Item<>(value);
        List<Item<T>> group;
        synchronized (this) {
            queue.add(mine);
            while (true) {
                if (mine.done) return outcome(mine);
                if (!writing) break;
                waitQuietly();
            }
            writing = true;
            group = queue;
            queue = new ArrayList<>();
        }
        try {
            writeGroup(group);
        } finally {
            synchronized (this) {
                writing = false;
                notifyAll();
            }
        }
        return outcome(mine);
    }

    /** How many heartbeats wait for the next group (for tests). */
    synchronized int queued() {
        return queue.size();
    }

    private void writeGroup(List<Item<T>> group) {
        List<Boolean> results;
        try {
            results = store.write(() -> {
                List<Boolean> out = new ArrayList<>(group.size());
                for (Item<T> i : group) out.add(writeOne.test(i.value));
                return out;
            });
        } catch (RuntimeException groupFailed) {
            if (group.size() == 1) {
                settle(group.get(0), false, groupFailed);
            } else {
                // one bad item must not fail the heartbeats that came with it: each alone, in its own transaction
                for (Item<T> i : group) writeAlone(i);
            }
            return;
        }
        for (int k = 0; k < group.size(); k++) settle(group.get(k), results.get(k), null);
    }

    private void writeAlone(Item<T> i) {
        try {
            settle(i, store.write(() -> writeOne.test(i.value)), null);
        } catch (RuntimeException e) {
            settle(i, false, e);
        }
    }

    private synchronized void settle(Item<T> i, boolean result, RuntimeException failure) {
        i.result = result;
        i.failure = failure;
        i.done = true;
    }

    private static boolean outcome(Item<?> i) {
        if (i.failure != null) throw i.failure;
        return i.result;
    }

    private void waitQuietly() {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a heartbeat write", e);
        }
    }
}
