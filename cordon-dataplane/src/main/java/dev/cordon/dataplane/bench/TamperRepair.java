package dev.cordon.dataplane.bench;

import dev.cordon.dataplane.ChangeWatch;
import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.TamperReport;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Tamper detect-and-repair latency, the way the VEN's tamper loop works: a loop thread checks every {@code poll}
 * and, with events on, at once when {@link Dataplane#watch} announces a change; when the check finds tampering it
 * repairs. A tamperer runs a real command against Cordon's state at a random moment of the poll period; a sample is
 * the time from starting that command to the end of the repair. Measured twice in the same run: with the change
 * watch (the VEN's way) and with the poll alone (the baseline).
 */
final class TamperRepair {
    /** The latencies in ms (sorted) and whether the watch was live. */
    record Result(double[] ms, boolean live) {
        double p(int percent) {
            return ms[Math.min(ms.length - 1, ms.length * percent / 100)];
        }

        String fields(String prefix) {
            return String.format(Locale.ROOT, "\"%sp50_ms\":%.1f,\"%sp99_ms\":%.1f", prefix, p(50), prefix, p(99));
        }
    }

    private TamperRepair() {}

    static Result measure(Dataplane dp, CommandRunner ns, List<String> tamper, int samples, boolean events,
                          Duration poll) {
        Semaphore kick = new Semaphore(0);
        SynchronousQueue<Long> repaired = new SynchronousQueue<>();
        ChangeWatch watch = events ? dp.watch(kick::release) : ChangeWatch.NONE;
        boolean[] running = {true};
        Thread loop = new Thread(() -> {
            while (running[0]) {
                try {
                    if (kick.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS)) kick.drainPermits();
                    TamperReport r = dp.check();
                    if (!r.tampered()) continue;
                    dp.repair();
                    repaired.offer(System.nanoTime(), 60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    if (!running[0]) return; // the bench is over and interrupted a command of the check
                    System.err.println("bench: tamper check or repair failed, retrying: " + e.getMessage());
                }
            }
        }, "cordon-bench-tamper-loop");
        loop.setDaemon(true);
        loop.start();
        double[] ms = new double[samples];
        boolean live = false;
        try {
            for (int i = 0; i < samples; i++) {
                Thread.sleep(ThreadLocalRandom.current().nextLong(poll.toMillis()));
                long t0 = System.nanoTime();
                CommandResult r = ns.run(tamper, "", Duration.ofSeconds(30));
                if (!r.ok()) throw new IllegalStateException("bench: `" + r.commandLine() + "` failed: " + r.stderr().strip());
                Long t1 = repaired.poll(poll.toMillis() * 3 + 60_000, TimeUnit.MILLISECONDS);
                if (t1 == null) throw new IllegalStateException("bench: the tampering (" + String.join(" ", tamper)
                        + ") was not repaired within " + (poll.toMillis() * 3 + 60_000) + " ms");
                ms[i] = (t1 - t0) / 1e6;
            }
            live = watch.live();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("bench interrupted", e);
        } finally {
            running[0] = false;
            loop.interrupt();
            watch.close();
            try {
                loop.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Arrays.sort(ms);
        return new Result(ms, live);
    }
}
