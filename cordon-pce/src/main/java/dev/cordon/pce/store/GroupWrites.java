package dev.cordon.pce.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Group commit of one kind of write (heartbeats, activations): the writes that arrive while one group is being
 * written are written together in the next transaction, so that 64 callers writing at once cost one transaction,
 * one turn of the cluster-wide write lock and one sync of the store (on H2 a {@code CHECKPOINT SYNC},
 * {@link Durability}) instead of 64 in a row. Each caller still returns only once its own write is committed and on
 * stable storage, so its answer is as durable as a write of its own.
 *
 * <p>Leader and followers, no thread of its own: a caller queues its item; when no group is being written it takes
 * the whole queue (its own item included) and writes it; otherwise it waits until its item was written by another
 * caller or the writing ends and it may take the queue itself. A caller never writes more than one
 * group, so no request is held up writing others' items for long.
 *
 * <p>Not pipelined: the next group starts only after this group's sync has returned, so a group's time is its
 * transaction plus its sync (about a fifth of it, {@link #stats}). Letting the next group start at the commit was
 * tried (sixth session, docs/benchmarks.md): on the loaded two-core machine the groups got smaller, the syncs more
 * and the CPU per heartbeat higher; on the quiet one it gave 352 against 331 heartbeats/s in one pair. Not kept: the
 * row write inside the transaction, not the sync, is what a heartbeat costs.
 *
 * <p>A failing item must not fail the items that came with it, and a rolled-back part of a transaction would leave
 * per-transaction memos (the write stamps {@link Counters} moved, its counter values) wrong, so there are no
 * savepoints: when a group's transaction fails, each of its items is written again alone, in a transaction of its
 * own, and gets its own outcome. {@code writeOne} therefore must leave nothing behind outside the transaction
 * before it commits (whatever it keeps for later goes in {@link Database#afterTransaction}).
 *
 * <p>Threads: request threads only; {@link #queue}, {@link #writing} and each item's outcome are guarded by
 * {@code this}, an item's outcome is set by the writer before it notifies. {@link #stats} are lock-free counters.
 *
 * @param <T> one write
 * @param <R> what writing it gives its caller
 */
public final class GroupWrites<T, R> {
    private final Store store;
    /** Writes one item inside the group's transaction. */
    private final Function<T, R> writeOne;
    private List<Item<T, R>> queue = new ArrayList<>();
    /** A group is being written (its transaction and its sync). */
    private boolean writing;
    private final LongAdder groups = new LongAdder();
    private final LongAdder items = new LongAdder();
    private final LongAccumulator largest = new LongAccumulator(Math::max, 0);
    private final LongAdder queuedNanos = new LongAdder();
    private final LongAdder transactionNanos = new LongAdder();
    private final LongAdder syncNanos = new LongAdder();

    private static final class Item<T, R> {
        final T value;
        final long queuedAt = System.nanoTime();
        boolean done;
        R result;
        RuntimeException failure;

        Item(T value) {
            this.value = value;
        }
    }

    /**
     * What the groups cost so far, summed over groups (transaction, sync) or items (queued: from arriving to its
     * group's start), in nanoseconds: for the benchmark's breakdown of a write's latency.
     */
    public record Stats(long groups, long items, long largest, long queuedNanos, long transactionNanos, long syncNanos) {}

    public GroupWrites(Store store, Function<T, R> writeOne) {
        this.store = store;
        this.writeOne = writeOne;
    }

    /** Writes {@code value} (with whatever else is queued) and returns what {@code writeOne} returned for it. */
    public R write(T value) {
        // already inside a write transaction: join it (waiting for a group here could wait for this thread's own lock)
        if (store.inWrite()) return writeOne.apply(value);
        Item<T, R> mine = new Item<>(value);
        List<Item<T, R>> group;
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
        long start = System.nanoTime();
        for (Item<T, R> i : group) queuedNanos.add(start - i.queuedAt);
        groups.increment();
        items.add(group.size());
        largest.accumulate(group.size());
        try {
            writeGroup(group, start);
        } finally {
            synchronized (this) {
                // an Error in the writer settled nobody: its followers must not wait for ever
                for (Item<T, R> i : group) {
                    if (!i.done) settle(i, null, new IllegalStateException("the group's write failed in another request"));
                }
                writing = false;
                notifyAll();
            }
        }
        return outcome(mine);
    }

    /** How many writes wait for the next group (for tests). */
    public synchronized int queued() {
        return queue.size();
    }

    /** The groups written so far. */
    public Stats stats() {
        return new Stats(groups.sum(), items.sum(), largest.get(), queuedNanos.sum(), transactionNanos.sum(),
                syncNanos.sum());
    }

    private void writeGroup(List<Item<T, R>> group, long start) {
        List<R> results;
        long[] committedAt = {0};
        try {
            results = store.database().write(() -> {
                List<R> out = new ArrayList<>(group.size());
                for (Item<T, R> i : group) out.add(writeOne.apply(i.value));
                return out;
            }, () -> {
                committedAt[0] = System.nanoTime();
                transactionNanos.add(committedAt[0] - start); // committed (or failed); the sync follows
            });
            syncNanos.add(System.nanoTime() - committedAt[0]);
        } catch (RuntimeException groupFailed) {
            if (group.size() == 1) {
                settle(group.get(0), null, groupFailed);
            } else {
                for (Item<T, R> i : group) writeAlone(i);
            }
            return;
        }
        synchronized (this) {
            for (int k = 0; k < group.size(); k++) settle(group.get(k), results.get(k), null);
            notifyAll();
        }
    }

    private void writeAlone(Item<T, R> i) {
        RuntimeException failure = null;
        R result = null;
        try {
            result = store.write(() -> writeOne.apply(i.value));
        } catch (RuntimeException e) {
            failure = e;
        }
        synchronized (this) {
            settle(i, result, failure);
            notifyAll();
        }
    }

    private synchronized void settle(Item<T, R> i, R result, RuntimeException failure) {
        i.result = result;
        i.failure = failure;
        i.done = true;
    }

    private static <R> R outcome(Item<?, R> i) {
        if (i.failure != null) throw i.failure;
        return i.result;
    }

    private void waitQuietly() {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a grouped write", e);
        }
    }
}
