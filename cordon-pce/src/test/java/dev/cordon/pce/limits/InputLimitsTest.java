package dev.cordon.pce.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.pce.PceServer;
import dev.cordon.pce.api.limits.RequestLimits;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.Api.Resp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Charsets (415), characters in names (406), nesting (406), body and header sizes (413, 431): all JSON errors. */
class InputLimitsTest {
    static final RequestLimits.Limits SMALL = new RequestLimits.Limits(64 << 10, 1 << 20, 4 << 10);
    @TempDir
    static Path dir;
    static PceServer server;
    static Api owner;
    static HttpClient http;
    static String base;
    static String ownerAuth;

    @BeforeAll
    static void start() throws Exception {
        server = new PceServer(new PceServer.Config(dir, null, "127.0.0.1", 0, true).withRequestLimits(SMALL),
                new PrintStream(new ByteArrayOutputStream())).start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        base = "http://127.0.0.1:" + server.port();
        String key = Files.readString(server.ownerKeyFile()).trim();
        owner = new Api(http, base, null).as(key);
        ownerAuth = Api.basic(key);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static HttpResponse<String> raw(String method, String path, String contentType, String body, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v2" + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        if (auth != null) b.header("Authorization", auth);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String token(HttpResponse<String> r) {
        return Api.json(r.body()).get(0).get("token").asText();
    }

    @Test
    void anUnknownOrNonUtf8CharsetIs415BeforeAuthenticationOnEveryBodyEndpoint() throws Exception {
        for (String path : List.of("/orgs/1/labels", "/ven/activate", "/ven/heartbeat", "/ven/events",
                "/orgs/1/sec_policy/draft/import", "/users")) {
            for (String charset : List.of("bogus", "utf-16", "iso-8859-1", "\"x-unknown\"", "")) {
                var r = raw("POST", path, "application/json; charset=" + charset, "{}", null);
                assertThat(r.statusCode()).as(path + " " + charset + " → " + r.body()).isEqualTo(415);
                assertThat(token(r)).isEqualTo("unsupported_charset");
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            }
        }
        // UTF-8 however spelt is fine, quoted too
        for (String ct : List.of("application/json; charset=utf-8", "application/json; charset=\"UTF-8\"",
                "application/json;charset=us-ascii", "application/json")) {
            var r = raw("POST", "/orgs/1/labels", ct, "{\"key\":\"role\",\"value\":\"cs" + ct.hashCode() + "\"}", ownerAuth);
            assertThat(r.statusCode()).as(ct + " → " + r.body()).isEqualTo(201);
        }
    }

    @Test
    void nulAndControlCharactersInNamesAre406AndLineBreaksInDescriptionsAreFine() {
        Map<String, Object> bad = Map.of(
                "/orgs/1/labels", Map.of("key", "role", "value", "a\u0000b"),
                "/orgs/1/workloads", Map.of("name", "w\u0007"),
                "/orgs/1/sec_policy/draft/services", Map.of("name", "s\tx", "service_ports", List.of(Map.of("proto", 6, "port", 1))),
                "/orgs/1/sec_policy/draft/ip_lists", Map.of("name", "ipl", "description", "a\u0000", "ip_ranges", List.of()),
                "/orgs/1/pairing_profiles", Map.of("name", "p\u001b[31m"));
        for (var e : bad.entrySet()) {
            Resp r = owner.post(e.getKey(), e.getValue());
            assertThat(r.status()).as(e.getKey() + " → " + r).isEqualTo(406);
            assertThat(r.token()).isIn("nul_character", "control_character");
        }
        assertThat(owner.post("/orgs/1/labels", Map.of("key", "role", "value", "a\u0000b")).body().get(0).get("message")
                .asText()).contains("'value'").contains("U+0000");
        assertThat(owner.get("/orgs/1/labels?max_results=1000").body().toString()).doesNotContain("\\u0000");
        Resp ok = owner.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", "multi-line", "description",
                "first line\nsecond\tline", "ip_ranges", List.of(Map.of("from_ip", "192.0.2.0/24"))));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
    }

    @Test
    void deeplyNestedJsonIs406Everywhere() {
        for (int depth : List.of(65, 1000, 20_000)) {
            String deep = "[".repeat(depth) + "]".repeat(depth);
            for (String path : List.of("/orgs/1/labels", "/orgs/1/sec_policy/draft/rule_sets", "/ven/activate", "/orgs/1/sec_policy/draft/import")) {
                Resp r = owner.post(path, "{\"name\":" + deep + "}");
                assertThat(r.status()).as(path + " depth " + depth + " → " + r).isEqualTo(406);
                assertThat(r.token()).isEqualTo("json_too_deep");
            }
        }
    }

    @Test
    void bodiesOverTheCapAre413AndTheImportHasItsOwnHigherCap() throws Exception {
        String big = "{\"key\":\"role\",\"value\":\"" + "x".repeat(70 << 10) + "\"}";
        var r = raw("POST", "/orgs/1/labels", "application/json", big, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(token(r)).isEqualTo("request_too_large");
        assertThat(Api.json(r.body()).get(0).get("message").asText()).contains("--max-request-bytes");
        // 200 KiB is over the general cap but under the import's: the import reads it (and says what is wrong)
        String doc = "{\"labels\":[],\"rule_sets\":[{\"name\":\"big\",\"description\":\"" + "d".repeat(200 << 10)
                + "\",\"scopes\":[[]]}]}";
        var imp = raw("POST", "/orgs/1/sec_policy/draft/import", "application/json", doc, ownerAuth);
        assertThat(imp.statusCode()).as(imp.body()).isNotEqualTo(413).isLessThan(500);
        var tooBig = raw("POST", "/orgs/1/sec_policy/draft/import", "application/json", "x".repeat(2 << 20), null);
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(Api.json(tooBig.body()).get(0).get("message").asText()).contains("--max-import-bytes");
    }

    @Test
    void aChunkedBodyIsBoundedToo() throws Exception {
        int port = server.port();
        String big = "{\"key\":\"role\",\"value\":\"" + "c".repeat(70 << 10) + "\"}";
        assertThat(chunked(port, "/api/v2/orgs/1/labels", big)).startsWith("HTTP/1.1 413").contains("request_too_large");
        String small = "{\"key\":\"role\",\"value\":\"chunked\"}";
        assertThat(chunked(port, "/api/v2/orgs/1/labels", small)).startsWith("HTTP/1.1 201").contains("\"value\":\"chunked\"");
    }

    /** A POST with a chunked body (no Content-Length), on a raw socket; the whole answer as text. */
    static String chunked(int port, String path, String body) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            var out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: " + ownerAuth
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes());
            byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (int i = 0; i < b.length; i += 8192) {
                int n = Math.min(8192, b.length - i);
                out.write((Integer.toHexString(n) + "\r\n").getBytes());
                out.write(b, i, n);
                out.write("\r\n".getBytes());
            }
            out.write("0\r\n\r\n".getBytes());
            out.flush();
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void headersOverTheCapAre431AsJson() throws Exception {
        var r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v2/health")).header("X-Big", "y".repeat(8 << 10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(431);
        assertThat(token(r)).isEqualTo("request_headers_too_large");
        var longPath = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v2/orgs/1/labels/" + "z".repeat(8 << 10)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(longPath.statusCode()).isIn(414, 431);
        assertThat(token(longPath)).isIn("request_uri_too_long", "request_headers_too_large");
    }

    @Test
    void theLimitsRefuseNonsense() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RequestLimits.Limits(10, 1 << 20, 4096))
                .hasMessageContaining("too small");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RequestLimits.Limits(1 << 20, 1 << 10, 4096))
                .hasMessageContaining("import limit");
    }
}
