package dev.cordon.ven.pce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.policy.validate.PolicyException;
import dev.cordon.protocol.ActivationAnswer;
import dev.cordon.protocol.ActivationRequest;
import dev.cordon.protocol.AgentEvent;
import dev.cordon.protocol.Goodbye;
import dev.cordon.protocol.Heartbeat;
import dev.cordon.protocol.HeartbeatAnswer;
import dev.cordon.protocol.PolicyAnswer;
import dev.cordon.protocol.Wire;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * {@link PceClient} over {@code java.net.http}. HTTPS trusts exactly the PCE certificate pinned at activation
 * ({@link PinnedTrust}); plain {@code http://} is accepted only for loopback addresses (tests, a PCE on the same
 * host), which {@link dev.cordon.ven.AgentConfig} enforces.
 *
 * <p>HTTP/1.1 only: the long poll holds one request open for up to {@code wait_seconds}, and a request timeout of
 * that wait plus a margin turns a silently dead connection into {@link PceException.Kind#UNREACHABLE}.
 */
public final class HttpPceClient implements PceClient {
    /** The 401 token prefix the PCE answers an unpaired VEN with; {@code saved} or {@code default} follows. */
    static final String UNPAIRED_TOKEN = "ven_unpaired_";
    private static final ObjectMapper JSON = PolicyJson.mapper();
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
    static final Duration POLL_MARGIN = Duration.ofSeconds(15);

    private final URI base;
    private final PinnedTrust trust;
    private final HttpClient http;
    private volatile String token;

    /** A client for the PCE at {@code base} (e.g. {@code https://pce.example:8443}); {@code pinnedSha256} may be null. */
    public HttpPceClient(URI base, String pinnedSha256) {
        String s = base.toString();
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        if (s.endsWith("/api/v2")) s = s.substring(0, s.length() - "/api/v2".length());
        this.base = URI.create(s);
        this.trust = new PinnedTrust(pinnedSha256);
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER);
        if ("https".equalsIgnoreCase(this.base.getScheme())) {
            try {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
                b.sslContext(ctx);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up TLS for the PCE connection: " + e.getMessage(), e);
            }
        }
        this.http = b.build();
    }

    /** The certificate fingerprint in use (pinned), or null before activation and over plain HTTP. */
    public String pinnedCertificate() {
        return trust.pinned();
    }

    @Override
    public Activation activate(ActivationRequest request) {
        HttpResponse<String> r = send(post("/api/v2/ven/activate", Wire.write(request), false), "activation");
        expect(r, 201, "activation");
        ActivationAnswer n = read(r.body(), ActivationAnswer.class, "activation answer");
        if (!n.complete()) {
            throw new PceException(PceException.Kind.REJECTED, r.statusCode(), "the PCE's activation answer lacks"
                    + " ven.href, workload.href or agent_token: " + abbreviate(r.body()));
        }
        String venHref = n.ven().href();
        String workloadHref = n.workload().href();
        String agentToken = n.agentToken();
        String fingerprint = null;
        if ("https".equalsIgnoreCase(base.getScheme())) {
            fingerprint = r.sslSession().flatMap(HttpPceClient::leaf).orElse(trust.lastSeen());
            trust.pin(fingerprint);
        }
        token = agentToken;
        return new Activation(venHref, workloadHref, agentToken, fingerprint);
    }

    private static Optional<String> leaf(javax.net.ssl.SSLSession s) {
        try {
            java.security.cert.Certificate[] certs = s.getPeerCertificates();
            if (certs.length > 0 && certs[0] instanceof java.security.cert.X509Certificate x) {
                return Optional.of(PinnedTrust.fingerprint(x));
            }
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            // fall back to what the trust manager saw
        }
        return Optional.empty();
    }

    @Override
    public void useCredentials(String agentToken, String certificateSha256) {
        this.token = agentToken;
        if (certificateSha256 != null) trust.pin(certificateSha256);
    }

    @Override
    public Optional<FirewallPolicy> fetchPolicy(String knownHash, Duration wait) {
        StringBuilder path = new StringBuilder("/api/v2/ven/policy?" + PolicyAnswer.WAIT_SECONDS + "=").append(Math.max(0, wait.toSeconds()));
        if (knownHash != null) path.append("&" + PolicyAnswer.KNOWN_HASH + "=").append(URLEncoder.encode(knownHash, StandardCharsets.UTF_8));
        HttpRequest req = authorized(HttpRequest.newBuilder(base.resolve(path.toString()))
                .timeout(wait.plus(POLL_MARGIN)).GET()).build();
        HttpResponse<String> r = send(req, "policy poll");
        if (r.statusCode() == 304) return Optional.empty();
        expect(r, 200, "policy poll");
        PolicyAnswer head = read(r.body(), PolicyAnswer.class, "policy answer");
        try {
            return Optional.of(PolicyJson.read(r.body(), FirewallPolicy.class, "firewall policy from the PCE"));
        } catch (PolicyException e) {
            throw new PceException(PceException.Kind.REJECTED, 200, "the PCE sent a firewall policy (version "
                    + head.version() + ", hash " + head.hash() + ") this VEN cannot read (" + e.getMessage()
                    + "); upgrade the VEN to the PCE's version", e);
        }
    }

    @Override
    public void heartbeat(Heartbeat hb) {
        heartbeatAnswered(hb);
    }

    @Override
    public Optional<HeartbeatAnswer> heartbeatAnswered(Heartbeat hb) {
        HttpResponse<String> r = send(post("/api/v2/ven/heartbeat", Wire.write(hb), true), "heartbeat");
        if (r.statusCode() == 200) return Optional.of(read(r.body(), HeartbeatAnswer.class, "heartbeat answer"));
        expect(r, 204, "heartbeat");
        return Optional.empty();
    }

    @Override
    public void uploadEvents(List<AgentEvent> events) {
        if (events.isEmpty()) return;
        expect(send(post("/api/v2/ven/events", Wire.write(events), true), "events upload"), 204, "events upload");
    }

    /**
     * Bounded twice: the request's own timeout, and a wait on the asynchronous send that also covers connecting (a
     * PCE host that drops packets would otherwise hold the call for the connect timeout); the send is cancelled when
     * the wait runs out.
     */
    @Override
    public void goodbye(Goodbye goodbye, Duration within) {
        HttpRequest req = authorized(HttpRequest.newBuilder(base.resolve("/api/v2/ven/goodbye")).timeout(within)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Wire.write(goodbye)))).build();
        java.util.concurrent.CompletableFuture<HttpResponse<String>> f = http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> r;
        try {
            r = f.get(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            throw new PceException(PceException.Kind.UNREACHABLE, 0, "goodbye: the PCE at " + base
                    + " did not answer within " + within.toMillis() + " ms", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            throw new PceException(PceException.Kind.UNREACHABLE, 0, "goodbye: cannot reach the PCE at " + base + " ("
                    + (c == null ? e : c).getClass().getSimpleName() + (c == null || c.getMessage() == null ? ""
                    : ": " + c.getMessage()) + ")", e);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new PceException(PceException.Kind.UNREACHABLE, 0, "goodbye interrupted", e);
        }
        expect(r, 204, "goodbye");
    }

    @Override
    public String uploadTraffic(byte[] gzipJson) {
        HttpRequest req = authorized(HttpRequest.newBuilder(base.resolve("/api/v2/ven/traffic")).timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzipJson))).build();
        HttpResponse<String> r = send(req, "traffic upload");
        expect(r, 200, "traffic upload");
        return r.body();
    }


    private HttpRequest post(String path, String json, boolean auth) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        return (auth ? authorized(b) : b).build();
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder b) {
        String t = token;
        if (t == null) {
            throw new PceException(PceException.Kind.UNAUTHORIZED, 0, "this VEN is not activated yet: activate it"
                    + " with an activation code first");
        }
        return b.header("Authorization", "Bearer " + t);
    }

    private HttpResponse<String> send(HttpRequest req, String what) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof PinnedTrust.PinMismatch m) {
                    throw new PceException(PceException.Kind.CERTIFICATE, 0, what + " refused: " + m.getMessage(), e);
                }
            }
            throw new PceException(PceException.Kind.UNREACHABLE, 0, what + ": cannot reach the PCE at " + base
                    + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "); the VEN keeps enforcing its last policy and retries", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PceException(PceException.Kind.UNREACHABLE, 0, what + " interrupted (the VEN is stopping)", e);
        }
    }

    private static void expect(HttpResponse<String> r, int status, String what) {
        int s = r.statusCode();
        if (s == status) return;
        PceError e = PceError.of(r.body());
        String msg = what + ": the PCE answered " + s + ": " + e.text();
        if (s == 401 && e.token() != null && e.token().startsWith(UNPAIRED_TOKEN)) {
            dev.cordon.ven.enforce.FirewallRestore restore;
            try {
                restore = dev.cordon.ven.enforce.FirewallRestore.parse(e.token().substring(UNPAIRED_TOKEN.length()));
            } catch (IllegalArgumentException unknown) {
                // a restore this VEN does not know: the safe reading is "open" (Cordon's rules removed)
                restore = dev.cordon.ven.enforce.FirewallRestore.DEFAULT;
                msg += " (unknown firewall_restore; using default)";
            }
            throw PceException.unpaired(msg, restore);
        }
        if (s == 401) throw new PceException(PceException.Kind.UNAUTHORIZED, s, msg);
        if (s == 429 || s == 503) {
            throw PceException.retryLater(s == 429 ? PceException.Kind.THROTTLED : PceException.Kind.SERVER, s, msg,
                    retryAfter(r.headers().firstValue("Retry-After").orElse(null)));
        }
        if (s >= 500) throw new PceException(PceException.Kind.SERVER, s, msg);
        throw new PceException(PceException.Kind.REJECTED, s, msg);
    }

    /** {@code Retry-After} in seconds (the PCE sends no dates), bounded; null when absent or not a number. */
    static java.time.Duration retryAfter(String header) {
        if (header == null) return null;
        try {
            long seconds = Long.parseLong(header.strip());
            if (seconds < 0) return null;
            java.time.Duration d = java.time.Duration.ofSeconds(seconds);
            return d.compareTo(PceException.MAX_RETRY_AFTER) > 0 ? PceException.MAX_RETRY_AFTER : d;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The PCE's first error ({@code [{"token","message"}]}); token null and the body as message when it is not one. */
    record PceError(String token, String message) {
        static PceError of(String body) {
            if (body == null || body.isBlank()) return new PceError(null, "(no body)");
            try {
                JsonNode n = JSON.readTree(body);
                if (n.isArray() && n.size() > 0 && n.get(0).has("message")) {
                    JsonNode e = n.get(0);
                    return new PceError(e.path("token").isTextual() ? e.get("token").asText() : null,
                            e.path("message").asText());
                }
            } catch (IOException e) {
                // not JSON: show it as it is
            }
            return new PceError(null, abbreviate(body));
        }

        /** The message with its token, as logs show it. */
        String text() {
            return message + (token == null ? "" : " [" + token + "]");
        }
    }

    private static <T> T read(String body, Class<T> type, String what) {
        try {
            return Wire.read(body, type, "the PCE's " + what);
        } catch (IllegalArgumentException e) {
            throw new PceException(PceException.Kind.REJECTED, 0, e.getMessage() + ": " + abbreviate(body), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
