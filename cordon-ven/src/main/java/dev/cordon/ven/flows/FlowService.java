package dev.cordon.ven.flows;

import dev.cordon.dataplane.flows.BlockedPacket;
import dev.cordon.dataplane.flows.ConnEvent;
import dev.cordon.dataplane.flows.RuleIndex;
import dev.cordon.dataplane.flows.capture.FlowCapture;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.protocol.flows.FlowReporting;
import dev.cordon.protocol.flows.FlowSettings;
import dev.cordon.ven.pce.PceClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traffic reporting of one VEN: kernel capture in its namespace feeding the aggregator, and a reporter thread that
 * every {@code interval} spools and uploads a batch. {@link #policyApplied} keeps the rule table in step with the
 * enforced policy. Start failures (no root, no conntrack) are the caller's to log: enforcement does not depend on
 * traffic reporting, so the agent goes on without it.
 */
public final class FlowService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FlowService.class);

    private final FlowAggregator aggregator;
    private final FlowReporter reporter;
    private final FlowCapture capture;
    private final ReportSchedule schedule;
    private final Clock clock;
    private final CountDownLatch stop = new CountDownLatch(1);
    /** Released when the schedule changes (or on close), so the loop re-reads its wait at once. */
    private final Semaphore wake = new Semaphore(0);
    private volatile Set<String> local;
    private volatile Visibility visibility = Visibility.FLOW_FULL_DETAIL;
    private Thread thread;

    private FlowService(FlowAggregator aggregator, FlowReporter reporter, FlowCapture capture, Duration interval,
                        Set<String> local, Clock clock) {
        this.aggregator = aggregator;
        this.reporter = reporter;
        this.capture = capture;
        this.schedule = new ReportSchedule(interval);
        this.clock = clock;
        this.local = local;
    }

    /**
     * Starts capture in {@code netns} (empty: the host) for a workload with addresses {@code local}, the spool in
     * {@code spoolDir} bounded to {@code spoolBytes}, uploads every {@code interval} through {@code pce}.
     */
    public static FlowService start(Optional<String> netns, Set<String> local, FirewallPolicy policy, Path spoolDir,
                                    long spoolBytes, Duration interval, PceClient pce, Clock clock) {
        FlowAggregator agg = new FlowAggregator(classifier(local, policy), FlowAggregator.DEFAULT_MAX_KEYS,
                FlowAggregator.DEFAULT_MAX_LIVE);
        FlowSpool spool = FlowSpool.open(spoolDir, spoolBytes);
        FlowCapture[] cap = new FlowCapture[1];
        FlowService[] self = new FlowService[1];
        FlowReporter reporter = new FlowReporter(agg, spool, pce, () -> cap[0] == null ? 0 : cap[0].kernelLost(),
                () -> self[0] == null ? Visibility.FLOW_FULL_DETAIL : self[0].visibility);
        cap[0] = FlowCapture.start(FlowCapture.Config.of(netns), new FlowCapture.Sink() {
            @Override
            public void connection(ConnEvent e) {
                agg.connection(e, clock.instant());
            }

            @Override
            public void blocked(BlockedPacket p) {
                agg.blocked(p, clock.instant());
            }
        });
        FlowService s = new FlowService(agg, reporter, cap[0], interval, Set.copyOf(local), clock);
        self[0] = s;
        s.thread = new Thread(s::loop, "cordon-ven-flows" + netns.map(n -> "-" + n).orElse(""));
        s.thread.setDaemon(true);
        s.thread.start();
        log.info("traffic reporting on: conntrack and NFLOG group {} in {}, a batch every {} s, spool {}",
                FlowCapture.Config.DEFAULT_GROUP, netns.map(n -> "network namespace " + n).orElse("this host"),
                interval.toSeconds(), spoolDir);
        return s;
    }

    static Classifier classifier(Set<String> local, FirewallPolicy p) {
        return p == null ? new Classifier(local, RuleIndex.EMPTY, null) : Classifier.of(local, p);
    }

    /** The policy now enforced: its rule table decodes connection marks from now on. */
    public void policyApplied(FirewallPolicy p) {
        aggregator.use(classifier(local, p));
    }

    public void visibility(Visibility v) {
        this.visibility = v;
    }

    public Visibility visibility() {
        return visibility;
    }

    /**
     * What the PCE asks (its heartbeat answer): the visibility level from the next flush on, and the faster upload
     * interval while it lasts. A level this VEN does not know keeps the one in force (and says so in the log).
     */
    public void settings(FlowSettings s) {
        if (s == null) return;
        if (s.visibilityLevel() != null) {
            try {
                Visibility v = Visibility.parse(s.visibilityLevel());
                if (v != visibility) log.info("traffic visibility level is now {}", v.wire());
                visibility = v;
            } catch (IllegalArgumentException e) {
                log.warn("the PCE asked for {}; keeping visibility level {}", e.getMessage(), visibility.wire());
            }
        }
        if (schedule.ask(s.reportIntervalSeconds(), s.reportForSeconds(), clock.instant())) {
            Duration now = schedule.interval(clock.instant());
            log.info("traffic reports every {} s{}", now.toSeconds(), now.equals(schedule.own()) ? ""
                    : " for the next " + s.reportForSeconds() + " s, as the PCE asked");
            wake.release();
        }
    }

    /** What this VEN's traffic reporting does now, for its heartbeat. */
    public FlowReporting reporting() {
        return new FlowReporting(visibility.wire(), schedule.interval(clock.instant()).toSeconds());
    }

    /** The upload interval in force now (the VEN's own, or the PCE's faster one while it lasts). */
    public Duration interval() {
        return schedule.interval(clock.instant());
    }

    /** One report now (spool the interval, upload what is spooled), as the reporter thread does every interval. */
    public int reportNow() {
        synchronized (reporter) {
            return reporter.reportOnce();
        }
    }

    /**
     * Reports once per interval in force, measured from the previous report: a faster interval arriving meanwhile
     * (wake) shortens the current wait at once, the end of it lengthens the next.
     */
    private void loop() {
        long last = System.nanoTime();
        while (stop.getCount() > 0) {
            try {
                long due = last + schedule.interval(clock.instant()).toNanos() - System.nanoTime();
                if (due > 0) {
                    if (wake.tryAcquire(due, TimeUnit.NANOSECONDS)) wake.drainPermits();
                    continue;
                }
                last = System.nanoTime();
                reportNow();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("traffic report failed: {}", e.getMessage());
            }
        }
    }

    /** Stops capture and the reporter; what was spooled stays for the next start. */
    @Override
    public void close() {
        stop.countDown();
        wake.release();
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        capture.close();
        synchronized (reporter) {
            reporter.spoolInterval();
        }
    }
}
