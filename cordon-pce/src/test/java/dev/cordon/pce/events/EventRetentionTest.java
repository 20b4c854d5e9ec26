package dev.cordon.pce.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.auth.throttle.FailureLog;
import dev.cordon.pce.harness.MutableClock;
import dev.cordon.pce.harness.PceHarness;
import dev.cordon.pce.store.Store;
import dev.cordon.pce.store.EventRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Events older than the retention, and the oldest beyond the cap, are swept; failure tallies stay bounded. */
class EventRetentionTest {
    @Test
    void thePcesSweepDeletesEventsOlderThanTheRetention() {
        try (PceHarness pce = PceHarness.h2()) {
            pce.owner.post("/orgs/1/labels", Map.of("key", "env", "value", "old"));
            pce.clock.advance(Duration.ofDays(91));
            pce.owner.post("/orgs/1/labels", Map.of("key", "env", "value", "new"));
            EventRetention.Swept swept = pce.server.sweep();
            assertThat(swept.expired()).isGreaterThan(0);
            JsonNode left = pce.owner.get("/orgs/1/events?max_results=1000").body();
            assertThat(left).isNotEmpty();
            assertThat(left).allMatch(e -> e.get("timestamp").asText().compareTo("2026-04-01") > 0);
            assertThat(left).anyMatch(e -> e.get("event_type").asText().equals("label.create"));
        }
    }

    @Test
    void theOldestEventsBeyondTheCapGoFirstAndFailureTalliesStayBounded() throws Exception {
        Path dir = Files.createTempDirectory("cordon-retention");
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Store store = Store.open(dir, null);
        try {
            store.writeVoid(() -> store.orgs().create(1, "Default", Json.now(clock)));
            Events events = new Events(store, clock);
            for (int i = 0; i < 30; i++) {
                events.record(1, "test.event", "info", "success", Json.object(), List.of(), Json.object().put("i", i));
                clock.advance(Duration.ofSeconds(1));
            }
            EventRetention.Swept swept = new EventRetention(store, clock, Duration.ofDays(90), 10).sweep();
            assertThat(swept.overCap()).isEqualTo(20);
            EventRow.Page page = store.events().page(1, "test.event", null, null, null, 100);
            assertThat(page.total()).isEqualTo(10);
            assertThat(Json.parse(page.rows().get(9).body()).get("info").get("i").asInt()).as("the oldest kept").isEqualTo(20);

            // failures from ever more sources: the tallies stay bounded, the rest is summed under "*"
            FailureLog log = new FailureLog(events, clock, Duration.ofMinutes(1), 50);
            for (int i = 0; i < 200; i++) log.failed("api_key", "10.0.0." + i, null, "unknown API key");
            for (int i = 0; i < 200; i++) log.failed("api_key", "10.0.1." + i, null, "unknown API key");
            assertThat(log.open()).isLessThanOrEqualTo(51);
            clock.advance(Duration.ofMinutes(1));
            log.flushDue();
            assertThat(log.open()).isZero();
            long total = 0;
            for (EventRow r : store.events().page(1, FailureLog.EVENT_TYPE, null, null, null, 1000).rows()) {
                total += Json.parse(r.body()).get("info").get("count").asLong();
            }
            assertThat(total).as("every failure is counted once").isEqualTo(400);
        } finally {
            store.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
