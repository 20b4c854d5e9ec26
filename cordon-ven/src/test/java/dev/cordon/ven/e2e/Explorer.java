package dev.cordon.ven.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Illumio's asynchronous Explorer API as a client uses it: {@code POST .../traffic_flows/async_queries} with
 * {@code Prefer: respond-async}, poll the query until it is {@code completed}, download its flow records, delete it.
 */
final class Explorer {
    static final ObjectMapper M = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String auth;

    /** {@code base}: {@code http://127.0.0.1:PORT}; {@code key}: {@code user:secret}. */
    Explorer(String base, String key) {
        this.base = base + "/api/v2";
        this.auth = "Basic " + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /** Every flow record between {@code start} and {@code end}, as the download gives them. */
    List<JsonNode> all(Instant start, Instant end) {
        return query(Map.of("query_name", "e2e-all", "start_date", start.toString(), "end_date", end.toString(),
                "sources", Map.of("include", List.of(List.of()), "exclude", List.of()),
                "destinations", Map.of("include", List.of(List.of()), "exclude", List.of()),
                "services", Map.of("include", List.of(), "exclude", List.of()),
                "policy_decisions", List.of(), "max_results", 100000));
    }

    List<JsonNode> query(Object body) {
        JsonNode created = send("POST", "/orgs/1/traffic_flows/async_queries", json(body), 202);
        String href = created.get("href").asText();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode status = created;
        while (!status.path("status").asText().equals("completed")) {
            if (status.path("status").asText().equals("failed")) throw new AssertionError("query failed: " + status);
            if (System.nanoTime() > end) throw new AssertionError("query " + href + " not completed in 30 s: " + status);
            sleep(50);
            status = send("GET", href, null, 200);
        }
        JsonNode flows = send("GET", status.get("result").asText(), null, 200);
        send("DELETE", href, null, 204);
        List<JsonNode> out = new ArrayList<>();
        flows.forEach(out::add);
        if (out.size() != status.path("flows_count").asLong()) {
            throw new AssertionError("the download has " + out.size() + " flows, the query said " + status);
        }
        return out;
    }

    private JsonNode send(String method, String path, String body, int want) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", auth)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json").header("Prefer", "respond-async");
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != want) throw new AssertionError(method + " " + path + ": " + r.statusCode() + " " + r.body());
            return r.body().isBlank() ? null : M.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String json(Object o) {
        try {
            return M.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
