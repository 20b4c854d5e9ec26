package dev.cordon.pce.auth.throttle;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed attempts per subject (a source address or a key id) and the lockout they earn: the first {@code free}
 * failures cost nothing, each one after that locks the subject for {@code first}, doubled per further failure, at
 * most {@code max}. A lockout ends by itself; a subject quiet for {@code forgetAfter} starts afresh. Failures made
 * while locked are not counted (they were refused unheard, so they do not lengthen the lockout).
 *
 * <p>Memory is bounded: at most {@code capacity} subjects are kept, the one whose last failure is oldest is dropped
 * first, so an attacker who rotates subjects cannot grow it. Thread ownership: called from any request thread;
 * every method holds this object's monitor for a few map operations.
 */
public final class Lockouts {
    /** The budget and lockout bounds of one kind of subject. */
    public record Limits(int free, Duration first, Duration max, Duration forgetAfter, int capacity) {
        public Limits {
            if (free < 0 || capacity < 1 || first.isNegative() || first.isZero() || max.compareTo(first) < 0
                    || forgetAfter.compareTo(max) < 0) {
                throw new IllegalArgumentException("lockout limits: free >= 0, capacity >= 1, 0 < first <= max <= forgetAfter");
            }
        }
    }

    private static final class Entry {
        int failures;
        Instant last;
        Instant lockedUntil;
    }

    private final Limits limits;
    private final Map<String, Entry> entries;

    public Lockouts(Limits limits) {
        this.limits = limits;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > limits.capacity();
            }
        };
    }

    /** How long {@code subject} stays locked from {@code now}; null when it is not locked. */
    public synchronized Duration lockedFor(String subject, Instant now) {
        Entry e = entries.get(subject);
        if (e == null || e.lockedUntil == null || !now.isBefore(e.lockedUntil)) return null;
        return Duration.between(now, e.lockedUntil);
    }

    /** Counts one failure of {@code subject}; returns the lockout it started, or null when none. */
    public synchronized Duration failed(String subject, Instant now) {
        Entry e = entries.get(subject);
        if (e != null && e.lockedUntil != null && now.isBefore(e.lockedUntil)) return null;
        if (e == null || Duration.between(e.last, now).compareTo(limits.forgetAfter()) > 0) {
            e = new Entry();
            entries.put(subject, e);
        }
        e.failures++;
        e.last = now;
        int over = e.failures - limits.free();
        if (over <= 0) return null;
        Duration lock = limits.first().multipliedBy(1L << Math.min(over - 1, 30));
        if (lock.compareTo(limits.max()) > 0) lock = limits.max();
        e.lockedUntil = now.plus(lock);
        return lock;
    }

    /** How many subjects are remembered (for tests of the bound). */
    public synchronized int size() {
        return entries.size();
    }
}
