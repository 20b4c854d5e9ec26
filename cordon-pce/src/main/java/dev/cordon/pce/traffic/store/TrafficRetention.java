package dev.cordon.pce.traffic.store;

import java.time.Clock;
import java.time.Duration;

/**
 * Keeps the traffic store bounded, like {@code events.EventRetention} does the events: a sweep deletes the days older
 * than the retention ({@code --traffic-retention-days}, whole days: the rows of a day go together, which on a
 * partitioned PostgreSQL is a partition drop), then the oldest rows beyond the cap ({@code --max-traffic-flows}).
 * Each sweep then rolls up one step of new rows ({@link TrafficRollups}).
 * Run by the PCE's housekeeping timer and by tests; idempotent, so every PCE node may sweep.
 */
public final class TrafficRetention {
    private final TrafficTable table;
    private final Clock clock;
    private final Duration retention;
    private final long maxFlows;
    private final TrafficRollups rollups;

    public TrafficRetention(TrafficTable table, Clock clock, Duration retention, long maxFlows) {
        this.table = table;
        this.clock = clock;
        this.retention = retention;
        this.maxFlows = maxFlows;
        this.rollups = new TrafficRollups(table);
    }

    public record Swept(int expired, int overCap, long rolledUp) {}

    /** Retention first (so nothing about to go is rolled up), then one roll-up step of what arrived since the last. */
    public Swept sweep() {
        int firstKept = StoredFlow.dayOf(clock.instant().minus(retention).toEpochMilli());
        int expired = table.deleteBeforeDay(firstKept);
        int over = table.deleteBeyond(maxFlows);
        return new Swept(expired, over, Math.max(0, rollups.rollOnce(clock.millis())));
    }
}
