package dev.cordon.pce.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.PceServer;
import dev.cordon.pce.core.Json;
import dev.cordon.policy.gen.OrgGenerator;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Workload;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code cordon bench api}: one PCE (plain HTTP on loopback; H2 in a temporary directory, or an empty PostgreSQL
 * database), an org seeded with {@link OrgGenerator} through the import API and provisioned, then N concurrent clients
 * each sending a mix of the calls an operator's tools send: reads (labels, workloads, rule sets, events), writes (label
 * and IP list create and update), {@code policy_check} on draft and active, and a provision every so often.
 *
 * <p>Prints one JSON line per call kind (count, errors, p50/p99/max), the baseline — the same clients asking
 * {@code GET /api/v2/health} as fast as they can, which is what this load generator can do on this machine — and a
 * summary with the ratios. Progress goes to standard error.
 *
 * <p>The PCE runs in a child JVM ({@link ApiBenchServer}), so that the clients' threads and garbage do not share its
 * heap and a profiler can attach to the PCE alone (its pid is printed on standard error).
 */
public final class ApiBench {
    /** How the run is sized; {@code seconds} or {@code requests} (the other 0) bounds the mixed phase. */
    public record Options(int workloads, int rules, int clients, int seconds, int requests, long seed,
                          int provisionIntervalMs, String dbUrl, List<String> pceJvmArgs) {
        public Options {
            if (workloads < 2) throw new IllegalArgumentException("--workloads must be at least 2, not " + workloads + ".");
            if (rules < 4) throw new IllegalArgumentException("--rules must be at least 4, not " + rules + ".");
            if (clients < 1 || clients > 1000) {
                throw new IllegalArgumentException("--clients must be from 1 to 1000, not " + clients + ".");
            }
            if ((seconds > 0) == (requests > 0)) {
                throw new IllegalArgumentException("Give exactly one of --seconds and --requests, each at least 1.");
            }
            if (provisionIntervalMs < 100) {
                throw new IllegalArgumentException("--provision-interval-ms must be at least 100, not " + provisionIntervalMs + ".");
            }
            if (dbUrl != null && !dbUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("--db-url must be a jdbc:postgresql://host:port/db URL of an empty"
                        + " database (leave it out for H2 in a temporary directory).");
            }
            pceJvmArgs = pceJvmArgs == null ? List.of() : List.copyOf(pceJvmArgs);
        }
    }

    private final PrintStream out;
    private final PrintStream progress;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();

    public ApiBench(PrintStream out, PrintStream progress) {
        this.out = out;
        this.progress = progress;
    }

    public void run(Options o) {
        ChildPce.run(o.pceJvmArgs(), o.dbUrl(), pce -> {
            progress.println("bench api: PCE pid " + pce.pid() + " on port " + pce.port()
                    + (o.dbUrl() == null ? " (H2 in a temporary directory)" : " (" + redact(o.dbUrl()) + ")"));
            measure(new Api(http, pce.base() + "/api/v2",
                    "Basic " + Base64.getEncoder().encodeToString(pce.ownerKey().getBytes(StandardCharsets.UTF_8))), o);
        });
    }

    private void measure(Api api, Options o) {
        long t0 = System.nanoTime();
        progress.println("bench api: seeding " + o.workloads() + " workloads and " + o.rules() + " rules ...");
        PolicyDocument doc = OrgGenerator.generate(o.workloads(), o.rules(), o.seed());
        api.expect("POST", "/orgs/1/sec_policy/draft/import", Json.write(doc), 200);
        api.expect("POST", "/orgs/1/sec_policy", "{\"update_description\":\"bench api seed\"}", 201);
        line(Json.object().put("phase", "seed").put("workloads", o.workloads()).put("labels", doc.labelsOrEmpty().size())
                .put("rule_sets", doc.ruleSetsOrEmpty().size()).put("rules", o.rules())
                .put("seconds", round((System.nanoTime() - t0) / 1e9)));

        List<String> workloads = doc.workloadsOrEmpty().stream().map(Workload::href).toList();
        // the first policy_check of each kind builds its engine from the whole org; a PCE in service has built it
        // long before, so it is done (and reported) here, outside the measured phase, instead of 50 clients
        // queueing behind it in their first second
        ObjectNode warm = Json.object().put("phase", "warm_up");
        for (String pv : List.of("draft", "active")) {
            long w0 = System.nanoTime();
            api.expect("GET", "/orgs/1/sec_policy/" + pv + "/policy_check?src_workload=" + Api.q(workloads.get(0))
                    + "&dst_workload=" + Api.q(workloads.get(workloads.size() - 1)) + "&protocol=tcp&port=443", null, 200);
            warm.put("first_policy_check_" + pv + "_ms", ms(System.nanoTime() - w0));
        }
        line(warm);
        ApiLoad load = new ApiLoad(api, workloads, o.seed(), o.provisionIntervalMs());
        progress.println("bench api: baseline, " + o.clients() + " clients on GET /health ...");
        ApiLoad.Result base = load.run(o.clients(), Math.min(o.seconds(), 5), o.requests(), true, progress);
        ApiLoad.Stats health = base.stats().get("health");
        line(Json.object().put("phase", "baseline_health").put("clients", o.clients()).put("count", health.count())
                .put("errors", health.errors()).put("per_second", round(health.count() / base.seconds()))
                .put("p50_ms", ms(health.p50())).put("p99_ms", ms(health.p99())).put("max_ms", ms(health.max())));

        progress.println("bench api: mixed load, " + o.clients() + " clients, "
                + (o.seconds() > 0 ? o.seconds() + " s" : o.requests() + " requests") + " ...");
        ApiLoad.Result mixed = load.run(o.clients(), o.seconds(), o.requests(), false, progress);
        long total = 0;
        long errors = 0;
        for (Map.Entry<String, ApiLoad.Stats> e : mixed.stats().entrySet()) {
            ApiLoad.Stats s = e.getValue();
            total += s.count();
            errors += s.errors();
            ObjectNode n = Json.object().put("phase", "call").put("call", e.getKey()).put("clients", o.clients())
                    .put("count", s.count()).put("errors", s.errors()).put("p50_ms", ms(s.p50()))
                    .put("p99_ms", ms(s.p99())).put("max_ms", ms(s.max()));
            if (health.p99() > 0) n.put("p99_over_health_p99", Math.round(100.0 * s.p99() / health.p99()) / 100.0);
            if (s.firstError() != null) n.put("first_error", s.firstError());
            line(n);
        }
        double rate = total / mixed.seconds();
        double baseRate = health.count() / base.seconds();
        line(Json.object().put("phase", "summary").put("clients", o.clients()).put("seconds", round(mixed.seconds()))
                .put("count", total).put("errors", errors).put("per_second", round(rate))
                .put("baseline_per_second", round(baseRate))
                .put("baseline_over_load_rate", rate > 0 ? Math.round(100.0 * baseRate / rate) / 100.0 : 0));
    }

    private void line(ObjectNode fields) {
        ObjectNode n = Json.object().put("bench", "api");
        n.setAll(fields);
        out.println(n);
        out.flush();
    }

    static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    private static double round(double d) {
        return Math.round(d * 10) / 10.0;
    }

    private static String redact(String url) {
        return url.replaceAll("password=[^&]*", "password=***");
    }

    /** The admin API as the bench calls it: blocking calls, one shared client (its connection pool). */
    record Api(HttpClient http, String base, String auth) {
        HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .header("Authorization", auth);
            if (body != null) b.header("Content-Type", "application/json");
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        JsonNode expect(String method, String path, String body, int status) {
            try {
                HttpResponse<String> r = send(method, path, body);
                if (r.statusCode() != status) {
                    throw new IllegalStateException(method + " " + path + " → " + r.statusCode() + " " + r.body());
                }
                return r.body().isEmpty() ? Json.object() : Json.parse(r.body());
            } catch (IOException e) {
                throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        static String q(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }
    }

    /** The PCE side, in its own process: prints "port key" (or "error message"), stops when its input ends. */
    public static final class ApiBenchServer {
        public static void main(String[] args) throws IOException {
            ServedPce.serve("cordon-bench-api", args.length > 0 ? args[0] : null, (pce, key) -> { });
        }
    }
}
