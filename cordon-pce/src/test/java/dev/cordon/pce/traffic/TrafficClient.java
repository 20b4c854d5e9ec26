package dev.cordon.pce.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.PceHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * What the traffic tests share: VENs activated through pairing profiles (real agent tokens), flow batches sent as a
 * VEN sends them (JSON, optionally gzip'd), and Explorer queries run to completion through the async API.
 */
final class TrafficClient {
    static final ObjectMapper M = new ObjectMapper();
    final PceHarness pce;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    TrafficClient(PceHarness pce) {
        this.pce = pce;
    }

    String base() {
        return "http://127.0.0.1:" + pce.server.port() + "/api/v2";
    }

    record Ven(String token, String venHref, String workloadHref, String ip) {}

    record Reply(int status, JsonNode body, String text) {
        String token() {
            return body != null && body.isArray() && body.size() > 0 ? body.get(0).path("token").asText() : null;
        }

        String message() {
            return body != null && body.isArray() && body.size() > 0 ? body.get(0).path("message").asText() : null;
        }
    }

    static String u() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    Ven activate(List<String> labels, String mode, String ip) {
        return activate(labels, mode, ip, Map.of());
    }

    /** Activation with a pairing profile that has {@code profileFields} besides its name, mode and labels. */
    Ven activate(List<String> labels, String mode, String ip, Map<String, Object> profileFields) {
        Api owner = pce.owner;
        Map<String, Object> profile = new HashMap<>(profileFields);
        profile.put("name", "p-" + u());
        profile.put("enforcement_mode", mode);
        profile.put("labels", labels.stream().map(h -> Map.of("href", h)).toList());
        Api.Resp p = owner.post("/orgs/1/pairing_profiles", profile);
        assertThat(p.status()).as(p.toString()).isEqualTo(201);
        Api.Resp key = owner.post(p.body().get("href").asText() + "/pairing_key", Map.of());
        Api.Resp a = pce.anonymous.post("/ven/activate", Map.of("activation_code", key.body().get("activation_code").asText(),
                "hostname", "h-" + u(), "interfaces", List.of(Map.of("name", "eth0", "address", ip)),
                "os_type", "linux", "ven_type", "server", "version", "0.1.0"));
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        return new Ven(a.body().get("agent_token").asText(), a.body().get("ven").get("href").asText(),
                a.body().get("workload").get("href").asText(), ip);
    }

    /** A flow summary as the VEN writes it. */
    static Map<String, Object> flow(String direction, String local, String peer, int proto, Integer port,
                                    String decision, String rule, long conns, String first, String last) {
        Map<String, Object> f = new HashMap<>();
        f.put("direction", direction);
        f.put("local_ip", local);
        f.put("peer_ip", peer);
        f.put("proto", proto);
        if (port != null) f.put("port", port);
        f.put("decision", decision);
        if (decision.equals("unknown")) f.put("reason", "accepted_outside_cordon");
        if (rule != null) f.put("rule_href", rule);
        f.put("policy_version", 2);
        f.put("connections", conns);
        f.put("first_seen", first);
        f.put("last_seen", last);
        f.put("packets_in", 10);
        f.put("packets_out", 20);
        f.put("bytes_in", 1000);
        f.put("bytes_out", 2000);
        f.put("state", "closed");
        return f;
    }

    static Map<String, Object> batch(long seq, List<Map<String, Object>> flows) {
        return Map.of("seq", seq, "dropped", Map.of("kernel", 0, "aggregator", 0, "spool", 0), "flows", flows);
    }

    Reply send(Ven ven, Object body, boolean gzip) {
        try {
            byte[] json = body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : M.writeValueAsBytes(body);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + "/ven/traffic"))
                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json");
            if (ven != null) b.header("Authorization", "Bearer " + ven.token());
            if (gzip) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                    z.write(json);
                }
                json = out.toByteArray();
                b.header("Content-Encoding", "gzip");
            }
            return call(b.POST(HttpRequest.BodyPublishers.ofByteArray(json)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A heartbeat under the VEN's token; its answer (204, or 200 with a body). */
    Reply heartbeat(Ven ven, Object body) {
        try {
            return call(HttpRequest.newBuilder(URI.create(base() + "/ven/heartbeat")).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + ven.token())
                    .POST(HttpRequest.BodyPublishers.ofString(M.writeValueAsString(body))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Reply call(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode parsed = r.body() == null || r.body().isBlank() ? null : M.readTree(r.body());
            return new Reply(r.statusCode(), parsed, r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply request(String auth, String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (auth != null) b.header("Authorization", auth);
        headers.forEach(b::header);
        return call(b);
    }

    /** Creates a query (as the SDK does), polls it to its end, returns its final status. */
    Reply runQuery(String auth, Object query) {
        try {
            Reply created = request(auth, "POST", "/orgs/1/traffic_flows/async_queries", M.writeValueAsString(query),
                    Map.of("Prefer", "respond-async"));
            if (created.status() != 202) return created;
            String href = created.body().get("href").asText();
            for (int i = 0; i < 600; i++) {
                Reply s = request(auth, "GET", href, null, Map.of());
                String status = s.body().path("status").asText();
                if (status.equals("completed") || status.equals("failed")) return s;
                Thread.sleep(50);
            }
            throw new AssertionError("query " + href + " did not finish in 30 s");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a query and downloads its flows. */
    List<JsonNode> flows(String auth, Object query) {
        Reply done = runQuery(auth, query);
        assertThat(done.status()).as(done.text()).isIn(200, 202);
        assertThat(done.body().get("status").asText()).as(done.text()).isEqualTo("completed");
        Reply d = request(auth, "GET", done.body().get("result").asText(), null, Map.of());
        assertThat(d.status()).as(d.text()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        d.body().forEach(out::add);
        assertThat((long) out.size()).isEqualTo(done.body().get("flows_count").asLong());
        return out;
    }

    String ownerAuth() {
        try {
            return Api.basic(java.nio.file.Files.readString(pce.server.ownerKeyFile()).trim());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
