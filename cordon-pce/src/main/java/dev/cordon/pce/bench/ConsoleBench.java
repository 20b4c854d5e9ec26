package dev.cordon.pce.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.Json;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.PolicyDocument;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * {@code cordon bench console}: one PCE (its own JVM, H2 in a temporary directory) seeded in that process by
 * {@link ConsoleSeed} with an org of {@code --labels} labels and {@code --workloads} workloads, a console session
 * signed in with the owner's key, then every picker search and list page asked {@code --samples} times over HTTP
 * through the real console (after two unmeasured asks). Each console answer is timed beside its baseline measured in
 * the same run, in alternating blocks: the API call that answers the same question (the same filter, or one page of
 * 50 of the same collection), so the line's {@code p50_over_api_p50} is the console's own cost (calling the API over
 * loopback, naming objects, rendering HTML); {@code cpu_console_over_api} is the same comparison in the PCE
 * process's CPU time per answer, which a loaded machine distorts less than wall time. One JSON line per measure,
 * the goal (500 ms) and whether its p99 meets it, and the load average.
 */
public final class ConsoleBench {
    static final double GOAL_MS = 500;

    public record Options(int labels, int workloads, int rules, int samples, long seed) {
        public Options {
            if (workloads < 2) throw new IllegalArgumentException("--workloads must be at least 2, not " + workloads + ".");
            if (labels < 1) throw new IllegalArgumentException("--labels must be at least 1, not " + labels + ".");
            if (samples < 3) throw new IllegalArgumentException("--samples must be at least 3, not " + samples + ".");
            if (rules < 4) throw new IllegalArgumentException("--rules must be at least 4, not " + rules + ".");
        }
    }

    /** One console answer and the API call it is compared with. */
    record Measure(String name, String console, String api, int samples) {
        Measure(String name, String console, String api) {
            this(name, console, api, 0);
        }
    }

    /**
     * Samples of the rule set list's conflict markers (the fragment it loads after itself): each costs the draft's
     * {@code rule_conflicts} over every rule, seconds at 1,000 rules, so a few samples keep the bench short.
     */
    static final int MARKER_SAMPLES = 3;

    private final PrintStream out;
    private final PrintStream progress;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();

    public ConsoleBench(PrintStream out, PrintStream progress) {
        this.out = out;
        this.progress = progress;
    }

    public void run(Options o) {
        long t0 = System.nanoTime();
        progress.println("bench console: starting a PCE seeded with " + o.workloads() + " workloads and " + o.labels()
                + " labels (in its own process, see ConsoleSeed) ...");
        ChildPce.run(List.of("-Xmx4g"), ConsoleSeed.class, List.of(Integer.toString(o.labels()),
                Integer.toString(o.workloads()), Integer.toString(o.rules()), Long.toString(o.seed())), pce -> {
            progress.println("bench console: PCE pid " + pce.pid() + " on port " + pce.port());
            double seedSeconds = (System.nanoTime() - t0) / 1e9;
            // CPU seconds of the PCE process up to here: what the seeding cost, whatever else loads the machine
            double cpu = ProcessHandle.of(pce.pid()).flatMap(h -> h.info().totalCpuDuration()).map(d -> d.toMillis() / 1000.0)
                    .orElse(-1.0);
            measure(pce.base(), pce.ownerKey(), pce.pid(), o, seedSeconds, cpu);
        });
        // the whole command's wall time, so a quiet-machine run can be planned (seeding included)
        line(Json.object().put("phase", "done").put("seconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0)
                .put("samples", o.samples()).put("load_average", load()));
    }

    private void measure(String base, String ownerKey, long pid, Options o, double seedSeconds, double seedCpu) {
        String auth = "Basic " + Base64.getEncoder().encodeToString(ownerKey.getBytes(StandardCharsets.UTF_8));
        ApiBench.Api api = new ApiBench.Api(http, base + "/api/v2", auth);
        long labels = total(api, "/orgs/1/labels?max_results=1");
        long workloads = total(api, "/orgs/1/workloads?max_results=1");
        line(Json.object().put("phase", "seed").put("labels", labels).put("workloads", workloads)
                .put("seconds", Math.round(seedSeconds * 10) / 10.0).put("pce_cpu_seconds", Math.round(seedCpu * 10) / 10.0)
                .put("load_average", load()));

        String cookie = signIn(base, ownerKey);
        String mid = "host-" + (o.workloads() / 2);
        List<Measure> all = List.of(
                new Measure("picker_label", "/console/pick?kinds=label&q=tag-77", "/orgs/1/labels?value=tag-77&max_results=8"),
                new Measure("picker_label_key_value", "/console/pick?kinds=label&q=" + enc("role=we"), "/orgs/1/labels?key=role&value=we&max_results=8"),
                new Measure("picker_workload", "/console/pick?kinds=workload&q=" + mid, "/orgs/1/workloads?name=" + mid + "&max_results=8"),
                new Measure("picker_rule_actors", "/console/pick?kinds=ams,label,label_group,workload,ip_list&q=app1", "/orgs/1/labels?value=app1&max_results=8"),
                new Measure("picker_service", "/console/pick?kinds=service&q=a", "/orgs/1/sec_policy/draft/services?name=a&max_results=8"),
                new Measure("list_labels", "/console/labels", "/orgs/1/labels?max_results=50"),
                new Measure("list_labels_search", "/console/labels?q=" + enc("role=w"), "/orgs/1/labels?key=role&value=w&max_results=50"),
                new Measure("list_labels_sorted", "/console/labels?sort=value", "/orgs/1/labels?sort=value&max_results=50"),
                new Measure("list_labels_page_100", "/console/labels?page=100", "/orgs/1/labels?offset=4950&max_results=50"),
                new Measure("list_workloads", "/console/workloads", "/orgs/1/workloads?max_results=50"),
                new Measure("list_workloads_search", "/console/workloads?q=" + mid, "/orgs/1/workloads?name=" + mid + "&max_results=50"),
                new Measure("list_workloads_page_100", "/console/workloads?page=100", "/orgs/1/workloads?offset=4950&max_results=50"),
                new Measure("list_workloads_sorted", "/console/workloads?sort=name", "/orgs/1/workloads?sort=name&max_results=50"),
                new Measure("list_workloads_sorted_desc_page_100", "/console/workloads?sort=-hostname&page=100",
                        "/orgs/1/workloads?sort=-hostname&offset=4950&max_results=50"),
                new Measure("list_label_groups", "/console/label_groups", "/orgs/1/sec_policy/draft/label_groups?max_results=50"),
                new Measure("list_ip_lists", "/console/ip_lists", "/orgs/1/sec_policy/draft/ip_lists?max_results=50"),
                new Measure("list_services", "/console/services", "/orgs/1/sec_policy/draft/services?max_results=50"),
                new Measure("list_rule_sets", "/console/rule_sets", "/orgs/1/sec_policy/draft/rule_sets?max_results=50"),
                new Measure("list_rule_sets_markers", "/console/rule_set_markers?ids=" + enc(ruleSetIds(api)),
                        "/orgs/1/sec_policy/draft/rule_conflicts", MARKER_SAMPLES),
                new Measure("list_vens", "/console/vens", "/orgs/1/vens?max_results=50"),
                new Measure("list_events", "/console/events", "/orgs/1/events?max_results=50"));
        for (Measure m : all) {
            progress.println("bench console: " + m.name() + " ...");
            Timed t;
            try {
                t = alternated(m.samples() > 0 ? m.samples() : o.samples(), pid, () -> get(base + "/api/v2" + m.api(), "Authorization", auth),
                        () -> get(base + m.console(), "Cookie", cookie));
            } catch (IllegalStateException e) {
                // one answer that fails (e.g. a sort reading 100,000 workloads past the console's 60 s API timeout)
                // is a figure too: said on its line, and the other measures still run
                line(Json.object().put("phase", "answer").put("measure", m.name()).put("console", m.console())
                        .put("api", m.api()).put("error", e.getMessage()).put("load_average", load())
                        .put("goal_ms", GOAL_MS).put("meets_goal", false));
                continue;
            }
            long[] apiTimes = t.api();
            long[] consoleTimes = t.console();
            double cp50 = ms(pct(consoleTimes, 50));
            double cp99 = ms(pct(consoleTimes, 99));
            double ap50 = ms(pct(apiTimes, 50));
            line(Json.object().put("phase", "answer").put("measure", m.name()).put("console", m.console())
                    .put("samples", consoleTimes.length).put("p50_ms", cp50).put("p99_ms", cp99)
                    .put("max_ms", ms(consoleTimes[consoleTimes.length - 1])).put("api", m.api()).put("api_p50_ms", ap50)
                    .put("api_p99_ms", ms(pct(apiTimes, 99)))
                    .put("p50_over_api_p50", ap50 > 0 ? Math.round(100.0 * cp50 / ap50) / 100.0 : 0)
                    .put("pce_cpu_ms_per_console_answer", t.consoleCpuMs()).put("pce_cpu_ms_per_api_answer", t.apiCpuMs())
                    .put("cpu_console_over_api", t.apiCpuMs() > 0 ? Math.round(100.0 * t.consoleCpuMs() / t.apiCpuMs()) / 100.0 : 0)
                    .put("load_average", load())
                    .put("goal_ms", GOAL_MS).put("meets_goal", cp99 <= GOAL_MS));
        }
    }

    /** The ids of the rule sets on the list's first page, as the list page names them to its markers fragment. */
    private static String ruleSetIds(ApiBench.Api api) {
        try {
            var r = api.send("GET", "/orgs/1/sec_policy/draft/rule_sets?max_results=50", null);
            List<String> ids = new ArrayList<>();
            for (var rs : Json.parse(r.body())) {
                String h = rs.path("href").asText();
                ids.add(h.substring(h.lastIndexOf('/') + 1));
            }
            return String.join(",", ids);
        } catch (IOException e) {
            throw new IllegalStateException("Reading the rule sets failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Sorted times of both sides, and the PCE process's CPU milliseconds per answer of each. */
    record Timed(long[] api, long[] console, double apiCpuMs, double consoleCpuMs) {}

    /**
     * {@code n} timed calls of each side after two unmeasured ones, in alternating blocks (API, console, API,
     * console) so a change of the machine's load falls on both; the PCE's CPU time (which, for a console answer,
     * includes the API calls the console makes) is read around each block.
     */
    private static Timed alternated(int n, long pid, Runnable api, Runnable console) {
        api.run();
        api.run();
        console.run();
        console.run();
        long[] a = new long[n];
        long[] c = new long[n];
        long apiCpu = 0;
        long consoleCpu = 0;
        int half = (n + 1) / 2;
        for (int from = 0; from < n; from += half) {
            int to = Math.min(n, from + half);
            long cpu0 = cpuNanos(pid);
            for (int i = from; i < to; i++) a[i] = timed(api);
            long cpu1 = cpuNanos(pid);
            for (int i = from; i < to; i++) c[i] = timed(console);
            long cpu2 = cpuNanos(pid);
            apiCpu += cpu1 - cpu0;
            consoleCpu += cpu2 - cpu1;
        }
        Arrays.sort(a);
        Arrays.sort(c);
        return new Timed(a, c, Math.round(apiCpu / 1e4 / n) / 100.0, Math.round(consoleCpu / 1e4 / n) / 100.0);
    }

    private static long timed(Runnable call) {
        long s = System.nanoTime();
        call.run();
        return System.nanoTime() - s;
    }

    private static long cpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(java.time.Duration::toNanos).orElse(0L);
    }

    /** The generated org plus {@code tag=tag-N} labels up to {@code labels} in all. */
    static PolicyDocument withLabels(PolicyDocument doc, int labels) {
        List<Label> all = new ArrayList<>(doc.labelsOrEmpty());
        int next = 1 + all.stream().mapToInt(l -> Integer.parseInt(l.href().substring(l.href().lastIndexOf('/') + 1))).max().orElse(0);
        for (int i = 1; all.size() < labels; i++) all.add(Label.of("/orgs/1/labels/" + next++, "tag", "tag-" + i));
        return new PolicyDocument(all, doc.labelGroups(), doc.workloads(), doc.ipLists(), doc.services(), doc.ruleSets(),
                doc.firewallSettings(), doc.virtualServices(), doc.serviceBindings());
    }

    private long total(ApiBench.Api api, String path) {
        try {
            return api.send("GET", path, null).headers().firstValueAsLong("X-Total-Count").orElse(-1);
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Signs in as a browser does and returns the session cookie ({@code name=value}). */
    private String signIn(String base, String ownerKey) {
        int colon = ownerKey.indexOf(':');
        String form = "key=" + enc(ownerKey.substring(0, colon)) + "&secret=" + enc(ownerKey.substring(colon + 1));
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/console/signin"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("cordon_console="))
                    .map(c -> c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'))).findFirst()
                    .orElseThrow(() -> new IllegalStateException("The console did not sign in (" + r.statusCode() + "): " + r.body()));
        } catch (IOException e) {
            throw new IllegalStateException("Signing in to the console failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** One GET, which must answer 200. */
    private void get(String url, String header, String value) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                    .header(header, value).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " answered " + r.statusCode() + ": "
                        + r.body().substring(0, Math.min(300, r.body().length())));
            }
        } catch (IOException e) {
            throw new IllegalStateException("GET " + url + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static long pct(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    /** The 1-minute load average, so a figure says how loaded the machine was (-1 where the OS does not tell). */
    static double load() {
        return Math.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void line(ObjectNode fields) {
        ObjectNode n = Json.object().put("bench", "console");
        n.setAll(fields);
        out.println(n);
        out.flush();
    }
}
