package dev.cordon.pce.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code cordon bench pce --vens N --nodes K}: N simulated VENs long-polling K PCE nodes on one PostgreSQL, every
 * node and every slice of VENs a process of its own — as a deployment of that size runs, and because one process
 * here may hold at most 20,000 open files while each VEN holds a connection.
 *
 * <pre>
 *   this process (coordinator) ──stdin/stdout──▶ node-0 … node-K-1   (FleetNode: PCE, plain HTTP on loopback)
 *                               ──stdin/stdout──▶ client-0 … client-M-1 (FleetClient: N/M VENs, all on node c mod K)
 *   every node ──JDBC, LISTEN/NOTIFY──▶ one PostgreSQL (started here in a temporary directory, or --db-url)
 * </pre>
 *
 * <p>Phases, one JSON line each on standard output (progress on standard error): activation; provision → last VEN
 * holding the new policy (the provision is sent to node 0; the other nodes hear of it by {@code NOTIFY}), with each
 * process's CPU seconds in that window and each node's heap; the baseline of the same run, every VEN fetching its whole
 * policy at once; heartbeats; the load generator on its own (every client taking in the same number of answers of the
 * same size from a stub server that holds the requests and then answers them at once, {@link FleetClient}), which
 * shows whether the clients were the bottleneck; each node's live heap after a full collection; a summary.
 *
 * <p>Clean-up: every child is asked to stop (its standard input closed; it stops its PCE and removes its temporary
 * directory) and killed if it does not; the PostgreSQL the bench started is stopped and removed, a given database's
 * tables dropped; the log directory removed. It runs in a {@code finally} and in a shutdown hook (Ctrl-C), once.
 */
public final class FleetBench {
    /** The activation and heartbeat concurrency of the whole fleet, as in {@link PceBench}. */
    static final int CONCURRENCY = 64;
    private static final int FD_RESERVE = 2000;

    /**
     * {@code clients} 0: as many as the open-files limit needs, at least one per node. {@code heartbeatSeconds}: how
     * long the heartbeat phase runs (5 from the CLI).
     */
    public record Options(int vens, int nodes, int clients, String dbUrl, List<String> pceJvmArgs, int heartbeatSeconds) {
        public Options(int vens, int nodes, int clients, String dbUrl, List<String> pceJvmArgs) {
            this(vens, nodes, clients, dbUrl, pceJvmArgs, 5);
        }

        public Options {
            if (heartbeatSeconds < 1) throw new IllegalArgumentException("heartbeat seconds must be at least 1.");
            if (vens < 1) throw new IllegalArgumentException("--vens must be at least 1, not " + vens + ".");
            if (nodes < 1 || nodes > 8) throw new IllegalArgumentException("--nodes must be from 1 to 8, not " + nodes + ".");
            if (dbUrl != null && !dbUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("--db-url must be a jdbc:postgresql://host:port/db URL of an empty"
                        + " database (leave it out to let the bench start a PostgreSQL of its own).");
            }
            long limit = openFilesLimit();
            long perNode = limit - FD_RESERVE;
            long perClient = (limit - FD_RESERVE) / 2; // the load-generator phase holds both ends of each connection
            if ((vens + nodes - 1) / nodes > perNode) {
                throw new IllegalArgumentException(vens + " VENs on " + nodes + " node(s) is more than " + perNode
                        + " connections per PCE process (the open-files limit is " + limit + "): use --nodes "
                        + ((vens + perNode - 1) / perNode) + " or more.");
            }
            if (clients == 0) {
                int perNodeClients = (int) Math.max(1, ((vens + nodes - 1) / nodes + perClient - 1) / perClient);
                clients = nodes * perNodeClients;
            }
            if (clients < nodes || clients > vens) {
                throw new IllegalArgumentException("--clients must be from --nodes (" + nodes + ") to --vens (" + vens
                        + "), not " + clients + ".");
            }
            if ((vens + clients - 1) / clients > perClient) {
                throw new IllegalArgumentException(vens + " VENs over " + clients + " client processes is more than "
                        + perClient + " per process (the open-files limit is " + limit + "): use --clients "
                        + ((vens + perClient - 1) / perClient) + " or more.");
            }
            pceJvmArgs = pceJvmArgs == null ? List.of() : List.copyOf(pceJvmArgs);
        }
    }

    private final PrintStream out;
    private final PrintStream progress;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private final List<Child> nodes = new ArrayList<>();
    private final List<Child> clients = new ArrayList<>();
    private BenchDatabase db;
    private Path logs;
    private boolean cleaned;
    private String base;
    private String auth;

    public FleetBench(PrintStream out, PrintStream progress) {
        this.out = out;
        this.progress = progress;
    }

    /** {@code VENS NODES [CLIENTS [JDBC_URL|- [PCE_JVM_ARG...]]]}, for running the bench without the CLI. */
    public static void main(String[] args) {
        new FleetBench(System.out, System.err).run(new Options(Integer.parseInt(args[0]), Integer.parseInt(args[1]),
                args.length > 2 ? Integer.parseInt(args[2]) : 0, args.length > 3 && !args[3].equals("-") ? args[3] : null,
                args.length > 4 ? List.of(args).subList(4, args.length) : List.of()));
    }

    public void run(Options o) {
        Thread hook = new Thread(this::cleanUp, "cordon-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            logs = Files.createTempDirectory("cordon-bench-fleet");
            measure(o);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the bench's temporary directory: " + e.getMessage(), e);
        } finally {
            cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down (Ctrl-C): the hook has run or runs cleanUp, which is idempotent
            }
        }
    }

    private void measure(Options o) {
        progress.println("bench pce: " + o.vens() + " VENs, " + o.nodes() + " PCE node(s), " + o.clients()
                + " client processes; load average " + CpuUse.loadAverage());
        db = o.dbUrl() == null ? BenchDatabase.startServer() : BenchDatabase.given(o.dbUrl());
        progress.println("bench pce: database: " + db.describe());

        int[] ports = new int[o.nodes()];
        List<String> endpoints = new ArrayList<>();
        for (int i = 0; i < ports.length; i++) {
            ports[i] = BenchDatabase.freePort();
            endpoints.add("127.0.0.1:" + ports[i]);
        }
        String advertise = String.join(",", endpoints); // every node's policy names the same control plane
        String key = null;
        for (int i = 0; i < o.nodes(); i++) {
            int n = i;
            List<String> jvm = o.pceJvmArgs().stream().map(a -> a.replace("{node}", Integer.toString(n))).toList();
            nodes.add(Child.start("node-" + i, jvm, FleetNode.class, List.of(db.url(), Integer.toString(ports[i]), advertise), logs));
            // node 0 first, alone: it creates the org (and the owner's key); the others then join the database
            if (i == 0) key = readyKey(nodes.get(0));
        }
        for (int i = 1; i < nodes.size(); i++) readyKey(nodes.get(i));
        progress.println("bench pce: nodes " + pids(nodes) + " on ports " + Arrays.toString(ports));
        base = "http://127.0.0.1:" + ports[0] + "/api/v2";
        auth = "Basic " + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));

        String label = post("/orgs/1/labels", "{\"key\":\"role\",\"value\":\"bench\"}").get("href").asText();
        String profile = post("/orgs/1/pairing_profiles", "{\"name\":\"bench\",\"enforcement_mode\":\"full\",\"labels\":[{\"href\":\""
                + label + "\"}]}").get("href").asText();
        String code = post(profile + "/pairing_key", "{}").get("activation_code").asText();

        int senders = Math.max(1, CONCURRENCY / o.clients());
        int[] nodeOf = new int[o.clients()];
        int[] vensOf = new int[o.clients()];
        for (int c = 0, first = 0; c < o.clients(); c++) {
            int count = o.vens() / o.clients() + (c < o.vens() % o.clients() ? 1 : 0);
            nodeOf[c] = c % o.nodes();
            vensOf[c] = count;
            clients.add(Child.start("client-" + c, List.of("-Xmx1g"), FleetClient.class, List.of(
                    Integer.toString(ports[nodeOf[c]]), Integer.toString(first), Integer.toString(count), code,
                    Integer.toString(senders)), logs));
            first += count;
        }
        for (Child c : clients) c.read(); // ready
        progress.println("bench pce: clients " + pids(clients));

        progress.println("bench pce: activating " + o.vens() + " VENs ...");
        long[] act = window(all(clients, "activate"), 1, 2, 3);
        double actSeconds = (act[2] - act[1]) / 1e9;
        line(o, "activate", Json.object().put("activated", act[0]).put("seconds", round(actSeconds))
                .put("per_second", round(act[0] / actSeconds)));

        progress.println("bench pce: first policy fetch ...");
        long retried = all(clients, "fetch").stream().mapToLong(r -> Long.parseLong(r.split(" ")[2])).sum();
        if (retried > 0) progress.println("bench pce: " + retried + " first fetches were answered with an error and retried");
        all(clients, "park");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long nextNote = System.nanoTime();
        for (int waiting = 0; waiting < o.vens() && System.nanoTime() < deadline; ) {
            waiting = 0;
            for (Child n : nodes) waiting += Integer.parseInt(n.ask("waiting"));
            if (System.nanoTime() >= nextNote) {
                progress.println("bench pce: " + waiting + " of " + o.vens() + " long polls parked");
                nextNote = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            }
            if (waiting < o.vens()) sleep(100);
        }

        String any = get("/orgs/1/sec_policy/draft/ip_lists?name=Any").get(0).get("href").asText();
        post("/orgs/1/sec_policy/draft/rule_sets", "{\"name\":\"bench\",\"scopes\":[[]],\"rules\":[{\"providers\":[{\"label\":{\"href\":\""
                + label + "\"}}],\"consumers\":[{\"ip_list\":{\"href\":\"" + any + "\"}}],\"ingress_services\":[{\"proto\":6,\"port\":443}]}]}");
        long[] io0 = ioTimes(all(clients, "cpu"), 1);
        // wall-clock times, to find this window in a flight recording of the nodes (--pce-jvm-arg)
        progress.println("bench pce: provisioning on node-0 at " + java.time.Instant.now() + " ...");
        CpuUse before = CpuUse.now(processes());
        long provisionAt = System.nanoTime();
        post("/orgs/1/sec_policy", "{\"update_description\":\"bench\"}");
        long provisionRequestMs = (System.nanoTime() - provisionAt) / 1_000_000;
        List<String> updates = all(clients, "collect " + provisionAt);
        CpuUse after = CpuUse.now(processes());
        progress.println("bench pce: provision window ended at " + java.time.Instant.now());
        long lastMs = provisionReport(o, updates, vensOf, nodeOf, io0, provisionRequestMs, before, after);
        long updatedCount = updates.stream().mapToLong(u -> Long.parseLong(u.split(" ")[1])).sum();
        double provisionCpuPerAnswer = updatedCount == 0 ? 0 : nodeCpuSeconds(before, after) * 1000 / updatedCount;
        ArrayNode heaps = Json.array();
        for (int i = 0; i < nodes.size(); i++) {
            String[] h = nodes.get(i).ask("heap").split(" ");
            heaps.add(Json.object().put("node", i).put("used_mb", mb(h[1])).put("peak_mb", mb(h[2])).put("max_mb", mb(h[3]))
                    .put("engines_prebuilt", Long.parseLong(nodes.get(i).ask("prebuilt").trim())));
        }
        line(o, "node_heap_after_provision", Json.object().set("per_node", heaps));

        progress.println("bench pce: baseline, every VEN fetching its whole policy at once ...");
        CpuUse b0 = CpuUse.now(processes());
        List<String> fetched = all(clients, "fetchall");
        long[] fa = window(fetched, 1, 2, 3);
        CpuUse b1 = CpuUse.now(processes());
        long baselineMs = (fa[2] - fa[1]) / 1_000_000;
        ObjectNode bl = Json.object().put("all_answered", fa[0] == o.vens()).put("answered", fa[0]).put("ms", baselineMs);
        ObjectNode errors = Json.object(); // what the VENs that got no policy got instead: status or exception
        for (String r : fetched) {
            String e = r.split(" ")[4];
            if (e.equals("-")) continue;
            for (String kv : e.split(",")) {
                String[] x = kv.split(":");
                errors.put(x[0], errors.path(x[0]).asLong() + Long.parseLong(x[1]));
            }
        }
        if (!errors.isEmpty()) bl.set("errors", errors);
        if (lastMs >= 0 && baselineMs > 0) bl.put("provision_last_ms_over_baseline", round2((double) lastMs / baselineMs));
        bl.set("cpu_seconds", cpu(b0, b1));
        bl.put("machine_busy_cores", b1.busyCoresSince(b0));
        double perFetch = fa[0] == 0 ? 0 : nodeCpuSeconds(b0, b1) * 1000 / fa[0];
        bl.put("node_cpu_ms_per_answer", round2(perFetch));
        if (perFetch > 0 && provisionCpuPerAnswer > 0) {
            bl.put("provision_node_cpu_per_answer_over_baseline", round2(provisionCpuPerAnswer / perFetch));
        }
        line(o, "baseline_fetch_all", bl);

        progress.println("bench pce: heartbeats for " + o.heartbeatSeconds() + " s ...");
        long beats = 0;
        double beatSeconds = 0;
        for (String r : all(clients, "beat " + o.heartbeatSeconds())) {
            String[] f = r.split(" ");
            beats += Long.parseLong(f[1]);
            beatSeconds = Math.max(beatSeconds, Double.parseDouble(f[2]));
        }
        line(o, "heartbeats", Json.object().put("senders", senders * o.clients()).put("seconds", round(beatSeconds))
                .put("per_second", round(beats / beatSeconds)));

        progress.println("bench pce: the load generator alone, against stub servers ...");
        all(clients, "stub");
        CpuUse g0 = CpuUse.now(processes());
        List<String> gen = all(clients, "release");
        CpuUse g1 = CpuUse.now(processes());
        long[] g = window(gen, 1, 2, 3);
        long genMs = (g[2] - g[1]) / 1_000_000;
        long genIo = 0;
        for (String r : gen) genIo += Long.parseLong(r.split(" ")[4]);
        ObjectNode gl = Json.object().put("answered", g[0]).put("body_bytes", Long.parseLong(gen.get(0).split(" ")[5]))
                .put("ms", genMs).put("per_second", genMs == 0 ? 0 : Math.round(g[0] * 1000.0 / genMs))
                .put("io_thread_cpu_ms", genIo / 1_000_000);
        if (lastMs > 0) gl.put("over_provision_last_ms", round2((double) genMs / lastMs));
        gl.set("cpu_seconds", cpu(g0, g1));
        line(o, "load_generator_alone", gl);

        ArrayNode live = Json.array();
        for (int i = 0; i < nodes.size(); i++) {
            live.add(Json.object().put("node", i).put("live_mb_after_gc", mb(nodes.get(i).ask("gc").split(" ")[1])));
        }
        line(o, "node_heap_live", Json.object().set("per_node", live));

        ObjectNode sum = Json.object().put("provision_last_ms", lastMs).put("baseline_ms", baselineMs)
                .put("load_generator_ms", genMs).put("load_average_end", CpuUse.loadAverage());
        if (lastMs >= 0 && baselineMs > 0) sum.put("provision_last_ms_over_baseline", round2((double) lastMs / baselineMs));
        line(o, "summary", sum);
    }

    /** Merges the clients' {@code updated} answers into the provision line; returns the last VEN's ms, or -1. */
    private long provisionReport(Options o, List<String> updates, int[] vensOf, int[] nodeOf, long[] io0,
                                 long provisionRequestMs, CpuUse before, CpuUse after) {
        List<Long> all = new ArrayList<>();
        long[] nodeLast = new long[o.nodes()];
        long io = 0;
        int updated = 0;
        for (int c = 0; c < updates.size(); c++) {
            String[] f = updates.get(c).split(" ");
            updated += Integer.parseInt(f[1]);
            io += Long.parseLong(f[2]) - io0[c];
            if (!f[3].equals("-")) {
                for (String ms : f[3].split(",")) {
                    long v = Long.parseLong(ms);
                    all.add(v);
                    nodeLast[nodeOf[c]] = Math.max(nodeLast[nodeOf[c]], v);
                }
            }
        }
        long[] ms = all.stream().mapToLong(Long::longValue).sorted().toArray();
        ObjectNode prov = Json.object().put("all_updated", updated == o.vens()).put("updated", updated)
                .put("provision_request_ms", provisionRequestMs);
        long last = -1;
        if (ms.length > 0) {
            last = ms[ms.length - 1];
            prov.put("p50_ms", ms[ms.length / 2]).put("p99_ms", ms[Math.min(ms.length - 1, (int) (ms.length * 0.99))])
                    .put("last_ms", last);
            ArrayNode per = Json.array();
            for (int i = 0; i < o.nodes(); i++) {
                int vens = 0;
                for (int c = 0; c < nodeOf.length; c++) if (nodeOf[c] == i) vens += vensOf[c];
                per.add(Json.object().put("node", i).put("vens", vens).put("last_ms", nodeLast[i]));
            }
            prov.set("per_node", per);
        }
        double window = (after.at() - before.at()) / 1e9;
        prov.put("window_s", round2(window)).set("cpu_seconds", cpu(before, after));
        prov.put("machine_busy_cores", after.busyCoresSince(before));
        // load-robust: what the PCE nodes spent per VEN answered, whatever share of the cores they got meanwhile
        prov.put("node_cpu_ms_per_answer", updated == 0 ? 0 : round2(nodeCpuSeconds(before, after) * 1000 / updated));
        // the clients' I/O threads are what reads every answer: their busy share of the window bounds the generator
        prov.put("client_io_threads_cpu_s", round2(io / 1e9));
        line(o, "provision_to_last_ven", prov);
        return updated == o.vens() ? last : -1;
    }

    private Map<String, List<Long>> processes() {
        Map<String, List<Long>> g = new LinkedHashMap<>();
        for (Child n : nodes) g.put(n.name(), List.of(n.pid()));
        List<Long> cs = new ArrayList<>();
        for (Child c : clients) cs.add(c.pid());
        g.put("clients", cs);
        g.put("coordinator", List.of(ProcessHandle.current().pid()));
        if (db != null && !db.serverPids().isEmpty()) g.put("postgresql", db.serverPids());
        return g;
    }

    /** CPU seconds the PCE nodes (every {@code node-*} process) used between the two snapshots. */
    private static double nodeCpuSeconds(CpuUse a, CpuUse b) {
        return b.secondsSince(a).entrySet().stream().filter(e -> e.getKey().startsWith("node-"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private static ObjectNode cpu(CpuUse a, CpuUse b) {
        ObjectNode n = Json.object();
        b.secondsSince(a).forEach(n::put);
        return n;
    }

    /** Sends {@code cmd} to every child at once, then reads every answer (in order). */
    private static List<String> all(List<Child> children, String cmd) {
        for (Child c : children) c.send(cmd);
        List<String> r = new ArrayList<>();
        for (Child c : children) r.add(c.read());
        return r;
    }

    /** Sum of field {@code count}, minimum of field {@code start}, maximum of field {@code end} over the answers. */
    private static long[] window(List<String> answers, int count, int start, int end) {
        long n = 0;
        long s = Long.MAX_VALUE;
        long e = Long.MIN_VALUE;
        for (String a : answers) {
            String[] f = a.split(" ");
            n += Long.parseLong(f[count]);
            s = Math.min(s, Long.parseLong(f[start]));
            e = Math.max(e, Long.parseLong(f[end]));
        }
        return new long[] {n, s, e};
    }

    private static long[] ioTimes(List<String> answers, int field) {
        return answers.stream().mapToLong(a -> Long.parseLong(a.split(" ")[field])).toArray();
    }

    private static String readyKey(Child node) {
        String[] f = node.read().split(" ", 3); // ready PORT KEY
        return f[2].trim();
    }

    private static String pids(List<Child> cs) {
        return cs.stream().map(c -> c.name() + "=" + c.pid()).toList().toString();
    }

    private synchronized void cleanUp() {
        if (cleaned) return;
        cleaned = true;
        List<Child> every = new ArrayList<>(clients);
        every.addAll(nodes);
        Child.stopAll(every, 30);
        if (db != null) db.close();
        if (logs != null) {
            try (Stream<Path> s = Files.walk(logs)) {
                s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind is harmless
            }
        }
        progress.println("bench pce: cleaned up (processes, database, temporary directories)");
    }

    private JsonNode post(String path, String body) {
        HttpResponse<String> r = send("POST", path, body);
        if (r.statusCode() >= 300) throw new IllegalStateException("POST " + path + " → " + r.statusCode() + " " + r.body());
        return Json.parse(r.body());
    }

    private JsonNode get(String path) {
        HttpResponse<String> r = send("GET", path, null);
        if (r.statusCode() != 200) throw new IllegalStateException("GET " + path + " → " + r.statusCode() + " " + r.body());
        return Json.parse(r.body());
    }

    private HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", auth);
        if (body != null) b.header("Content-Type", "application/json");
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " was interrupted", e);
        }
    }

    private void line(Options o, String phase, ObjectNode fields) {
        ObjectNode n = Json.object().put("bench", "pce").put("phase", phase).put("vens", o.vens()).put("nodes", o.nodes())
                .put("clients", o.clients());
        n.setAll(fields);
        out.println(n);
        out.flush();
    }

    /** The soft open-files limit of this process (children inherit it), from /proc; 20,000 if it cannot be read. */
    static long openFilesLimit() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (l.startsWith("Max open files")) return Long.parseLong(l.substring(26).trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unexpected format
        }
        return 20_000;
    }

    private static long mb(String bytes) {
        return Long.parseLong(bytes) / (1024 * 1024);
    }

    private static double round(double d) {
        return Math.round(d * 10) / 10.0;
    }

    private static double round2(double d) {
        return Math.round(d * 100) / 100.0;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
