package dev.cordon.pce.events;

import dev.cordon.pce.core.Json;
import dev.cordon.pce.store.Store;
import java.time.Clock;
import java.time.Duration;

/**
 * Keeps the event store bounded: a sweep deletes the events older than the retention, then each org's oldest events
 * beyond the cap. Thread ownership: run by the PCE's housekeeping timer (one thread) and by tests; with several PCE
 * nodes each sweeps, and the deletes are idempotent.
 */
public final class EventRetention {
    private final Store store;
    private final Clock clock;
    private final Duration retention;
    private final long maxEvents;

    public EventRetention(Store store, Clock clock, Duration retention, long maxEvents) {
        this.store = store;
        this.clock = clock;
        this.retention = retention;
        this.maxEvents = maxEvents;
    }

    /** What one sweep removed. */
    public record Swept(int expired, int overCap) {}

    public Swept sweep() {
        int expired = store.events().deleteBefore(Json.format(clock.instant().minus(retention)));
        int over = 0;
        for (int org : store.events().orgs()) over += store.events().deleteBeyond(org, maxEvents);
        return new Swept(expired, over);
    }
}
