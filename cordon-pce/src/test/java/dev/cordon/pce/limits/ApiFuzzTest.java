package dev.cordon.pce.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.pce.harness.Api.Resp;
import dev.cordon.pce.harness.PceHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Generated requests over every route {@link dev.cordon.pce.api.Routes} declares (read from its source, so a new
 * route is fuzzed without touching this test), with and without valid credentials: wrong types, huge and deeply
 * nested values, invalid UTF-8, unknown charsets, wrong content types, path tricks, bad ids, oversized headers and
 * bodies. No answer may be a 5xx, every error answer must be the API's JSON error list, and afterwards the org
 * still provisions and answers policy_check.
 *
 * <p>Seeded: {@code -Dcordon.fuzz.seed=N} replays a run, {@code -Dcordon.fuzz.requests=N} changes its length. Requests
 * are sent over a raw socket, one connection each, so nothing in a client library tidies them up.
 */
class ApiFuzzTest {
    private static final ObjectMapper M = new ObjectMapper();
    /** A route declared with a literal path in an endpoint group: {@code get("/api/v2/...", ...)}. */
    private static final Pattern ROUTE = Pattern.compile("(?<![\\w.])(get|post|put|delete)\\(\"(/api/v2/[^\"]*)\"");
    /** A path held in a local variable: {@code String rs = "/api/v2/...";}. */
    private static final Pattern PATH_DECL = Pattern.compile("String (\\w+) = \"(/api/v2/[^\"]+)\";");
    /** A route on such a variable: {@code get(rs, ...)} or {@code put(rs + "/{rid}", ...)}. */
    private static final String VAR_ROUTE = "(?<![\\w.])(get|post|put|delete)\\(%s(?: \\+ \"([^\"]+)\")?,";
    /** The kinds Routes hands to ObjectEndpoints, which declares GET/POST/GET one/PUT/DELETE for each. */
    private static final Pattern CRUD = Pattern.compile("new ObjectEndpoints\\([^;]*?List\\.of\\(([^)]*)\\)");
    private static final Map<String, String> CRUD_COLLECTIONS = Map.of("LABEL", "labels", "WORKLOAD", "workloads",
            "PAIRING_PROFILE", "pairing_profiles");

    record Route(String method, String template) {
        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    record Request(String method, String target, List<String> headers, byte[] body, Route route) {
        String describe() {
            String b = body == null ? "" : new String(body, 0, Math.min(body.length, 300), StandardCharsets.ISO_8859_1);
            String t = target.length() > 300 ? target.substring(0, 300) + "...(" + target.length() + " chars)" : target;
            List<String> h = headers.stream().map(x -> x.length() > 200 ? x.substring(0, 200) + "...(" + x.length() + ")" : x).toList();
            return method + " " + t + " " + h + " body[" + (body == null ? 0 : body.length) + "]=" + b;
        }
    }

    record Answer(int status, String contentType, String body) {}

    /** Every route of the API, read from the sources of {@code pce.api} (Routes and its endpoint groups). */
    static List<Route> routes() throws IOException {
        List<String> sources = new ArrayList<>();
        try (var files = Files.walk(Path.of("src/main/java/dev/cordon/pce/api"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                sources.add(Files.readString(f));
            }
        }
        List<Route> out = new ArrayList<>();
        boolean crudSeen = false;
        for (String src : sources) {
            Matcher m = ROUTE.matcher(src);
            while (m.find()) out.add(new Route(m.group(1).toUpperCase(), m.group(2)));
            Matcher decl = PATH_DECL.matcher(src);
            while (decl.find()) {
                Matcher r = Pattern.compile(String.format(VAR_ROUTE, decl.group(1))).matcher(src);
                while (r.find()) {
                    out.add(new Route(r.group(1).toUpperCase(), decl.group(2) + (r.group(2) == null ? "" : r.group(2))));
                }
            }
            Matcher crud = CRUD.matcher(src);
            while (crud.find()) {
                crudSeen = true;
                for (String k : crud.group(1).split(",")) {
                    String name = k.trim().replaceAll("^\\w+\\.", "");
                    String c = CRUD_COLLECTIONS.get(name);
                    assertThat(c).as("collection of " + name + " (ObjectEndpoints): add it to CRUD_COLLECTIONS").isNotNull();
                    String base = "/api/v2/orgs/{org}/" + c;
                    out.add(new Route("GET", base));
                    out.add(new Route("POST", base));
                    out.add(new Route("GET", base + "/{id}"));
                    out.add(new Route("PUT", base + "/{id}"));
                    out.add(new Route("DELETE", base + "/{id}"));
                }
            }
        }
        assertThat(crudSeen).as("the kinds Routes hands to ObjectEndpoints").isTrue();
        assertThat(out).as("the nested-rules routes").anyMatch(r -> r.template().endsWith("/rule_sets/{id}/{rules}/{rid}"));
        return out;
    }

    @Test
    void noGeneratedRequestGetsA5xxAndTheOrgStillWorks() throws Exception {
        long seed = Long.getLong("cordon.fuzz.seed", 20261202L);
        int count = Integer.getInteger("cordon.fuzz.requests", 10_000);
        System.out.println("ApiFuzzTest seed " + seed + " (replay with -Dcordon.fuzz.seed=" + seed + "), " + count + " requests");
        List<Route> routes = routes();
        assertThat(routes).as("routes read from the endpoint groups").hasSizeGreaterThan(60);
        try (PceHarness pce = PceHarness.h2()) {
            Fixture fx = new Fixture(pce);
            Generator gen = new Generator(new Random(seed), routes, fx);
            Map<Integer, Integer> histogram = new TreeMap<>();
            Map<String, Integer> perRoute = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            Map<Integer, String> examples = new TreeMap<>();
            Map<String, Long> slowest = new TreeMap<>();
            long started = System.nanoTime();
            // a few connections at once, as real clients do; the requests themselves come from the seed, in order
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            Runnable worker = () -> {
                while (true) {
                    int i;
                    Request r;
                    synchronized (gen) {
                        i = next.getAndIncrement();
                        if (i >= count) return;
                        r = gen.next();
                    }
                    Answer a;
                    long t0 = System.nanoTime();
                    try {
                        a = send(pce.server.port(), r);
                    } catch (IOException e) {
                        synchronized (failures) {
                            failures.add("#" + i + " no answer (" + e + "): " + r.describe());
                        }
                        continue;
                    }
                    synchronized (failures) {
                        slowest.merge(r.route().toString(), System.nanoTime() - t0, Long::sum);
                        histogram.merge(a.status(), 1, Integer::sum);
                        examples.putIfAbsent(a.status(), a.body().length() > 200 ? a.body().substring(0, 200) : a.body());
                        perRoute.merge(r.route().toString(), 1, Integer::sum);
                        if (a.status() >= 500) failures.add("#" + i + " " + a.status() + " " + a.body() + " ← " + r.describe());
                        else if (a.status() >= 400 && r.target().startsWith("/api/v2") && !isErrorList(a.body())) {
                            failures.add("#" + i + " " + a.status() + " is not a JSON error list: " + a.body() + " ← " + r.describe());
                        }
                    }
                }
            };
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) threads.add(new Thread(worker, "fuzz-" + t));
            threads.forEach(Thread::start);
            for (Thread t : threads) t.join();
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("ApiFuzzTest: %d requests over %d routes (%d declared) in %.1f s; statuses %s%n", count,
                    perRoute.size(), routes.size(), seconds, histogram);
            examples.forEach((s, b) -> System.out.println("ApiFuzzTest example " + s + ": " + b));
            slowest.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                    .forEach(e -> System.out.printf("ApiFuzzTest time %s: %.1f s%n", e.getKey(), e.getValue() / 1e9));
            failures.stream().limit(30).forEach(f -> System.out.println("ApiFuzzTest FAILED " + f));
            assertThat(failures).as("seed " + seed + ": requests answered 5xx, not as JSON errors, or not at all").isEmpty();
            assertThat(perRoute.keySet()).as("every declared route was fuzzed").hasSize(routes.size());

            // the org still works: a clean draft with one change provisions, and policy_check answers
            assertThat(pce.owner.delete("/orgs/1/sec_policy/pending").status()).isIn(204, 406);
            Resp ipl = pce.owner.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", "after-fuzz",
                    "ip_ranges", List.of(Map.of("from_ip", "198.51.100.0/24"))));
            assertThat(ipl.status()).as(ipl.toString()).isEqualTo(201);
            Resp prov = pce.owner.post("/orgs/1/sec_policy", Map.of("update_description", "after fuzzing"));
            assertThat(prov.status()).as(prov.toString()).isEqualTo(201);
            Resp w = pce.owner.post("/orgs/1/workloads", Map.of("name", "after-fuzz", "interfaces",
                    List.of(Map.of("name", "eth0", "address", "10.7.0.1"))));
            assertThat(w.status()).as(w.toString()).isEqualTo(201);
            Resp check = pce.owner.get("/orgs/1/sec_policy/active/policy_check?src_external_ip=198.51.100.7&dst_workload="
                    + w.body().get("href").asText() + "&port=443&protocol=6");
            assertThat(check.status()).as(check.toString()).isEqualTo(200);
        }
    }

    private static boolean isErrorList(String body) {
        try {
            JsonNode n = M.readTree(body);
            return n != null && n.isArray() && n.size() > 0 && n.get(0).path("token").isTextual()
                    && n.get(0).path("message").isTextual();
        } catch (IOException e) {
            return false;
        }
    }

    /** One request on its own connection: exactly the bytes generated, read until the server closes. */
    static Answer send(int port, Request r) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(30_000);
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            req.write((r.method() + " " + r.target() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            for (String h : r.headers()) req.write((h + "\r\n").getBytes(StandardCharsets.UTF_8));
            if (r.body() != null) req.write(("Content-Length: " + r.body().length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            req.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            out.write(req.toByteArray());
            if (r.body() != null) {
                try {
                    out.write(r.body());
                } catch (IOException e) {
                    // the server may answer (413) and close before reading a huge body: read what it said
                }
            }
            out.flush();
            InputStream in = s.getInputStream();
            byte[] all = in.readAllBytes();
            String text = new String(all, StandardCharsets.UTF_8);
            // interim answers (100 Continue to an Expect header) precede the real one
            while (text.startsWith("HTTP/1.1 1") && text.indexOf("\r\n\r\n") > 0) text = text.substring(text.indexOf("\r\n\r\n") + 4);
            int sp = text.indexOf(' ');
            if (!text.startsWith("HTTP/1.1 ") || sp < 0 || text.length() < sp + 4) throw new IOException("no HTTP answer: " + text);
            int status = Integer.parseInt(text.substring(sp + 1, sp + 4));
            int split = text.indexOf("\r\n\r\n");
            String head = split < 0 ? text : text.substring(0, split);
            String body = split < 0 ? "" : text.substring(split + 4);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) body = dechunk(body);
            String type = null;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-type:")) type = line.substring(13).strip();
            }
            return new Answer(status, type, body);
        }
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int eol = body.indexOf("\r\n", i);
            if (eol < 0) break;
            int size;
            try {
                size = Integer.parseInt(body.substring(i, eol).strip(), 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (size == 0) break;
            out.append(body, eol + 2, Math.min(body.length(), eol + 2 + size));
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }

    /** Real objects of every kind, so generated ids sometimes hit something that exists. */
    static final class Fixture {
        final String owner;
        final String agentToken;
        final String activationCode;
        final String workload;
        final List<String> ids = new ArrayList<>();

        Fixture(PceHarness pce) {
            var api = pce.owner;
            owner = "Basic " + java.util.Base64.getEncoder().encodeToString(readKey(pce).getBytes(StandardCharsets.UTF_8));
            String label = href(api.post("/orgs/1/labels", Map.of("key", "role", "value", "fuzz-web")));
            String app = href(api.post("/orgs/1/labels", Map.of("key", "app", "value", "fuzz-app")));
            workload = href(api.post("/orgs/1/workloads", Map.of("name", "fuzz-w1", "labels", List.of(Map.of("href", label)),
                    "interfaces", List.of(Map.of("name", "eth0", "address", "10.9.0.1")))));
            String ipl = href(api.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", "fuzz-ipl",
                    "ip_ranges", List.of(Map.of("from_ip", "192.0.2.0/24")))));
            String svc = href(api.post("/orgs/1/sec_policy/draft/services", Map.of("name", "fuzz-svc",
                    "service_ports", List.of(Map.of("proto", 6, "port", 443)))));
            String group = href(api.post("/orgs/1/sec_policy/draft/label_groups", Map.of("name", "fuzz-g", "key", "role",
                    "labels", List.of(Map.of("href", label)))));
            String rs = href(api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "fuzz-rs",
                    "scopes", List.of(List.of(Map.of("label", Map.of("href", app)))),
                    "rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", label))),
                            "consumers", List.of(Map.of("ip_list", Map.of("href", ipl))),
                            "ingress_services", List.of(Map.of("href", svc)))))));
            Resp prov = api.post("/orgs/1/sec_policy", Map.of("update_description", "fuzz fixture"));
            assertThat(prov.status()).as(prov.toString()).isEqualTo(201);
            String profile = href(api.post("/orgs/1/pairing_profiles", Map.of("name", "fuzz-pp", "enforcement_mode", "full")));
            String code = api.post(profile + "/pairing_key", Map.of()).body().get("activation_code").asText();
            Resp act = pce.anonymous.post("/ven/activate", Map.of("activation_code", code, "hostname", "fuzz-ven",
                    "interfaces", List.of(Map.of("name", "eth0", "address", "10.9.0.2"))));
            assertThat(act.status()).as(act.toString()).isEqualTo(201);
            agentToken = act.body().get("agent_token").asText();
            activationCode = api.post(profile + "/pairing_key", Map.of()).body().get("activation_code").asText();
            String ven = act.body().get("ven").get("href").asText();
            for (String h : List.of(label, app, workload, ipl, svc, group, rs, profile, ven)) ids.add(h.substring(h.lastIndexOf('/') + 1));
            JsonNode rules = api.get(rs.replace("/draft/", "/draft/") + "/sec_rules").body();
            if (rules != null && rules.size() > 0) {
                String r = rules.get(0).get("href").asText();
                ids.add(r.substring(r.lastIndexOf('/') + 1));
            }
            ids.add("1");
        }

        private static String readKey(PceHarness pce) {
            try {
                return Files.readString(pce.server.ownerKeyFile()).trim();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String href(Resp r) {
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            return r.body().get("href").asText();
        }
    }

    /** Builds request after request from the seed. */
    static final class Generator {
        private final Random rnd;
        private final List<Route> routes;
        private final Fixture fx;
        private int n;

        Generator(Random rnd, List<Route> routes, Fixture fx) {
            this.rnd = rnd;
            this.routes = routes;
            this.fx = fx;
        }

        private <T> T pick(List<T> l) {
            return l.get(rnd.nextInt(l.size()));
        }

        private boolean chance(int percent) {
            return rnd.nextInt(100) < percent;
        }

        Request next() {
            // every route once in order first, then at random
            Route route = n < routes.size() ? routes.get(n) : pick(routes);
            n++;
            String method = chance(5) ? pick(List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "FOO"))
                    : route.method();
            if (method.equals("HEAD")) method = "GET"; // a HEAD answer has no body to check
            String path = path(route.template());
            String target = path + query(route.template());
            List<String> headers = new ArrayList<>();
            auth(route, headers);
            byte[] body = null;
            if (!method.equals("GET") || chance(5)) {
                body = body(route);
                String ct = contentType();
                if (ct != null) headers.add("Content-Type: " + ct);
            }
            if (chance(1)) headers.add("X-Filler: " + "a".repeat(20_000 + rnd.nextInt(20_000)));
            if (chance(2)) headers.add(pick(List.of("Content-Type: application/json; charset=bogus",
                    "Content-Type: application/json; charset=\"utf-16\"", "Content-Type: application/json;charset=",
                    "Accept: */*; charset=bogus", "Content-Encoding: gzip", "Expect: 100-continue")));
            return new Request(method, target, headers, body, route);
        }

        private void auth(Route route, List<String> headers) {
            boolean ven = route.template().startsWith("/api/v2/ven/");
            int k = rnd.nextInt(14);
            String h = switch (k) {
                case 0 -> null;
                case 2 -> "Basic " + java.util.Base64.getEncoder().encodeToString(("api_x:" + rnd.nextInt()).getBytes(StandardCharsets.UTF_8));
                case 3 -> pick(List.of("Basic !!!", "Bearer ", "Bearer x.y", "Basic", "Digest x", "Bearer " + "z".repeat(3000),
                        "Basic " + java.util.Base64.getEncoder().encodeToString(":".getBytes(StandardCharsets.UTF_8))));
                case 4 -> ven ? fx.owner : "Bearer " + fx.agentToken;
                default -> ven ? "Bearer " + fx.agentToken : fx.owner;
            };
            if (h != null) headers.add("Authorization: " + h);
        }

        private String path(String template) {
            StringBuilder out = new StringBuilder();
            Matcher m = Pattern.compile("\\{(\\w+)}").matcher(template);
            int last = 0;
            while (m.find()) {
                out.append(template, last, m.start());
                out.append(param(m.group(1), true)); // the last owner grant cannot be deleted (last_owner_permission)
                last = m.end();
            }
            out.append(template.substring(last));
            String p = out.toString();
            if (chance(8)) p = trick(p);
            return p;
        }

        private String trick(String p) {
            int slash = p.indexOf('/', 1 + rnd.nextInt(Math.max(1, p.length() - 1)));
            String at = slash < 0 ? p : p.substring(0, slash);
            String rest = slash < 0 ? "" : p.substring(slash);
            return switch (rnd.nextInt(12)) {
                case 0 -> at + "/.." + rest;
                case 1 -> at + "/%2e%2e" + rest;
                case 2 -> at + "/" + rest;
                case 3 -> at + "%2F" + rest.replaceFirst("^/", "");
                case 4 -> p + "/";
                case 5 -> p + "/" + "x".repeat(5000 + rnd.nextInt(30_000));
                case 6 -> at + "/%00" + rest;
                case 7 -> at + "/%C3%28%FF" + rest;
                case 8 -> at + "/./" + rest;
                case 9 -> p + "?" + "q=" + "%".repeat(1 + rnd.nextInt(3));
                case 10 -> at + "/;jsessionid=1" + rest;
                default -> "//" + p.substring(1);
            };
        }

        private String param(String name, boolean real) {
            if (chance(70) && (real || !name.equals("id"))) {
                switch (name) {
                    case "org": return chance(90) ? "1" : pick(List.of("2", "0"));
                    case "pv": return pick(List.of("draft", "active", "1", "2", "draft", "active"));
                    case "kind": return pick(List.of("label_groups", "ip_lists", "services", "rule_sets"));
                    case "rules": return pick(List.of("sec_rules", "deny_rules", "ip_tables_rules"));
                    default: return pick(fx.ids);
                }
            }
            return pick(List.of("-1", "0", "abc", "99999999999999999999999", "%2e%2e", "..", "a%2Fb", "%00", "%C3%28",
                    "%FF%FE", "\u00e9t\u00e9".replace("\u00e9", "%C3%A9"), "x".repeat(2000), "1e9", "0x10", " ", "%20",
                    "null", "true", "[]", "%7B%7D", "draft", "active", "unpair", "me", "-0", "1.5", "%25"));
        }

        private String query(String template) {
            if (!chance(40)) return "";
            List<String> q = new ArrayList<>();
            int k = 1 + rnd.nextInt(4);
            List<String> names = List.of("max_results", "name", "hostname", "key", "value", "external_data_set",
                    "external_data_reference", "event_type", "severity", "timestamp[gte]", "timestamp[lte]", "managed",
                    "enforcement_mode", "os_type", "status", "ven_type", "known_hash", "wait_seconds", "src_workload",
                    "dst_workload", "src_external_ip", "dst_external_ip", "port", "protocol", "representation", "x");
            for (int i = 0; i < k; i++) {
                String name = pick(names);
                String v = pick(List.of("1", "-1", "0", "abc", "99999999999", "2147483648", "", "%00", "%C3%28", "10.0.0.1",
                        "::1", "10.0.0.0/8", "fuzz-w1", fx.workload, "tcp", "6", "65536", "true", "x".repeat(3000),
                        "2026-01-01T00:00:00Z", "not-a-time", "%25", "%2e%2e%2f", "%20"));
                // a valid long-poll wait would park the request: only invalid waits are sent
                if (name.equals("wait_seconds")) v = pick(List.of("-1", "301", "abc", "99999999999", "1.5", "%00"));
                q.add(name + "=" + v);
            }
            if (template.endsWith("/ven/policy") && !q.stream().anyMatch(s -> s.startsWith("wait_seconds="))) {
                q.add("wait_seconds=0");
            }
            return "?" + String.join("&", q);
        }

        private String contentType() {
            return switch (rnd.nextInt(32)) {
                case 0 -> null;
                case 1 -> "text/plain";
                case 2 -> "application/json; charset=bogus";
                case 3 -> "application/json; charset=utf-16";
                case 4 -> "application/json; charset=iso-8859-1";
                case 5 -> "multipart/form-data; boundary=x";
                case 6 -> "application/x-www-form-urlencoded";
                case 7 -> "application/json; charset=\"UTF-8\"";
                case 8 -> "application/json; charset=utf-8; charset=x-unknown-" + rnd.nextInt(100);
                case 9 -> "}{;;==";
                case 10 -> "application/json; charset=" + "u".repeat(300);
                default -> "application/json";
            };
        }

        private byte[] body(Route route) {
            int k = rnd.nextInt(100);
            if (k < 5) return new byte[0];
            if (k < 10) return pick(List.of("not json", "{", "[", "{\"a\":}", "nul", "\"str\"", "12", "null", "{}{}",
                    "{\"a\":1,\"a\":2}", "\uFEFF{}")).getBytes(StandardCharsets.UTF_8);
            if (k < 15) return invalidUtf8(template(route));
            if (k < 20) return deep(pick(List.of(50, 63, 64, 65, 200, 5_000, 100_000)));
            if (k < 21) return huge(chance(20) ? 17 << 20 : 1 + rnd.nextInt(2 << 20));
            JsonNode t = M.valueToTree(template(route));
            if (k < 35) return bytes(t);
            return bytes(mutate(t, 1 + rnd.nextInt(3)));
        }

        private byte[] bytes(JsonNode n) {
            return n.toString().getBytes(StandardCharsets.UTF_8);
        }

        private byte[] invalidUtf8(Object template) {
            byte[] json = M.valueToTree(template).toString().getBytes(StandardCharsets.UTF_8);
            byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}};
            byte[] ins = bad[rnd.nextInt(bad.length)];
            int quote = -1;
            for (int i = 0; i < json.length; i++) if (json[i] == '"' && rnd.nextInt(4) == 0) { quote = i; break; }
            int at = quote < 0 ? json.length / 2 : quote + 1;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(json, 0, at);
            out.write(ins, 0, ins.length);
            out.write(json, at, json.length - at);
            return out.toByteArray();
        }

        private byte[] deep(int depth) {
            StringBuilder b = new StringBuilder();
            boolean obj = chance(50);
            if (chance(50)) b.append("{\"name\":");
            for (int i = 0; i < depth; i++) b.append(obj ? "{\"a\":" : "[");
            b.append("1");
            for (int i = 0; i < depth; i++) b.append(obj ? "}" : "]");
            if (b.charAt(0) == '{' && b.indexOf("{\"name\":") == 0) b.append("}");
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }

        private byte[] huge(int size) {
            StringBuilder b = new StringBuilder(size + 40).append("{\"name\":\"");
            while (b.length() < size) b.append("abcdefghij");
            return b.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
        }

        private JsonNode mutate(JsonNode n, int times) {
            JsonNode root = n.deepCopy();
            for (int i = 0; i < times; i++) root = mutateOnce(root);
            return root;
        }

        private JsonNode mutateOnce(JsonNode root) {
            if (!root.isContainerNode() || root.size() == 0 || chance(10)) return badValue();
            var container = root;
            // walk down a random branch
            while (true) {
                List<String> fields = new ArrayList<>();
                container.fieldNames().forEachRemaining(fields::add);
                int size = container.size();
                if (size == 0) break;
                JsonNode child = container.isObject() ? container.get(pick(fields)) : container.get(rnd.nextInt(size));
                if (!child.isContainerNode() || child.size() == 0 || chance(40)) break;
                container = child;
            }
            if (container.isObject()) {
                var o = (com.fasterxml.jackson.databind.node.ObjectNode) container;
                List<String> fields = new ArrayList<>();
                o.fieldNames().forEachRemaining(fields::add);
                int a = rnd.nextInt(10);
                if (a == 0) o.set("unknown_" + rnd.nextInt(5), badValue());
                else if (a == 1 && !fields.isEmpty()) o.remove(pick(fields));
                else if (!fields.isEmpty()) o.set(pick(fields), badValue());
            } else {
                var arr = (com.fasterxml.jackson.databind.node.ArrayNode) container;
                if (chance(50) && arr.size() > 0) arr.set(rnd.nextInt(arr.size()), badValue());
                else arr.add(badValue());
            }
            return root;
        }

        private JsonNode badValue() {
            var f = M.getNodeFactory();
            return switch (rnd.nextInt(24)) {
                case 0 -> f.nullNode();
                case 1 -> f.booleanNode(rnd.nextBoolean());
                case 2 -> f.numberNode(rnd.nextInt());
                case 3 -> f.numberNode(new java.math.BigInteger("18446744073709551617"));
                case 4 -> f.numberNode(-1);
                case 5 -> f.numberNode(1.5);
                case 6 -> f.numberNode(new java.math.BigDecimal("1e400"));
                case 7 -> f.textNode("");
                case 8 -> f.textNode("a\u0000b");
                case 9 -> f.textNode("x".repeat(1 + rnd.nextInt(200_000)));
                case 10 -> f.textNode("\u202e\ud83d\ude00\u0007\u001b[31m");
                case 11 -> f.arrayNode();
                case 12 -> f.objectNode();
                case 13 -> f.textNode("/orgs/1/workloads/" + pick(fx.ids));
                case 14 -> f.textNode("/orgs/1/../../etc/passwd");
                case 15 -> f.objectNode().put("href", pick(List.of("/orgs/1/labels/" + pick(fx.ids), "x", "", "/orgs/2/labels/1")));
                case 16 -> f.textNode("10.0.0.5/24");
                case 17 -> f.textNode(pick(List.of("::", "0.0.0.0/0", "256.1.1.1", "fe80::1%eth0", "1.5")));
                case 18 -> {
                    var a = f.arrayNode();
                    for (int i = 0; i < 1 + rnd.nextInt(3000); i++) a.add(i);
                    yield a;
                }
                case 19 -> f.numberNode(Long.MAX_VALUE);
                case 20 -> f.textNode(pick(List.of("draft", "active", "full", "idle", "server", "endpoint", "tcp", "6")));
                case 21 -> {
                    var o = f.objectNode();
                    o.set("a", f.arrayNode().add(f.objectNode().set("b", f.arrayNode())));
                    yield o;
                }
                case 22 -> f.numberNode(65536);
                default -> f.textNode("fuzz-" + rnd.nextInt(1000));
            };
        }

        /** A plausible body for a route, which mutations then spoil. */
        private Object template(Route route) {
            String t = route.template();
            String u = "fz" + rnd.nextInt(1_000_000);
            if (t.endsWith("/ven/activate")) return Map.of("activation_code", chance(50) ? fx.activationCode : "nope",
                    "hostname", u, "interfaces", List.of(Map.of("name", "eth0", "address", "10.9." + rnd.nextInt(256) + ".1",
                            "cidr_block", 24)), "os_type", "linux", "ven_type", "server", "version", "0.1");
            if (t.endsWith("/ven/heartbeat")) return Map.of("applied_hash", "abc", "sync_state", "applied",
                    "health", List.of(Map.of("type", "t", "severity", "info", "message", "m")));
            if (t.endsWith("/ven/goodbye")) return Map.of("reason", "shutdown", "applied_hash", "abc");
            if (t.endsWith("/ven/events")) return List.of(Map.of("event_type", "agent.tampering", "status", "success",
                    "info", Map.of("k", "v")));
            if (t.endsWith("/labels") || t.endsWith("/labels/{id}")) return Map.of("key", pick(List.of("role", "app", "env", "loc", u)), "value", u);
            if (t.contains("/workloads")) return Map.of("name", u, "hostname", u, "interfaces",
                    List.of(Map.of("name", "eth0", "address", "10.8." + rnd.nextInt(256) + ".1")));
            if (t.contains("/pairing_profiles")) return Map.of("name", u, "enforcement_mode", "idle");
            if (t.endsWith("/vens/unpair")) return Map.of("vens", List.of(Map.of("href", "/orgs/1/vens/" + pick(fx.ids))),
                    "firewall_restore", "default");
            if (t.contains("/vens/")) return Map.of("name", u, "description", "d");
            if (t.contains("/{rules}")) return Map.of("providers", List.of(Map.of("actors", "ams")),
                    "consumers", List.of(Map.of("actors", "ams")), "ingress_services", List.of(Map.of("proto", 6, "port", 80)));
            if (t.endsWith("/firewall_settings")) return Map.of("firewall_coexistence", List.of());
            if (t.endsWith("/draft/import")) return Map.of("labels", List.of(), "rule_sets", List.of(Map.of("name", u,
                    "scopes", List.of(List.of()))));
            if (t.contains("/{kind}")) return pick(List.of(
                    Map.of("name", u, "ip_ranges", List.of(Map.of("from_ip", "192.0.2.0/24"))),
                    Map.of("name", u, "service_ports", List.of(Map.of("proto", 6, "port", 8080))),
                    Map.of("name", u, "key", "role", "labels", List.of()),
                    Map.of("name", u, "scopes", List.of(List.of()))));
            if (t.endsWith("/sec_policy")) return Map.of("update_description", u);
            if (t.contains("/permissions")) return Map.of("role", Map.of("href", "/orgs/1/roles/read_only"),
                    "scope", List.of(), "auth_security_principal", Map.of("href", "/users/1"));
            if (t.contains("/api_keys")) return Map.of("name", u, "description", "d");
            if (t.endsWith("/users")) return Map.of("username", u + "@example.com");
            return Map.of("name", u);
        }
    }
}
