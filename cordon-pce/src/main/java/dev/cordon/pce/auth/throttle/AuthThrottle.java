package dev.cordon.pce.auth.throttle;

import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Slows down guessing of one kind of credential (API keys, activation codes or agent tokens): failures are counted
 * per source address ({@link Sources#subject}) and per key id (only ids of keys that exist, so made-up ids cost no
 * memory); beyond a small free budget the source, or the key, is locked for a short time that grows with further
 * failures and ends by itself ({@link Lockouts}). A locked source gets {@code 429} with {@code Retry-After} and its
 * credentials are not even checked. A locked key still works from sources it was recently used from
 * ({@link KnownSources}), so guesses from elsewhere cannot lock its real user out. Every failure also goes to the
 * {@link FailureLog}, which records them as aggregated events.
 *
 * <p>Thread ownership: shared by all request threads; it holds no lock of its own (its parts do, briefly).
 */
public final class AuthThrottle {
    public static final Lockouts.Limits SOURCE_LIMITS =
            new Lockouts.Limits(10, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(15), 10_000);
    public static final Lockouts.Limits KEY_LIMITS =
            new Lockouts.Limits(20, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(15), 10_000);
    private static final int KNOWN_SOURCES = 50_000;

    private final String credential;
    private final String what;
    private final Lockouts sources;
    private final Lockouts keys;
    private final KnownSources known = new KnownSources(KNOWN_SOURCES);
    private final FailureLog log;
    private final Clock clock;
    private final Duration longest;

    /**
     * {@code credential}: the token events name it by ({@code api_key}, {@code activation_code},
     * {@code agent_token}); {@code what}: how messages name it ("API key").
     */
    public AuthThrottle(String credential, String what, FailureLog log, Clock clock) {
        this(credential, what, SOURCE_LIMITS, KEY_LIMITS, log, clock);
    }

    public AuthThrottle(String credential, String what, Lockouts.Limits sourceLimits, Lockouts.Limits keyLimits,
                        FailureLog log, Clock clock) {
        this.credential = credential;
        this.what = what;
        this.sources = new Lockouts(sourceLimits);
        this.keys = new Lockouts(keyLimits);
        this.log = log;
        this.clock = clock;
        this.longest = sourceLimits.max().compareTo(keyLimits.max()) > 0 ? sourceLimits.max() : keyLimits.max();
    }

    /**
     * The {@code 429} to answer before looking at the credential, or null when the request may be heard. {@code keyId}
     * may be null (none given, or the credential has none).
     */
    public ApiException refusal(String src, String keyId) {
        Instant now = clock.instant();
        String subject = Sources.subject(src);
        Duration d = sources.lockedFor(subject, now);
        if (d != null) {
            return tooMany(now, d, "Too many failed " + what + " authentications from " + subject);
        }
        if (keyId != null) {
            d = keys.lockedFor(keyId, now);
            if (d != null && !known.contains(keyId, subject)) {
                return tooMany(now, d, "Too many failed authentications for " + what + " '" + keyId
                        + "' from addresses it is not used from");
            }
        }
        return null;
    }

    /**
     * One failure from {@code src}; {@code keyId} names an existing key whose secret was wrong, or is null (no such
     * key, no credential). {@code shownId} is what the event shows as tried (may be an unknown id), or null.
     */
    public void failed(String src, String keyId, String shownId, String reason) {
        Instant now = clock.instant();
        sources.failed(Sources.subject(src), now);
        if (keyId != null) keys.failed(keyId, now);
        log.failed(credential, src, shownId, reason);
    }

    /** A credential that was right: its key keeps working from this source even while locked elsewhere. */
    public void succeeded(String src, String keyId) {
        if (keyId != null) known.add(keyId, Sources.subject(src));
    }

    private ApiException tooMany(Instant now, Duration d, String why) {
        long seconds = Math.max(1, (d.toMillis() + 999) / 1000);
        String at = Json.format(now.plusSeconds(seconds));
        return ApiException.tooManyRequests("too_many_failed_attempts", why + ": retry after " + at + " (in "
                + seconds + " s). Lockouts grow with further failures, to at most " + said(longest)
                + ", and end by themselves.",
                seconds);
    }

    private static String said(Duration d) {
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + " minutes" : d.toSeconds() + " s";
    }
}
