package dev.cordon.pce.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.PceServer;
import dev.cordon.pce.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;

/**
 * {@code cordon bench traffic}: the PCE side of traffic visibility, on one PCE in this process (plain HTTP on
 * loopback; H2 in a temporary directory, or the PostgreSQL database given).
 *
 * <p>Measures, one JSON line each: sustained ingest of flow summaries (gzip'd batches of {@code batch} summaries from
 * {@code senders} concurrent VENs, every summary resolved and stored) against its same-run baseline, the same
 * batches sent again (authenticated, inflated, parsed, checked and found stored: everything but resolving and
 * inserting), with the ratio; an Explorer query with a label filter over every stored flow (create → completed →
 * downloaded) against the same query without a filter; and disk per million stored flows. The batches are built and
 * compressed before the clock starts. The load generator's own rate is measured in the same run, against a sink that
 * only reads and acknowledges, and the load average before and after is printed: on a shared machine it says how
 * far to trust the figures. The simulated VENs share the machine with the PCE: on a 2-core machine the
 * client's share of the CPU is in the figures.
 */
public final class TrafficBench {
    /**
     * {@code fill} "api": every flow goes through the ingest API (measured); "direct": the first {@code ingestFlows}
     * go through the API (measured as ingest), the rest are copies of those stored rows (same resolved ends, times
     * spread over the hour) written straight through the store's bulk path (one group of 50,000 rows per
     * transaction, the ingest's own insert), so 10 million stored flows take minutes, not hours. {@code queryRuns}:
     * how many times each query runs (the figures are the median).
     */
    public record Options(int flows, int batch, int senders, int vens, String dbUrl, String fill, int ingestFlows,
                          int queryRuns) {
        public Options(int flows, int batch, int senders, int vens, String dbUrl) {
            this(flows, batch, senders, vens, dbUrl, "api", flows, 1);
        }

        public Options {
            if (!fill.equals("api") && !fill.equals("direct")) {
                throw new IllegalArgumentException("--fill must be api or direct, not " + fill + ".");
            }
            if (fill.equals("api")) ingestFlows = flows;
            ingestFlows = Math.min(ingestFlows, flows);
            if (ingestFlows < 1000) throw new IllegalArgumentException("--ingest-flows must be at least 1000, not " + ingestFlows + ".");
            if (queryRuns < 1 || queryRuns > 100) throw new IllegalArgumentException("--query-runs must be 1 to 100, not " + queryRuns + ".");
            if (flows < 1000) throw new IllegalArgumentException("--flows must be at least 1000, not " + flows + ".");
            if (batch < 1 || batch > 100_000) throw new IllegalArgumentException("--batch must be 1 to 100000, not " + batch + ".");
            if (senders < 1 || senders > 256) throw new IllegalArgumentException("--senders must be 1 to 256, not " + senders + ".");
            if (vens < 1 || vens > 10_000) throw new IllegalArgumentException("--vens must be 1 to 10000, not " + vens + ".");
            if (dbUrl != null && !dbUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("--db-url must be a jdbc:postgresql://host:port/db URL of an empty"
                        + " database (leave it out for H2 in a temporary directory).");
            }
        }
    }

    private final PrintStream out;
    /** Uploads the PCE answered 429/503 (busy) and that were sent again after Retry-After. */
    private final java.util.concurrent.atomic.AtomicLong busy = new java.util.concurrent.atomic.AtomicLong();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private String base;
    private String auth;

    public TrafficBench(PrintStream out) {
        this.out = out;
    }

    record Ven(String token, String ip) {}

    public void run(Options o) {
        Path dir;
        try {
            dir = Files.createTempDirectory("cordon-bench-traffic");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PceServer pce = new PceServer(new PceServer.Config(dir, o.dbUrl(), "127.0.0.1", 0, true)
                .withLimits(dev.cordon.pce.Limits.DEFAULTS.withTraffic(30, Math.max(1000, 2L * o.flows()))),
                new PrintStream(new ByteArrayOutputStream())).start();
        try {
            base = "http://127.0.0.1:" + pce.port() + "/api/v2";
            auth = "Basic " + Base64.getEncoder().encodeToString(Files.readString(pce.ownerKeyFile()).trim()
                    .getBytes(StandardCharsets.UTF_8));
            measure(o, pce, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            pce.stop();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind is harmless
            }
        }
    }

    private void measure(Options o, PceServer pce, Path dir) throws IOException {
        String db = o.dbUrl() == null ? "h2" : "postgresql";
        String[] labels = new String[4];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = call("POST", "/orgs/1/labels", "{\"key\":\"role\",\"value\":\"r" + i + "\"}", null).get("href").asText();
        }
        List<Ven> vens = new ArrayList<>();
        for (int v = 0; v < o.vens(); v++) {
            String label = labels[v % labels.length];
            JsonNode p = call("POST", "/orgs/1/pairing_profiles", "{\"name\":\"bench-" + v + "\",\"enforcement_mode\":\"full\","
                    + "\"labels\":[{\"href\":\"" + label + "\"}]}", null);
            String code = call("POST", p.get("href").asText() + "/pairing_key", "{}", null).get("activation_code").asText();
            String ip = "10." + (100 + v / 65536) + "." + (v / 256 % 256) + "." + (v % 256);
            JsonNode a = call("POST", "/ven/activate", "{\"activation_code\":\"" + code + "\",\"hostname\":\"bench-" + v
                    + "\",\"interfaces\":[{\"name\":\"eth0\",\"address\":\"" + ip + "\"}],\"os_type\":\"linux\","
                    + "\"ven_type\":\"server\",\"version\":\"0.1.0\"}", "none");
            vens.add(new Ven(a.get("agent_token").asText(), ip));
        }
        // batches, built and gzip'd before timing: peers are the other VENs (resolved to workloads) and externals
        int batches = (o.ingestFlows() + o.batch() - 1) / o.batch();
        List<byte[]> bodies = new ArrayList<>(batches);
        List<Ven> owners = new ArrayList<>(batches);
        long[] seq = new long[vens.size()];
        // within the last hour: the retention sweep (every minute) must not take them while the bench runs
        Instant t = Instant.now().minusSeconds(3600);
        int made = 0;
        long rawBytes = 0;
        for (int b = 0; b < batches; b++) {
            int vi = b % vens.size();
            Ven v = vens.get(vi);
            ObjectNode batch = Json.object().put("seq", ++seq[vi]);
            batch.putObject("dropped").put("kernel", 0).put("aggregator", 0).put("spool", 0);
            ArrayNode flows = batch.putArray("flows");
            for (int i = 0; i < o.batch() && made < o.ingestFlows(); i++, made++) {
                boolean internal = i % 2 == 0;
                String peer = internal ? vens.get((vi + 1 + i) % vens.size()).ip()
                        : "203.0." + (i / 256 % 256) + "." + (i % 256);
                String first = t.plusSeconds(made % 3600).toString();
                ObjectNode f = flows.addObject().put("direction", i % 3 == 0 ? "outbound" : "inbound")
                        .put("local_ip", v.ip()).put("peer_ip", peer).put("proto", 6).put("port", 1 + (i % 2000))
                        .put("decision", i % 5 == 0 ? "blocked" : "allowed");
                if (i % 5 != 0) f.put("rule_href", "/orgs/1/sec_policy/draft/rule_sets/1/sec_rules/" + (1 + i % 50));
                f.put("policy_version", 2).put("connections", 1 + i % 7).put("first_seen", first).put("last_seen", first)
                        .put("packets_in", 10).put("packets_out", 12).put("bytes_in", 1200).put("bytes_out", 3400)
                        .put("state", "closed");
            }
            byte[] json = batch.toString().getBytes(StandardCharsets.UTF_8);
            rawBytes += json.length;
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            try (GZIPOutputStream g = new GZIPOutputStream(z)) {
                g.write(json);
            }
            bodies.add(z.toByteArray());
            owners.add(v);
        }

        // the load generator alone, against a sink that only drains and acknowledges: it must far outrun the PCE
        // CPU seconds of the work (this process, plus the PostgreSQL server's processes when there is one): on a
        // loaded machine the wall-clock rate is the machine's, CPU per summary is the path's
        CpuClock cpu = new CpuClock(o.dbUrl() == null ? null : pce.traffic().table().serverPid());
        double[] c0 = cpu.now();
        double generator = sink(bodies, owners, o.senders());
        double[] c1 = cpu.now();
        double load0 = load();
        double stored = send(base + "/ven/traffic", bodies, owners, o.senders(), false);
        double[] c2 = cpu.now();
        double resent = send(base + "/ven/traffic", bodies, owners, o.senders(), true);
        double[] c3 = cpu.now();
        double load1 = load();
        double perFlow = 1e6 / o.ingestFlows();
        double genUs = (c1[0] - c0[0]) * perFlow;
        double storeUs = (c2[0] - c1[0] + c2[1] - c1[1]) * perFlow;
        double resendUs = (c3[0] - c2[0] + c3[1] - c2[1]) * perFlow;
        long count = pce.traffic().table().flowCount();
        ObjectNode ingest = Json.object().put("measure", "traffic_ingest").put("db", db).put("flows", count)
                .put("batch", o.batch()).put("senders", o.senders()).put("vens", o.vens())
                .put("summaries_per_s", Math.round(o.ingestFlows() / stored))
                .put("baseline_resend_summaries_per_s", Math.round(o.ingestFlows() / resent))
                .put("ratio_to_baseline", round(resent / stored))
                .put("load_generator_summaries_per_s", Math.round(o.ingestFlows() / generator))
                .put("load_generator_to_ingest", round(stored / generator))
                .put("load_average_before", load0).put("load_average_after", load1)
                .put("busy_answers_retried", busy.get())
                .put("cpu_us_per_summary", round(storeUs))
                .put("cpu_us_per_summary_db_server", round((c2[1] - c1[1]) * perFlow))
                .put("baseline_resend_cpu_us_per_summary", round(resendUs))
                .put("load_generator_cpu_us_per_summary", round(genUs))
                .put("pce_cpu_us_per_summary", round(storeUs - genUs))
                .put("pce_cores_for_goal", round(50_000 * (storeUs - genUs) / 1e6))
                .put("gzip_bytes_per_summary", round((double) bodies.stream().mapToLong(x -> x.length).sum() / o.ingestFlows()))
                .put("json_bytes_per_summary", round((double) rawBytes / o.ingestFlows()))
                .put("goal_summaries_per_s", 50_000);
        out.println(ingest);

        dev.cordon.pce.traffic.store.TrafficTable table = pce.traffic().table();
        if (o.flows() > o.ingestFlows()) {
            double fillS = fillDirect(table, o.flows() - o.ingestFlows(), t);
            count = table.flowCount();
            out.println(Json.object().put("measure", "traffic_fill_direct").put("db", db).put("rows_written", o.flows() - o.ingestFlows())
                    .put("stored_flows", count).put("fill_s", round(fillS))
                    .put("rows_per_s", Math.round((o.flows() - o.ingestFlows()) / fillS))
                    .put("ingest_summaries_per_s", Math.round(o.ingestFlows() / stored))
                    .put("load_average", load()));
        }

        String window = "\"start_date\":\"" + t.minusSeconds(3600) + "\",\"end_date\":\"" + Instant.now().plusSeconds(3600) + "\"";
        String filtered = "{" + window + ",\"sources\":{\"include\":[[]],\"exclude\":[]},\"destinations\":{\"include\":[[{\"label\":"
                + "{\"href\":\"" + labels[1] + "\"}}]],\"exclude\":[]},\"services\":{\"include\":[],\"exclude\":[]},"
                + "\"policy_decisions\":[],\"max_results\":2147483647}";
        String all = "{" + window + ",\"max_results\":2147483647}";
        // the raw path (no roll-up yet: the housekeeping sweep may have rolled some steps, which are undone first by
        // querying in-process with no cover), then the roll-up, then the API queries over it
        var labelFilter = new dev.cordon.pce.traffic.query.ExplorerQuery.Filter(
                dev.cordon.pce.traffic.query.ExplorerQuery.Filter.Kind.LABEL, labels[1], List.of(labels[1]));
        var parsed = new dev.cordon.pce.traffic.query.ExplorerQuery(null, t.minusSeconds(3600).toEpochMilli(),
                Instant.now().plusSeconds(3600).toEpochMilli(), List.of(), List.of(), List.of(List.of(labelFilter)),
                List.of(), List.of(), List.of(), List.of(), Integer.MAX_VALUE, false, false, false);
        long maxId = table.maxId();
        double[] raw = inProcess(pce, parsed, maxId, dev.cordon.pce.traffic.store.TrafficRollups.Cover.NONE);
        var rollups = new dev.cordon.pce.traffic.store.TrafficRollups(table);
        long r0 = System.nanoTime();
        rollups.rollAll(System.currentTimeMillis());
        double rollS = (System.nanoTime() - r0) / 1e9;
        double[] rolled = inProcess(pce, parsed, maxId, rollups.cover(maxId));
        List<double[]> withLabel = new ArrayList<>();
        List<double[]> withoutLabel = new ArrayList<>();
        for (int i = 0; i < o.queryRuns(); i++) {
            withLabel.add(query(filtered));
            withoutLabel.add(query(all));
        }
        double[] w = median(withLabel);
        double[] u = median(withoutLabel);
        out.println(Json.object().put("measure", "traffic_query_label_filter").put("db", db).put("stored_flows", count)
                .put("runs", o.queryRuns()).put("matched_flows", (long) w[2])
                .put("query_s_p50", round(w[0])).put("download_s_p50", round(w[1])).put("total_s_p50", round(w[3]))
                .put("baseline_unfiltered_query_s_p50", round(u[0])).put("baseline_unfiltered_download_s_p50", round(u[1]))
                .put("baseline_flows", (long) u[2])
                .put("ratio_to_baseline", round(w[3] / u[3]))
                .put("raw_path_in_process_s", round(raw[0])).put("rollup_path_in_process_s", round(rolled[0]))
                .put("rollup_to_raw", round(rolled[0] / raw[0]))
                .put("same_answer_raw_and_rollup", raw[1] == rolled[1] && raw[2] == rolled[2] && raw[1] == w[2])
                .put("rollup_s", round(rollS)).put("rollup_rows", rollups.rollupRows())
                .put("goal_p50_s", 2).put("load_average", load()));

        long bytes = o.dbUrl() == null ? size(dir) : pgSize(pce) + table.rollupRelationBytes();
        out.println(Json.object().put("measure", "traffic_disk").put("db", db).put("stored_flows", count)
                .put(o.dbUrl() == null ? "data_dir_bytes" : "traffic_flows_and_rollups_relation_bytes", bytes)
                .put("rollup_rows", rollups.rollupRows())
                .put("mb_per_million_flows", round(bytes / 1e6 / (count / 1e6))));
    }

    /**
     * Writes {@code n} copies of the rows the API stored (templates: their resolved ends, labels and IP lists), with
     * first/last seen spread over the same hour, through {@code storeRows} (the ingest's bulk insert, one durable
     * transaction per 50,000 rows; two writers at once, as two VEN groups). Returns seconds.
     */
    private static double fillDirect(dev.cordon.pce.traffic.store.TrafficTable table, long n, Instant t) {
        List<dev.cordon.pce.traffic.store.StoredFlow> templates = table.rows(100_000);
        long base = t.toEpochMilli();
        int chunk = 50_000;
        long chunks = (n + chunk - 1) / chunk;
        List<Callable<Void>> tasks = new ArrayList<>();
        for (long c = 0; c < chunks; c++) {
            long from = c * chunk;
            int size = (int) Math.min(chunk, n - from);
            tasks.add(() -> {
                List<dev.cordon.pce.traffic.store.StoredFlow> rows = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    long k = from + i;
                    var f = templates.get((int) (k % templates.size()));
                    long at = base + (k * 7919 % 3_600_000L);
                    rows.add(new dev.cordon.pce.traffic.store.StoredFlow(f.org(), dev.cordon.pce.traffic.store.StoredFlow.dayOf(at),
                            f.venHref(), f.seq(), f.flowDirection(), f.src(), f.dst(), f.proto(), f.port(), f.icmpType(),
                            f.icmpCode(), f.decision(), f.reason(), f.ruleHref(), f.policyVersion(), f.connections(),
                            at, at, f.dstPi(), f.dstPo(), f.dstBi(), f.dstBo(), f.state()));
                }
                table.storeRows(rows);
                return null;
            });
        }
        return inParallel(2, tasks);
    }

    /**
     * The query in-process (no HTTP, no JSON): COUNT of the aggregated flows, then every aggregated row read, over
     * the raw rows or with the roll-ups {@code cover} names. {seconds, matched flows, sum of connections}.
     */
    private static double[] inProcess(PceServer pce, dev.cordon.pce.traffic.query.ExplorerQuery q, long maxId,
                                      dev.cordon.pce.traffic.store.TrafficRollups.Cover cover) {
        dev.cordon.pce.traffic.query.FlowSql sql = dev.cordon.pce.traffic.query.FlowSql.of(1, maxId, q, null, cover);
        long start = System.nanoTime();
        long[] r = pce.traffic().table().readAggregated(sql.count(), sql.select(), sql.binds());
        return new double[] {(System.nanoTime() - start) / 1e9, r[0], r[1]};
    }

    /**
     * CPU seconds so far of this process and of a PostgreSQL server (its postmaster and every child: the backends
     * doing the COPY, the WAL writer, the checkpointer), read from /proc; {this process, server}.
     */
    record CpuClock(Long serverPid) {
        double[] now() {
            double self = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
            double server = 0;
            if (serverPid != null) {
                server += ticks(serverPid);
                try (var procs = Files.list(Path.of("/proc"))) {
                    for (Path p : (Iterable<Path>) procs::iterator) {
                        String name = p.getFileName().toString();
                        if (!name.chars().allMatch(Character::isDigit)) continue;
                        String[] f = stat(Long.parseLong(name));
                        if (f != null && Long.parseLong(f[1]) == serverPid) server += ticks(Long.parseLong(name));
                    }
                } catch (IOException e) {
                    // no /proc: the figure is this process's alone
                }
            }
            return new double[] {self, server};
        }

        /** Fields of /proc/PID/stat after the command name: [0] state, [1] ppid, ... [11] utime, [12] stime. */
        private static String[] stat(long pid) {
            try {
                String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
                return s.substring(s.lastIndexOf(')') + 2).split(" ");
            } catch (IOException | RuntimeException e) {
                return null; // the process ended meanwhile
            }
        }

        private static double ticks(long pid) {
            String[] f = stat(pid);
            return f == null ? 0 : (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // USER_HZ = 100 on Linux
        }
    }

    /** Per column, the median of the runs (the last column: query + download). */
    private static double[] median(List<double[]> runs) {
        double[] m = new double[4];
        for (int c = 0; c < 4; c++) {
            final int col = c;
            double[] v = runs.stream().mapToDouble(x -> col == 3 ? x[0] + x[1] : x[col]).sorted().toArray();
            m[c] = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
        return m;
    }

    private static long pgSize(PceServer pce) {
        return pce.traffic().table().relationBytes();
    }

    private static long size(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /**
     * Seconds for the load generator to send every batch to a sink on loopback that reads each body whole and answers
     * an acknowledgement (the JDK's HTTP server, one thread per sender): the rate the client can produce, so the
     * ingest figure is known to be the PCE's and not the client's.
     */
    private double sink(List<byte[]> bodies, List<Ven> owners, int senders) throws IOException {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 256);
        ExecutorService threads = Executors.newFixedThreadPool(senders);
        server.setExecutor(threads);
        byte[] ack = "{\"acknowledged_seq\":1,\"duplicate\":false,\"flows_stored\":0}".getBytes(StandardCharsets.UTF_8);
        server.createContext("/", ex -> {
            try (var in = ex.getRequestBody()) {
                in.readAllBytes();
            }
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, ack.length);
            try (var out = ex.getResponseBody()) {
                out.write(ack);
            }
        });
        server.start();
        try {
            return send("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v2/ven/traffic", bodies, owners,
                    senders, false);
        } finally {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    /** The 1-minute load average (the machine may be shared: the figures say under which load they were taken). */
    private static double load() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Seconds to send every batch with {@code senders} threads; a resend must be answered duplicate. */
    private double send(String url, List<byte[]> bodies, List<Ven> owners, int senders, boolean expectDuplicate) {
        // each VEN's batches go in seq order, one at a time, as a VEN sends them: one VEN per sender thread
        List<List<Integer>> perVen = new ArrayList<>();
        java.util.Map<String, List<Integer>> byVen = new java.util.LinkedHashMap<>();
        for (int i = 0; i < bodies.size(); i++) byVen.computeIfAbsent(owners.get(i).token(), k -> new ArrayList<>()).add(i);
        perVen.addAll(byVen.values());
        List<Callable<Void>> tasks = new ArrayList<>();
        for (List<Integer> one : perVen) {
            tasks.add(() -> {
                for (int i : one) {
                    HttpRequest r = HttpRequest.newBuilder(URI.create(url))
                            .header("Authorization", "Bearer " + owners.get(i).token())
                            .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i))).build();
                    HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
                    // as a VEN does: a busy PCE (429/503) is asked again after its Retry-After
                    while (resp.statusCode() == 503 || resp.statusCode() == 429) {
                        busy.incrementAndGet();
                        Thread.sleep(1000L * Math.max(1, Math.min(10, Long.parseLong(
                                resp.headers().firstValue("Retry-After").orElse("1")))));
                        resp = http.send(r, HttpResponse.BodyHandlers.ofString());
                    }
                    if (resp.statusCode() != 200 || resp.body().contains("\"duplicate\":" + !expectDuplicate)) {
                        throw new IllegalStateException("upload answered " + resp.statusCode() + " " + resp.body());
                    }
                }
                return null;
            });
        }
        return inParallel(senders, tasks);
    }

    /** {query seconds (create → completed), download seconds, flows downloaded}. */
    private double[] query(String body) throws IOException {
        long start = System.nanoTime();
        JsonNode created = call("POST", "/orgs/1/traffic_flows/async_queries", body, null);
        String href = created.get("href").asText();
        JsonNode s;
        while (true) {
            s = call("GET", href, null, null);
            String st = s.get("status").asText();
            if (st.equals("completed")) break;
            if (st.equals("failed")) throw new IllegalStateException("the bench query failed: " + s);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        double q = (System.nanoTime() - start) / 1e9;
        long d0 = System.nanoTime();
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + s.get("result").asText())).header("Authorization", auth).GET().build();
        long n;
        try {
            HttpResponse<java.io.InputStream> resp = http.send(r, HttpResponse.BodyHandlers.ofInputStream());
            try (var p = Json.MAPPER.getFactory().createParser(resp.body())) {
                n = 0;
                int depth = 0;
                for (var tok = p.nextToken(); tok != null; tok = p.nextToken()) {
                    if (tok == com.fasterxml.jackson.core.JsonToken.START_OBJECT && ++depth == 1) n++;
                    else if (tok == com.fasterxml.jackson.core.JsonToken.END_OBJECT) depth--;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new double[] {q, (System.nanoTime() - d0) / 1e9, n};
    }

    private JsonNode call(String method, String path, String body, String authOverride) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (!"none".equals(authOverride)) b.header("Authorization", auth);
        if (path.endsWith("async_queries")) b.header("Prefer", "respond-async");
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + " " + r.body());
            return Json.parse(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }

    /** Runs {@code tasks} on {@code threads} threads; the seconds until the last one ended (the first failure fails). */
    private static double inParallel(int threads, List<Callable<Void>> tasks) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (Callable<Void> t : tasks) done.add(pool.submit(t));
            for (Future<Void> f : done) f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
        return (System.nanoTime() - start) / 1e9;
    }

}
