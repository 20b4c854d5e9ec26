package dev.cordon.pce.auth.throttle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.events.Events;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Failed authentications as {@code request.authentication_failed} events, aggregated so that unauthenticated
 * traffic cannot grow the event store without bound: the first failure of a (credential, source) pair is recorded at
 * once ({@code count} 1) and opens an interval; the failures that follow within it are recorded as one more event
 * when it ends, with their {@code count}, their reasons and the key ids tried (at most {@value #MAX_IDS}). So a source
 * costs at most two events per interval however fast it tries. At most {@code capacity} pairs are tallied at once;
 * beyond that, failures from further sources are summed under {@code src_ip} {@code "*"}.
 *
 * <p>Thread ownership: {@link #failed} runs on request threads, {@link #flushDue} on the PCE's housekeeping timer
 * (and in tests); both hold this object's monitor only to update the tallies, and write events outside it.
 */
public final class FailureLog {
    public static final String EVENT_TYPE = "request.authentication_failed";
    static final int MAX_IDS = 10;
    private static final int MAX_REASONS = 10;
    private static final int ORG = 1;

    private final Events events;
    private final Clock clock;
    private final Duration interval;
    private final int capacity;
    private final Map<String, Tally> tallies = new LinkedHashMap<>();

    private static final class Tally {
        final String credential;
        final String src;
        final Instant opened;
        Instant first;
        Instant last;
        int count;
        final Map<String, Integer> reasons = new LinkedHashMap<>();
        final Set<String> ids = new LinkedHashSet<>();

        Tally(String credential, String src, Instant opened) {
            this.credential = credential;
            this.src = src;
            this.opened = opened;
        }

        void add(String id, String reason, Instant now) {
            if (count == 0) first = now;
            last = now;
            count++;
            if (reasons.containsKey(reason) || reasons.size() < MAX_REASONS) reasons.merge(reason, 1, Integer::sum);
            if (id != null && ids.size() < MAX_IDS) ids.add(id);
        }
    }

    public FailureLog(Events events, Clock clock, Duration interval, int capacity) {
        this.events = events;
        this.clock = clock;
        this.interval = interval;
        this.capacity = capacity;
    }

    public Duration interval() {
        return interval;
    }

    /** One failure; {@code id} is the key id tried (or null), {@code reason} a short phrase ("wrong secret"). */
    public void failed(String credential, String src, String id, String reason) {
        Instant now = clock.instant();
        List<Tally> due = new ArrayList<>();
        Tally first = null;
        synchronized (this) {
            String key = credential + "|" + src;
            Tally t = tallies.get(key);
            if (t != null && !now.isBefore(t.opened.plus(interval))) {
                tallies.remove(key);
                if (t.count > 0) due.add(t);
                t = null;
            }
            if (t == null && tallies.size() >= capacity) {
                key = credential + "|*";
                t = tallies.get(key);
                if (t == null) {
                    t = new Tally(credential, "*", now);
                    tallies.put(key, t);
                }
                t.add(id, reason, now);
            } else if (t == null) {
                tallies.put(key, new Tally(credential, src, now));
                first = new Tally(credential, src, now);
                first.add(id, reason, now);
            } else {
                t.add(id, reason, now);
            }
        }
        due.forEach(this::write);
        if (first != null) write(first);
    }

    /** Writes the tallies whose interval has ended (the housekeeping timer calls this). */
    public void flushDue() {
        flush(clock.instant());
    }

    /** Writes every tally, due or not (on stop). */
    public void flushAll() {
        flush(null);
    }

    private void flush(Instant now) {
        List<Tally> due = new ArrayList<>();
        synchronized (this) {
            var it = tallies.values().iterator();
            while (it.hasNext()) {
                Tally t = it.next();
                if (now == null || !now.isBefore(t.opened.plus(interval))) {
                    it.remove();
                    if (t.count > 0) due.add(t);
                }
            }
        }
        due.forEach(this::write);
    }

    private void write(Tally t) {
        ObjectNode info = Json.object().put("credential", t.credential).put("src_ip", t.src).put("count", t.count)
                .put("first_at", Json.format(t.first)).put("last_at", Json.format(t.last))
                .put("interval_seconds", interval.toSeconds());
        String top = t.reasons.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        info.put("reason", top);
        ObjectNode reasons = info.putObject("reasons");
        t.reasons.forEach(reasons::put);
        var ids = info.putArray("key_ids");
        t.ids.forEach(ids::add);
        try {
            events.record(ORG, EVENT_TYPE, "warning", "failure", Json.object().set("system", Json.object()),
                    List.of(), info);
        } catch (RuntimeException e) {
            // the database is away for a moment: losing a tally must not fail the request or the timer
        }
    }

    /** How many tallies are open (for tests of the bound). */
    public synchronized int open() {
        return tallies.size();
    }
}
