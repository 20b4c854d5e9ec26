package dev.cordon.pce.console.infra;

import dev.cordon.pce.console.infra.ApiClient.Credentials;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-side console sessions. The browser holds only a random session id in an HttpOnly, SameSite=Strict cookie
 * (Secure over HTTPS); the API key stays here. Each session also has a CSRF token that every POST must carry. A
 * session nobody used for the idle timeout is gone; a restart of the PCE ends all sessions.
 */
public final class Sessions {
    static final String COOKIE = "cordon_console";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One signed-in browser. */
    public static final class Session {
        final String id;
        final Credentials credentials;
        public final Caller caller;
        public final String csrf;
        volatile Instant lastUsed;
        /** A message for the next page shown (e.g. "Label created"), shown once. */
        volatile String flash;

        Session(String id, Credentials credentials, Caller caller, String csrf, Instant now) {
            this.id = id;
            this.credentials = credentials;
            this.caller = caller;
            this.csrf = csrf;
            this.lastUsed = now;
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration idleTimeout;
    private final Clock clock;

    public Sessions(Duration idleTimeout, Clock clock) {
        this.idleTimeout = idleTimeout;
        this.clock = clock;
    }

    public Session create(Context ctx, Credentials credentials, Caller caller) {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> expired(s, now));
        Session s = new Session(random(), credentials, caller, random(), now);
        sessions.put(s.id, s);
        Cookie cookie = new Cookie(COOKIE, s.id, "/", -1, isHttps(ctx), 0, true, null, null, SameSite.STRICT);
        ctx.cookie(cookie);
        return s;
    }

    public Optional<Session> find(Context ctx) {
        String id = ctx.cookie(COOKIE);
        if (id == null) return Optional.empty();
        Session s = sessions.get(id);
        Instant now = clock.instant();
        if (s == null || expired(s, now)) {
            if (s != null) sessions.remove(id);
            return Optional.empty();
        }
        s.lastUsed = now;
        return Optional.of(s);
    }

    public void end(Context ctx) {
        String id = ctx.cookie(COOKIE);
        if (id != null) sessions.remove(id);
        ctx.cookie(new Cookie(COOKIE, "", "/", 0, isHttps(ctx), 0, true, null, null, SameSite.STRICT));
    }

    private boolean expired(Session s, Instant now) {
        return s.lastUsed.plus(idleTimeout).isBefore(now);
    }

    private static boolean isHttps(Context ctx) {
        return "https".equalsIgnoreCase(ctx.scheme());
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
