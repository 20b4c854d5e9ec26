package dev.cordon.pce.traffic.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * Group commit for traffic: the batches that arrive while one group is being written go in together as the next
 * group, in ONE transaction and (on H2) ONE durable checkpoint, and each caller returns only after its group is on
 * disk. There is no writer thread (so nothing to start or stop with the PCE): the first caller that finds no writer
 * running writes, and keeps writing groups until its own batch is in one; then the next waiting caller takes over.
 *
 * <p>Why: the profile of the per-batch path showed the ingest threads waiting on H2's {@code CHECKPOINT SYNC} (one
 * per concurrent batch, at most 4 at once) and on PostgreSQL on one commit flush per batch; the cost of either is
 * per transaction, not per row, so rows per transaction is what the ingest rate follows.
 *
 * <p>At most {@code writers} groups are written at once (2 on both engines: the insert is CPU-bound in the writing
 * thread, so one writer left the second core idle; H2's MVStore and PostgreSQL both take concurrent transactions).
 * {@link #exclusive} runs work that must see no insert in flight in this process (the roll-up and the retention
 * deletes: docs/design/traffic.md "Roll-ups"); across PostgreSQL nodes the table lock they take does the same.
 */
final class TrafficWriter {
    /** One caller's work: a job writes its part of the group's transaction through {@code group}. */
    static final class Job {
        final int rows;
        final Function<Group, Object> work;
        Object result;
        RuntimeException failure;
        boolean finished;

        Job(int rows, Function<Group, Object> work) {
            this.rows = rows;
            this.work = work;
        }
    }

    /** A group's jobs see this: they add rows, which the group writes with one bulk insert before it commits. */
    interface Group {
        org.jdbi.v3.core.Handle handle();

        void add(List<StoredFlow> rows);
    }

    /** A group's transaction, given every job's work: runs them and commits (durably) or throws. */
    interface Committer {
        void commit(List<Job> jobs);
    }

    /** Rows per group at most (a group of big bulk jobs may exceed it by its first job). */
    static final int GROUP_ROWS = 50_000;

    private final Object lock = new Object();
    private final ArrayDeque<Job> queue = new ArrayDeque<>(); // guarded by lock
    private int writing; // guarded by lock
    private final int writers;
    private final Committer committer;
    private final ReadWriteLock exclusive = new ReentrantReadWriteLock(true);

    TrafficWriter(int writers, Committer committer) {
        this.writers = writers;
        this.committer = committer;
    }

    /** Runs {@code work} in the next group's transaction; returns its result once that group is durable. */
    @SuppressWarnings("unchecked")
    <T> T submit(int rows, Function<Group, T> work) {
        Job job = new Job(rows, g -> work.apply(g));
        synchronized (lock) {
            queue.add(job);
        }
        boolean interrupted = false;
        while (true) {
            synchronized (lock) {
                while (!job.finished && !(writing < writers && !queue.isEmpty())) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        // the job may be in a group being written: wait for its outcome, then keep the interrupt
                        interrupted = true;
                    }
                }
                if (job.finished) {
                    if (interrupted) Thread.currentThread().interrupt();
                    if (job.failure != null) throw job.failure;
                    return (T) job.result;
                }
                writing++;
            }
            List<Job> group = new ArrayList<>();
            synchronized (lock) {
                int rows0 = 0;
                while (!queue.isEmpty() && (group.isEmpty() || rows0 + queue.peek().rows <= GROUP_ROWS)) {
                    Job j = queue.poll();
                    rows0 += j.rows;
                    group.add(j);
                }
            }
            RuntimeException failed = null;
            exclusive.readLock().lock();
            try {
                committer.commit(group);
            } catch (RuntimeException e) {
                failed = e;
            } finally {
                exclusive.readLock().unlock();
            }
            synchronized (lock) {
                for (Job j : group) {
                    if (failed != null) {
                        j.failure = failed;
                        j.result = null;
                    }
                    j.finished = true;
                }
                writing--;
                lock.notifyAll();
            }
        }
    }

    /** Runs {@code work} with no group being written by this process. */
    <T> T exclusive(java.util.function.Supplier<T> work) {
        exclusive.writeLock().lock();
        try {
            return work.get();
        } finally {
            exclusive.writeLock().unlock();
        }
    }
}
