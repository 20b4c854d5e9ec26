package dev.cordon.pce.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link SharedStampReads}: requests that arrive while a read is in flight share the next read, and every request is
 * answered by a read that started after it arrived (what read-your-writes needs).
 */
class SharedStampReadsTest {
    /** Read number n answers a stamp holding n; the first read blocks until released. */
    static final class Reads {
        final AtomicInteger started = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        volatile RuntimeException failSecond;

        PolicyInputs.Stamp read(int org) {
            int n = started.incrementAndGet();
            if (n == 1) {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (n == 2 && failSecond != null) throw failSecond;
            return new PolicyInputs.Stamp(Map.of("label", (long) n));
        }
    }

    @Test
    void requestsArrivingDuringAReadShareTheNextOneWhichStartedAfterThemAll() throws Exception {
        Reads reads = new Reads();
        SharedStampReads shared = new SharedStampReads(reads::read);
        ExecutorService pool = Executors.newFixedThreadPool(21);
        try {
            Future<PolicyInputs.Stamp> first = pool.submit(() -> shared.read(1));
            while (reads.started.get() < 1) Thread.onSpinWait();
            List<Thread> waiting = new ArrayList<>();
            List<Future<long[]>> later = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                later.add(pool.submit(() -> {
                    synchronized (waiting) {
                        waiting.add(Thread.currentThread());
                    }
                    long before = reads.started.get(); // reads started before this request arrived
                    return new long[] {before, shared.read(1).byKind().get("label")};
                }));
            }
            // every later request is parked behind the read in flight before that read ends
            while (!allWaiting(waiting, 20)) Thread.onSpinWait();
            reads.release.countDown();

            assertThat(first.get(60, TimeUnit.SECONDS).byKind().get("label")).isEqualTo(1L);
            for (Future<long[]> f : later) {
                long[] r = f.get(60, TimeUnit.SECONDS);
                assertThat(r[1]).as("answered by a read that started after the request arrived").isGreaterThan(r[0]);
                assertThat(r[1]).isEqualTo(2L);
            }
            assertThat(reads.started.get()).as("21 requests, two reads").isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedReadFailsTheRequestsThatSharedItAndTheNextRequestReadsAgain() throws Exception {
        Reads reads = new Reads();
        reads.failSecond = new IllegalStateException("database away");
        SharedStampReads shared = new SharedStampReads(reads::read);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<PolicyInputs.Stamp> first = pool.submit(() -> shared.read(1));
            while (reads.started.get() < 1) Thread.onSpinWait();
            List<Thread> waiting = new ArrayList<>();
            List<Future<PolicyInputs.Stamp>> later = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                later.add(pool.submit(() -> {
                    synchronized (waiting) {
                        waiting.add(Thread.currentThread());
                    }
                    return shared.read(1);
                }));
            }
            while (!allWaiting(waiting, 3)) Thread.onSpinWait();
            reads.release.countDown();
            first.get(60, TimeUnit.SECONDS);
            for (Future<PolicyInputs.Stamp> f : later) {
                assertThatThrownBy(() -> f.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("database away");
            }
            assertThat(shared.read(1).byKind().get("label")).as("a new read after the failed one").isEqualTo(3L);
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean allWaiting(List<Thread> threads, int n) {
        synchronized (threads) {
            if (threads.size() < n) return false;
            return threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING);
        }
    }
}
