package dev.cordon.cli.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.cli.Main;
import dev.cordon.pce.PceServer;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.PceHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordon traffic query} against a real PCE (in-process, plain HTTP on loopback) holding flows two VENs
 * uploaded through the VEN endpoint exactly as {@code cordon ven} does: the table, the filters, {@code --json}, and
 * every error a user can cause, each a one-line {@code token: message} with its exit code. The HTTPS case runs
 * against a PCE with its self-signed certificate.
 */
class TrafficQueryCliTest {
    static final ObjectMapper M = new ObjectMapper();
    static PceHarness pce;
    static String url;
    static Path keyFile;
    static String ruleHref;
    static long version;

    @BeforeAll
    static void pceWithFlows() throws Exception {
        pce = PceHarness.h2();
        url = "http://127.0.0.1:" + pce.server.port();
        keyFile = pce.server.ownerKeyFile();
        Api api = pce.owner;
        String web = api.post("/orgs/1/labels", Map.of("key", "role", "value", "web")).body().get("href").asText();
        String db = api.post("/orgs/1/labels", Map.of("key", "role", "value", "db")).body().get("href").asText();
        Api.Resp rs = api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "shop", "scopes", List.of(List.of()),
                "rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", db))),
                        "consumers", List.of(Map.of("label", Map.of("href", web))),
                        "ingress_services", List.of(Map.of("proto", 6, "port", 5432))))));
        assertThat(rs.status()).as(rs.toString()).isEqualTo(201);
        ruleHref = rs.body().get("rules").get(0).get("href").asText().replace("/draft/", "/active/");
        Api.Resp provisioned = api.post("/orgs/1/sec_policy", Map.of("update_description", "cli test"));
        assertThat(provisioned.status()).isEqualTo(201);
        version = provisioned.body().get("version").asLong();
        String webToken = activate(web, "full", "web", "10.90.0.1");
        String dbToken = activate(db, "full", "db", "10.90.0.2");
        String t0 = Instant.now().minus(Duration.ofMinutes(5)).toString();
        String t1 = Instant.now().minus(Duration.ofMinutes(4)).toString();
        upload(webToken, List.of(flow("outbound", "10.90.0.1", "10.90.0.2", 6, 5432, "allowed", ruleHref, 3, t0, t1),
                flow("outbound", "10.90.0.1", "10.90.0.3", 17, 53, "unknown", null, 2, t0, t1)));
        upload(dbToken, List.of(flow("inbound", "10.90.0.2", "10.90.0.1", 6, 5432, "allowed", ruleHref, 3, t0, t1),
                flow("inbound", "10.90.0.2", "198.51.100.7", 6, 22, "blocked", null, 1, t0, t1)));
    }

    @AfterAll
    static void stop() {
        if (pce != null) pce.close();
    }

    @Test
    void theTableShowsEachFlowWithItsDecisionRuleAndReportingEnd() {
        Run r = run("traffic", "query", "--pce", url, "--api-key-file", keyFile.toString(), "--since", "1h");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("SOURCE", "DESTINATION", "SERVICE", "REPORTED", "DECISION", "RULE", "CONNS", "LAST SEEN");
        String allowedIn = line(r.out, "5432/tcp", "by dst");
        assertThat(allowedIn).contains("web (10.90.0.1)", "db (10.90.0.2)", "allowed", "sec_rules/1 in 'shop'", " 3 ");
        assertThat(line(r.out, "5432/tcp", "by src")).contains("allowed", "sec_rules/1 in 'shop'");
        assertThat(line(r.out, "22/tcp", "by dst")).contains("198.51.100.7", "blocked", "(mode default)");
        assertThat(line(r.out, "53/udp", "by src")).contains("unknown", "(accepted_outside_cordon)");
        assertThat(r.out).contains("4 flow records, 9 connections");
    }

    @Test
    void filtersBySourceDestinationServiceAndDecision() throws Exception {
        List<JsonNode> toDb = json(run("traffic", "query", "--pce", url, "--api-key-file", keyFile.toString(),
                "--dst", "role=db", "--port", "5432", "--proto", "tcp", "--json"));
        assertThat(toDb).hasSize(2).allSatisfy(f -> {
            assertThat(f.at("/dst/ip").asText()).isEqualTo("10.90.0.2");
            assertThat(f.at("/service/port").asInt()).isEqualTo(5432);
            assertThat(f.at("/rule/href").asText()).endsWith("/rule_sets/1/sec_rules/1");
        });
        assertThat(json(run("traffic", "query", "--pce", url, "--api-key-file", keyFile.toString(), "--decision",
                "blocked", "--json"))).singleElement().satisfies(f -> assertThat(f.at("/src/ip").asText()).isEqualTo("198.51.100.7"));
        assertThat(json(run("traffic", "query", "--pce", url, "--api-key-file", keyFile.toString(), "--src", "198.51.100.7",
                "--src", "web,role=web", "--proto", "udp", "--json"))).singleElement()
                .satisfies(f -> assertThat(f.path("policy_decision").asText()).isEqualTo("unknown"));
        assertThat(json(run("traffic", "query", "--pce", url, "--api-key", Files.readString(keyFile).trim(), "--dst", "db",
                "--decision", "allowed,blocked", "--json"))).hasSize(3);
        Run none = run("traffic", "query", "--pce", url, "--api-key-file", keyFile.toString(), "--port", "1-10");
        assertThat(none.code).as(none.err).isZero();
        assertThat(none.out).startsWith("No flows matched from ");
        Run old = run("traffic", "query", "--pce", url, "--api-key-file", keyFile.toString(), "--since",
                "2026-01-01T00:00:00Z", "--until", "2026-01-02T00:00:00Z");
        assertThat(old.out).startsWith("No flows matched from 2026-01-01T00:00:00Z to 2026-01-02T00:00:00Z");
    }

    @Test
    void everyMistakeIsOneLineNamingWhatToFix() throws Exception {
        String key = keyFile.toString();
        expectError(2, "invalid_decision: --decision 'maybe'", "--pce", url, "--api-key-file", key, "--decision", "maybe");
        expectError(2, "unknown_label: --src role=nope", "--pce", url, "--api-key-file", key, "--src", "role=nope");
        expectError(2, "unknown_filter: --dst 'nobody'", "--pce", url, "--api-key-file", key, "--dst", "nobody");
        expectError(2, "invalid_port: --port '70000'", "--pce", url, "--api-key-file", key, "--port", "70000");
        expectError(2, "invalid_proto: --proto 'tpc'", "--pce", url, "--api-key-file", key, "--proto", "tpc");
        expectError(2, "invalid_time: --since 'yesterday'", "--pce", url, "--api-key-file", key, "--since", "yesterday");
        expectError(2, "invalid_window:", "--pce", url, "--api-key-file", key, "--since", "1h", "--until", "2h");
        expectError(2, "insecure_pce_url:", "--pce", "http://192.0.2.10:8443", "--api-key-file", key);
        expectError(2, "invalid_pce_url:", "--pce", "ftp://127.0.0.1", "--api-key-file", key);
        expectError(2, "invalid_api_key:", "--pce", url, "--api-key", "no-colon");
        expectError(2, "unreadable_api_key_file:", "--pce", url, "--api-key-file", "/nonexistent/owner-api-key");
        expectError(1, "unauthorized:", "--pce", url, "--api-key", "api_x:wrong");
        // the PCE's own 406 comes through with its token and message
        expectError(2, "unknown_ip_list:", "--pce", url, "--api-key-file", key, "--src", "/orgs/1/sec_policy/active/ip_lists/999");
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        expectError(1, "pce_unreachable:", "--pce", "http://127.0.0.1:" + free, "--api-key-file", key);
        Run missing = run("traffic", "query");
        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err).contains("--pce");
        Run help = run("traffic", "query", "--help");
        assertThat(help.code).isZero();
        assertThat(help.out).contains("--src", "--dst", "--port", "--proto", "--decision", "--since", "--json",
                "--api-key-file", "--ca-cert", "Examples:", "key=value");
    }

    /** HTTPS: the PCE's self-signed certificate is trusted with --ca-cert, and refused (clearly) without it. */
    @Test
    void httpsNeedsThePcesCertificate(@TempDir Path dir) throws Exception {
        PceServer tls = new PceServer(new PceServer.Config(dir, null, "127.0.0.1", 0, false),
                new PrintStream(new ByteArrayOutputStream())).start();
        try {
            String https = "https://127.0.0.1:" + tls.port();
            String key = tls.ownerKeyFile().toString();
            Run ok = run("traffic", "query", "--pce", https, "--api-key-file", key, "--ca-cert", tls.certificateFile().toString());
            assertThat(ok.code).as(ok.err).isZero();
            assertThat(ok.out).startsWith("No flows matched");
            Run untrusted = run("traffic", "query", "--pce", https, "--api-key-file", key);
            assertThat(untrusted.code).isEqualTo(1);
            assertThat(untrusted.err).startsWith("tls_untrusted:").contains("--ca-cert");
            Path notPem = dir.resolve("not.pem");
            Files.writeString(notPem, "hello");
            Run bad = run("traffic", "query", "--pce", https, "--api-key-file", key, "--ca-cert", notPem.toString());
            assertThat(bad.code).isEqualTo(2);
            assertThat(bad.err).startsWith("invalid_ca_cert:");
        } finally {
            tls.stop();
        }
    }

    static void expectError(int code, String start, String... args) {
        List<String> a = new ArrayList<>(List.of("traffic", "query"));
        a.addAll(List.of(args));
        Run r = run(a.toArray(String[]::new));
        assertThat(r.code).as("exit code of %s: %s", a, r.err).isEqualTo(code);
        assertThat(r.err).as("%s", a).startsWith(start);
        assertThat(r.err.strip().lines().count()).as("one line: %s", r.err).isEqualTo(1);
        assertThat(r.err).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out).isEmpty();
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    static List<JsonNode> json(Run r) throws Exception {
        assertThat(r.code).as(r.err).isZero();
        List<JsonNode> out = new ArrayList<>();
        M.readTree(r.out).forEach(out::add);
        return out;
    }

    static String line(String table, String... parts) {
        return table.lines().filter(l -> List.of(parts).stream().allMatch(l::contains)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + List.of(parts) + " in\n" + table));
    }

    static String activate(String label, String mode, String hostname, String ip) {
        Api.Resp p = pce.owner.post("/orgs/1/pairing_profiles", Map.of("name", "p-" + hostname, "enforcement_mode", mode,
                "labels", List.of(Map.of("href", label))));
        Api.Resp key = pce.owner.post(p.body().get("href").asText() + "/pairing_key", Map.of());
        Api.Resp a = pce.anonymous.post("/ven/activate", Map.of("activation_code", key.body().get("activation_code").asText(),
                "hostname", hostname, "interfaces", List.of(Map.of("name", "eth0", "address", ip)),
                "os_type", "linux", "ven_type", "server", "version", "0.1.0"));
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        return a.body().get("agent_token").asText();
    }

    static Map<String, Object> flow(String direction, String local, String peer, int proto, int port, String decision,
                                    String rule, long conns, String first, String last) {
        Map<String, Object> f = new HashMap<>();
        f.put("direction", direction);
        f.put("local_ip", local);
        f.put("peer_ip", peer);
        f.put("proto", proto);
        f.put("port", port);
        f.put("decision", decision);
        if (decision.equals("unknown")) f.put("reason", "accepted_outside_cordon");
        if (rule != null) f.put("rule_href", rule);
        f.put("policy_version", version);
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

    /** One batch as the VEN uploads it (its agent token, seq 1). */
    static void upload(String token, List<Map<String, Object>> flows) throws Exception {
        String body = M.writeValueAsString(Map.of("seq", 1, "dropped", Map.of("kernel", 0, "aggregator", 0, "spool", 0),
                "flows", flows));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/api/v2/ven/traffic"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
