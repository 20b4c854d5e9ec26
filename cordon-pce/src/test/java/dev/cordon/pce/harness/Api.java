package dev.cordon.pce.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A small HTTP client for tests: JSON in, {@link Resp} out, HTTP Basic with one API key (or a bearer token). */
public final class Api {
    private static final ObjectMapper M = new ObjectMapper();
    private final HttpClient http;
    private final String base;
    private final String authorization;

    public Api(HttpClient http, String base, String authorization) {
        this.http = http;
        this.base = base;
        this.authorization = authorization;
    }

    public static String basic(String userColonSecret) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonSecret.getBytes(StandardCharsets.UTF_8));
    }

    /** The same server with other credentials ({@code auth_username:secret}). */
    public Api as(String userColonSecret) {
        return new Api(http, base, basic(userColonSecret));
    }

    public Api withAuthorization(String header) {
        return new Api(http, base, header);
    }

    /** A response: status, parsed body (null when empty), and the raw response. */
    public record Resp(int status, JsonNode body, HttpResponse<String> raw) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        /** The first error token of a 4xx body. */
        public String token() {
            return body != null && body.isArray() && body.size() > 0 ? body.get(0).path("token").asText() : null;
        }

        @Override
        public String toString() {
            return status + " " + raw.body();
        }
    }

    public Resp get(String path) {
        return send("GET", path, null);
    }

    public Resp post(String path, Object body) {
        return send("POST", path, body);
    }

    public Resp put(String path, Object body) {
        return send("PUT", path, body);
    }

    public Resp delete(String path) {
        return send("DELETE", path, null);
    }

    /** Sends a request; {@code body} is a JSON string or any object Jackson writes. Paths are under /api/v2. */
    public Resp send(String method, String path, Object body) {
        try {
            String json = body == null ? null : body instanceof String s ? s : M.writeValueAsString(body);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v2" + path))
                    .timeout(Duration.ofSeconds(60))
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) b.header("Content-Type", "application/json");
            if (authorization != null) b.header("Authorization", authorization);
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode parsed = r.body() == null || r.body().isBlank() ? null : M.readTree(r.body());
            return new Resp(r.statusCode(), parsed, r);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(String text) {
        try {
            return M.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
