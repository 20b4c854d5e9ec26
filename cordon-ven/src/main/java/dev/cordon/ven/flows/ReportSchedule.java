package dev.cordon.ven.flows;

import java.time.Duration;
import java.time.Instant;

/**
 * How long the reporter waits between uploads: the VEN's own {@code --flow-report-interval}, or, while the PCE's
 * request to report faster lasts (Illumio's "increase traffic update rate", told in the heartbeat answer as an
 * interval and a duration), that shorter interval; then the VEN's own again. Each answer replaces the previous
 * request (a duration, not a time, so the PCE's clock and the VEN's need not agree); an answer without one ends it.
 * A requested interval longer than the VEN's own is not taken: the PCE asks for faster, never slower.
 *
 * <p>Thread ownership: asked by the agent's report thread, read by the flow reporter thread; synchronized.
 */
final class ReportSchedule {
    /** The fastest the VEN uploads whatever it is asked: one request per second per VEN is the PCE's to carry. */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    private final Duration own;
    private Duration faster;
    private Instant until;

    ReportSchedule(Duration own) {
        this.own = own;
    }

    /** The PCE's request as of {@code now}: report every {@code intervalSeconds} for {@code forSeconds}; nulls end it. */
    synchronized boolean ask(Integer intervalSeconds, Long forSeconds, Instant now) {
        Duration before = faster;
        if (intervalSeconds == null || forSeconds == null || forSeconds <= 0) {
            faster = null;
            until = null;
        } else {
            Duration d = Duration.ofSeconds(intervalSeconds);
            if (d.compareTo(MIN_INTERVAL) < 0) d = MIN_INTERVAL;
            faster = d.compareTo(own) < 0 ? d : null;
            until = faster == null ? null : now.plusSeconds(forSeconds);
        }
        return !java.util.Objects.equals(before, faster);
    }

    /** The interval in force at {@code now}. */
    synchronized Duration interval(Instant now) {
        if (faster != null && now.isBefore(until)) return faster;
        faster = null;
        until = null;
        return own;
    }

    Duration own() {
        return own;
    }
}
