package dev.cordon.pce.console.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The console's only way to the PCE: its REST API over loopback HTTP(S), with the signed-in caller's API key. So the
 * API alone decides what a caller may do and what is valid; the console shows its answers ({@code 403} messages and
 * {@code 406 [{"token","message"}]}) as they are.
 */
public final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * An API key: {@code auth_username} and secret, and the address of the browser that signed in with it (null when
     * not known). Kept server-side, in the session.
     */
    public record Credentials(String user, String secret, String from) {
        Credentials(String user, String secret) {
            this(user, secret, null);
        }

        String header() {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Credentials[" + user + "]";
        }
    }

    /** One error of an API answer, as the API wrote it. */
    public record ApiError(String token, String message) {}

    /** An API answer: status, parsed body (null when empty), and for 4xx the errors of the body. */
    public record Response(int status, JsonNode body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public List<ApiError> errors() {
            List<ApiError> out = new ArrayList<>();
            if (body != null && body.isArray()) {
                for (JsonNode e : body) {
                    if (e.has("token")) out.add(new ApiError(e.path("token").asText(), e.path("message").asText()));
                }
            }
            if (out.isEmpty() && !ok()) out.add(new ApiError("http_" + status, "The PCE answered " + status + "."));
            return out;
        }

        /** The body as a list of objects (an empty list when it is not an array). */
        public List<JsonNode> items() {
            List<JsonNode> out = new ArrayList<>();
            if (body != null && body.isArray()) body.forEach(out::add);
            return out;
        }
    }

    /** The API refused the credentials (the key was deleted, or the session's key is wrong). */
    public static final class Unauthorized extends RuntimeException {
        Unauthorized(String message) {
            super(message);
        }
    }

    /** A read the page needs failed; the message is the API's. */
    public static final class ReadFailed extends RuntimeException {
        public final int status;

        ReadFailed(String path, Response r) {
            super(r.errors().get(0).message() + " (GET " + path + " answered " + r.status() + ")");
            this.status = r.status();
        }
    }

    private final Supplier<String> baseUrl;
    private final Supplier<Path> certificate;
    private volatile HttpClient http;

    private final String clientProof;

    public ApiClient(Supplier<String> baseUrl, Supplier<Path> certificate, String clientProof) {
        this.baseUrl = baseUrl;
        this.certificate = certificate;
        this.clientProof = clientProof;
    }

    public Response get(Credentials c, String path) {
        return send(c, "GET", path, null);
    }

    /**
     * Several GETs at once (HTTP/1.1, one connection each, so the API answers them on its own threads in parallel):
     * for a page that names a few dozen objects by href, the time of the slowest read instead of their sum. Each
     * path's answer, in the order given; a 401 throws {@link Unauthorized}.
     */
    public List<Response> getAll(Credentials c, List<String> paths) {
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (String p : paths) {
            pending.add(client().sendAsync(request(c, "GET", p, null, Map.of()).build(), HttpResponse.BodyHandlers.ofString()));
        }
        List<Response> out = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            try {
                HttpResponse<String> h = pending.get(i).get();
                Response r = parse(h.statusCode(), h.body());
                if (r.status() == 401) throw new Unauthorized(r.errors().get(0).message());
                out.add(r);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("The console cannot read " + paths.get(i) + " from the PCE's API: "
                        + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while calling the PCE's API.", e);
            }
        }
        return out;
    }

    /** A read the page cannot do without: 401 ends the session, any other failure becomes {@link ReadFailed}. */
    Response read(Credentials c, String path) {
        Response r = get(c, path);
        if (!r.ok()) throw new ReadFailed(path, r);
        return r;
    }

    List<JsonNode> list(Credentials c, String path) {
        return read(c, path).items();
    }

    public Response post(Credentials c, String path, JsonNode body) {
        return send(c, "POST", path, body);
    }

    /** Some of a collection and how many it holds in all (its {@code X-Total-Count}). */
    public record Slice(List<JsonNode> items, long total) {}

    /** A collection read the page needs, with its total; failures as {@link #read}. */
    Slice slice(Credentials c, String path) {
        HttpRequest.Builder b = request(c, "GET", path, null, Map.of());
        try {
            HttpResponse<String> h = client().send(b.build(), HttpResponse.BodyHandlers.ofString());
            Response r = parse(h.statusCode(), h.body());
            if (r.status() == 401) throw new Unauthorized(r.errors().get(0).message());
            if (!r.ok()) throw new ReadFailed(path, r);
            List<JsonNode> items = r.items();
            long total = h.headers().firstValue("X-Total-Count").map(Long::parseLong).orElse((long) items.size());
            return new Slice(items, Math.max(total, items.size()));
        } catch (IOException e) {
            throw new IllegalStateException("The console cannot read " + path + " from the PCE's API: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling the PCE's API.", e);
        }
    }

    /** A POST with extra request headers (e.g. {@code Prefer: respond-async} for traffic queries). */
    public Response post(Credentials c, String path, JsonNode body, Map<String, String> headers) {
        Response r = sendRaw(c, "POST", path, body, headers);
        if (r.status() == 401) throw new Unauthorized(r.errors().get(0).message());
        return r;
    }

    /** Reads a (possibly large) answer as a stream; a failed read becomes {@link ReadFailed}, a 401 {@link Unauthorized}. */
    public <T> T stream(Credentials c, String path, StreamReader<T> reader) {
        HttpRequest.Builder b = request(c, "GET", path, null, Map.of());
        try {
            HttpResponse<InputStream> r = client().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() < 200 || r.statusCode() >= 300) {
                    Response failed = parse(r.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    if (failed.status() == 401) throw new Unauthorized(failed.errors().get(0).message());
                    throw new ReadFailed(path, failed);
                }
                return reader.read(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("The console cannot read " + path + " from the PCE's API: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling the PCE's API.", e);
        }
    }

    /** What reads a streamed answer. */
    @FunctionalInterface
    public interface StreamReader<T> {
        T read(InputStream in) throws IOException;
    }

    public Response put(Credentials c, String path, JsonNode body) {
        return send(c, "PUT", path, body);
    }

    public Response delete(Credentials c, String path) {
        return send(c, "DELETE", path, null);
    }

    /** Sends one request to {@code /api/v2<path>}; a 401 throws {@link Unauthorized}. */
    Response send(Credentials c, String method, String path, JsonNode body) {
        Response r = sendRaw(c, method, path, body);
        if (r.status() == 401) throw new Unauthorized(r.errors().get(0).message());
        return r;
    }

    /** Like {@link #send} but hands a 401 back as a response (for signing in). */
    Response sendRaw(Credentials c, String method, String path, JsonNode body) {
        return sendRaw(c, method, path, body, Map.of());
    }

    private Response sendRaw(Credentials c, String method, String path, JsonNode body, Map<String, String> headers) {
        HttpRequest.Builder b = request(c, method, path, body, headers);
        try {
            HttpResponse<String> r = client().send(b.build(), HttpResponse.BodyHandlers.ofString());
            return parse(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException("The console cannot reach the PCE's API at " + baseUrl.get() + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling the PCE's API.", e);
        }
    }

    private HttpRequest.Builder request(Credentials c, String method, String path, JsonNode body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl.get() + "/api/v2" + path))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) b.header("Content-Type", "application/json");
        if (c != null) b.header("Authorization", c.header());
        // the browser's address, so the API throttles a guesser's sign-ins, not every console user's
        if (c != null && c.from() != null && clientProof != null) {
            b.header("X-Cordon-Console", clientProof).header("X-Cordon-Console-Client", c.from());
        }
        headers.forEach(b::header);
        return b;
    }

    private static Response parse(int status, String text) {
        JsonNode parsed = null;
        if (text != null && !text.isBlank()) {
            try {
                parsed = JSON.readTree(text);
            } catch (IOException e) {
                parsed = JSON.createArrayNode().add(JSON.createObjectNode().put("token", "unreadable_answer")
                        .put("message", "The PCE answered something that is not JSON: " + abbreviate(text)));
            }
        }
        return new Response(status, parsed);
    }

    public static String query(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> {
            if (v == null || v.isBlank()) return;
            sb.append(sb.length() == 0 ? '?' : '&').append(enc(k)).append('=').append(enc(v.trim()));
        });
        return sb.toString();
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public static ArrayNode array() {
        return JSON.createArrayNode();
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private HttpClient client() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                if (http == null) {
                    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(10));
                    Path pem = certificate.get();
                    if (pem != null) b.sslContext(trusting(pem));
                    http = b.build();
                }
                c = http;
            }
        }
        return c;
    }

    /** Trusts exactly the PCE's own certificate (it is self-signed; nothing else need be trusted on loopback). */
    private static SSLContext trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("pce", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("The console cannot load the PCE certificate " + pem + ": " + e.getMessage(), e);
        }
    }
}
