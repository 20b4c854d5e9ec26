package dev.cordon.ven.bench;

import dev.cordon.dataplane.flows.BlockedPacket;
import dev.cordon.dataplane.flows.ConnEvent;
import dev.cordon.dataplane.flows.capture.FlowCapture;
import dev.cordon.dataplane.bench.LoadClient;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.ven.flows.Classifier;
import dev.cordon.ven.flows.FlowAggregator;
import dev.cordon.ven.flows.FlowReporter;
import dev.cordon.ven.flows.FlowSpool;
import dev.cordon.ven.flows.Visibility;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The VEN's capture path for one bench run, exactly as {@code FlowService} wires it minus the upload: kernel capture
 * in the server's namespace → {@link FlowAggregator} → {@link FlowReporter#spoolInterval} every second into a
 * {@link FlowSpool} of its own. Counts the NEW events delivered, and measures CPU: the capture's reader threads
 * (their kernel thread CPU clocks, which is what {@code /proc/self/task/TID/stat} shows, in nanoseconds) and the whole
 * process ({@code /proc/self/stat} via the OS bean: readers, flusher, GC and JIT together).
 */
final class CaptureRun implements AutoCloseable {
    /** What every run shares: the server's namespace and addresses, the enforced policy, where spools go. */
    record Setup(String netns, Set<String> local, FirewallPolicy policy, Path spoolRoot, NewConnections truth) {}

    /**
     * One run's figures. {@code kernelNew}: new connections the server's conntrack saw ({@link NewConnections}; each
     * raises one NEW event), the ground truth the capture is held to. {@code missing}: confirmed connections whose NEW event never reached the
     * spool (kernel overruns, aggregator or spool drops, anything else).
     */
    record Outcome(LoadClient.Run client, long kernelNew, long newEvents, long spooled, long kernelLost,
                   long aggregatorDropped, long spoolDropped, double readerCpuSeconds, double processCpuSeconds,
                   double seconds) {
        long connects() {
            return client.completed() + client.failed();
        }

        long missing() {
            return Math.max(0, kernelNew - Math.min(newEvents, spooled));
        }

        boolean lost() {
            return missing() > 0 || kernelLost > 0 || aggregatorDropped > 0 || spoolDropped > 0;
        }

        String jsonFields() {
            double runSeconds = client.length().toMillis() / 1000.0;
            double flowsPerS = kernelNew / runSeconds;
            // CPU seconds per 1000 flows x 100 = % of one core per 1k flows/s, whatever the window
            double readerPer1k = kernelNew == 0 ? 0 : 100 * readerCpuSeconds * 1000 / kernelNew;
            double processPer1k = kernelNew == 0 ? 0 : 100 * processCpuSeconds * 1000 / kernelNew;
            double readerPct = 100 * readerCpuSeconds / seconds;
            double processPct = 100 * processCpuSeconds / seconds;
            return String.format(Locale.ROOT, "\"connects_per_s\":%.0f,\"connects\":%d,\"conntrack_new\":%d,"
                    + "\"conntrack_new_per_s\":%.0f,\"new_events\":%d,"
                    + "\"spooled_connections\":%d,\"missing\":%d,\"kernel_overruns\":%d,\"aggregator_dropped\":%d,"
                    + "\"spool_dropped\":%d,\"reader_cpu_pct\":%.1f,\"process_cpu_pct\":%.1f,"
                    + "\"reader_cpu_pct_per_1k_flows_s\":%.2f,\"process_cpu_pct_per_1k_flows_s\":%.2f",
                    client.perSecond(), connects(), kernelNew, flowsPerS, newEvents, spooled, missing(), kernelLost,
                    aggregatorDropped, spoolDropped, readerPct, processPct, readerPer1k, processPer1k);
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final FlowCapture capture;
    private final FlowAggregator aggregator;
    private final FlowSpool spool;
    private final FlowReporter reporter;
    private final AtomicLong newEvents;
    private final Thread flusher;
    private final long t0;
    private final long inserts0;
    private final NewConnections truth;
    private final double readers0;
    private final double process0;
    private volatile boolean running = true;

    private CaptureRun(NewConnections truth, FlowCapture capture, FlowAggregator aggregator, FlowSpool spool,
                       AtomicLong newEvents) {
        this.truth = truth;
        this.inserts0 = truth.count();
        this.capture = capture;
        this.aggregator = aggregator;
        this.spool = spool;
        this.newEvents = newEvents;
        // a reporter without a PCE: spoolInterval only, so every count below is read back from the spooled batches
        this.reporter = new FlowReporter(aggregator, spool, null, capture::kernelLost, () -> Visibility.FLOW_FULL_DETAIL);
        this.flusher = new Thread(this::flushLoop, "cordon-bench-flush");
        this.flusher.setDaemon(true);
        this.t0 = System.nanoTime();
        this.readers0 = readerCpu();
        this.process0 = processCpu();
        this.flusher.start();
    }

    static CaptureRun start(Setup s, String name) {
        FlowAggregator agg = new FlowAggregator(Classifier.of(s.local(), s.policy()), FlowAggregator.DEFAULT_MAX_KEYS,
                FlowAggregator.DEFAULT_MAX_LIVE);
        FlowSpool spool = FlowSpool.open(s.spoolRoot().resolve(name), FlowSpool.DEFAULT_MAX_BYTES);
        AtomicLong news = new AtomicLong();
        FlowCapture cap = FlowCapture.start(FlowCapture.Config.of(Optional.of(s.netns())), new FlowCapture.Sink() {
            @Override
            public void connection(ConnEvent e) {
                if (e.kind() == ConnEvent.Kind.NEW) news.incrementAndGet();
                agg.connection(e, Instant.now());
            }

            @Override
            public void blocked(BlockedPacket p) {
                agg.blocked(p, Instant.now());
            }
        });
        return new CaptureRun(s.truth(), cap, agg, spool, news);
    }

    private void flushLoop() {
        // no interrupt to stop it: an interrupted spool write would close its file channel mid-batch
        while (running) {
            for (int i = 0; i < 20 && running; i++) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (running) flush();
        }
    }

    private synchronized void flush() {
        reporter.spoolInterval();
    }

    /** Waits for the last events, stops, spools the last interval and measures. */
    Outcome finish(LoadClient.Run client) {
        long inserted = truth.count() - inserts0;
        // the readers may still be working through what queued in the socket: wait until they caught up (or went
        // quiet for a second), so the CPU and the counts cover the same events
        long deadline = System.nanoTime() + 20_000_000_000L;
        long last = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline && newEvents.get() < inserted) {
            long n = newEvents.get();
            if (n != last) {
                last = n;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > 1_000_000_000L) {
                break;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double readers = readerCpu() - readers0;
        double process = processCpu() - process0;
        close();
        long[] spooled = CaptureBench.spooled(spool.pending().stream().map(FlowSpool.Batch::file).toList());
        return new Outcome(client, inserted, newEvents.get(), spooled[0], spooled[1], spooled[2], spooled[3], readers,
                process, seconds);
    }

    @Override
    public void close() {
        if (!running) return;
        running = false;
        try {
            flusher.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        capture.close();
        flush();
    }

    /** CPU seconds of the capture's reader threads (named cordon-conntrack-NS and cordon-nflog-NS by FlowCapture). */
    private static double readerCpu() {
        long ns = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("cordon-conntrack") || t.getName().startsWith("cordon-nflog")) {
                long c = THREADS.getThreadCpuTime(t.getId());
                if (c > 0) ns += c;
            }
        }
        return ns / 1e9;
    }

    private static double processCpu() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime() / 1e9;
        return 0;
    }
}
