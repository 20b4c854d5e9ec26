package dev.cordon.pce.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.PceServer;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.store.GroupWrites;
import java.io.ByteArrayOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code cordon bench pce --vens N}: one PCE (plain HTTP on loopback, H2 in a temporary directory) and N simulated
 * VENs, each with its own agent token and HTTP connection, long-polling for policy as real VENs do.
 *
 * <p>Measures, one JSON line each: activation throughput; the time from the provision request to the last VEN
 * holding the new policy (p50, p99, max); its baseline, every VEN fetching its whole policy at once over the same
 * connections, with the ratio of the two; and heartbeats per second with 64 concurrent senders for five seconds.
 * The simulated VENs do not apply anything: this measures the PCE, not the dataplane. Their policy polls go through
 * {@link VenConnections} (one keep-alive connection per VEN, one selector thread, each response read whole and its
 * {@code hash} taken from the body); activation, heartbeats and the admin calls use {@code java.net.http}.
 *
 * <p>The PCE runs in a child JVM ({@link Server}) so that its sockets and the simulated VENs' sockets each have a
 * process's open-files limit: 10,000 long polls need 10,000 descriptors on each side. The child answers "how many
 * polls are waiting" on its standard input/output, so the bench provisions only once every VEN is waiting.
 */
public final class PceBench {
    private static final int CONCURRENCY = 64;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private String base;
    private String auth;
    private InetSocketAddress pce;
    /** The PCE child's process id, whose CPU time each phase reports ({@link CpuUse}). */
    private long pcePid;

    public PceBench(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 1000);
    }

    /** Runs the benchmark with {@code vens} simulated VENs, printing JSON lines to standard output. */
    public static void run(int vens) {
        new PceBench(System.out).bench(vens);
    }

    public void bench(int vens) {
        if (vens < 1) throw new IllegalArgumentException("--vens must be at least 1, not " + vens + ".");
        Process child;
        try {
            child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), Server.class.getName())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the PCE process for the benchmark: " + e.getMessage(), e);
        }
        try (BufferedReader fromPce = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
             PrintStream toPce = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String[] hello = fromPce.readLine().split(" ", 2); // "<port> <owner key>"
            pcePid = child.pid();
            base = "http://127.0.0.1:" + hello[0] + "/api/v2";
            pce = new InetSocketAddress("127.0.0.1", Integer.parseInt(hello[0]));
            auth = "Basic " + Base64.getEncoder().encodeToString(hello[1].trim().getBytes(StandardCharsets.UTF_8));
            measure(question -> {
                toPce.println(question);
                try {
                    return fromPce.readLine().trim();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, vens);
        } catch (IOException e) {
            throw new IllegalStateException("The benchmark's PCE process failed: " + e.getMessage(), e);
        } finally {
            ChildPce.awaitEnd(child);
        }
    }

    /** The PCE side of the benchmark, in its own process: prints "port key", then answers "waiting" queries. */
    public static final class Server {
        public static void main(String[] args) throws IOException {
            Path dir = Files.createTempDirectory("cordon-bench-pce");
            PceServer pce = new PceServer(new PceServer.Config(dir, null, "127.0.0.1", 0, true),
                    new PrintStream(new ByteArrayOutputStream()));
            pce.start();
            try {
                System.out.println(pce.port() + " " + Files.readString(pce.ownerKeyFile()).trim());
                System.out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.trim().equals("groups")) {
                        // the heartbeat groups written so far: "groups items largest queued_ns transaction_ns sync_ns"
                        GroupWrites.Stats g = pce.vens().heartbeats().writeStats();
                        System.out.println(g.groups() + " " + g.items() + " " + g.largest() + " " + g.queuedNanos()
                                + " " + g.transactionNanos() + " " + g.syncNanos());
                    } else {
                        System.out.println(pce.vens().polls().waitingCount());
                    }
                    System.out.flush();
                }
            } finally {
                pce.stop();
                deleteQuietly(dir);
            }
        }
    }

    /** {@code ask}: a question to the PCE child ("waiting", "groups") and its one-line answer. */
    private void measure(java.util.function.UnaryOperator<String> ask, int n) {
        java.util.function.IntSupplier waiting = () -> Integer.parseInt(ask.apply("waiting"));
        String label = post("/orgs/1/labels", "{\"key\":\"role\",\"value\":\"bench\"}", auth).get("href").asText();
        String profile = post("/orgs/1/pairing_profiles", "{\"name\":\"bench\",\"enforcement_mode\":\"full\",\"labels\":[{\"href\":\""
                + label + "\"}]}", auth).get("href").asText();
        String code = post(profile + "/pairing_key", "{}", auth).get("activation_code").asText();

        double load = CpuUse.loadAverage();
        CpuUse cpu0 = pceCpu();
        long t0 = System.nanoTime();
        String[] tokens = new String[n];
        Semaphore gate = new Semaphore(CONCURRENCY);
        List<CompletableFuture<Void>> acts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int idx = i;
            gate.acquireUninterruptibly();
            String body = "{\"activation_code\":\"" + code + "\",\"hostname\":\"ven-" + i + "\",\"interfaces\":[{\"name\":\"eth0\","
                    + "\"address\":\"10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255) + "\"}]}";
            acts.add(send("POST", "/ven/activate", body, null).thenAccept(r -> {
                gate.release();
                tokens[idx] = "Bearer " + Json.parse(r.body()).get("agent_token").asText();
            }));
        }
        CompletableFuture.allOf(acts.toArray(CompletableFuture[]::new)).join();
        double actSeconds = (System.nanoTime() - t0) / 1e9;
        double actCpu = pceCpu().secondsSince(cpu0).get("pce");
        // CPU seconds of the PCE process per 1,000 activations: what load on the machine distorts least
        line("activate", n, Json.object().put("seconds", round(actSeconds)).put("per_second", round(n / actSeconds))
                .put("pce_cpu_seconds", actCpu).put("pce_cpu_seconds_per_1k", round3(actCpu * 1000 / n))
                .put("load_average_at_start", load));

        String[] hashes = new String[n];
        try (VenConnections policyPolls = new VenConnections(pce, n)) {
            List<CompletableFuture<Void>> firsts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int idx = i;
                gate.acquireUninterruptibly();
                firsts.add(policyPoll(policyPolls, i, "/ven/policy", tokens[i]).whenComplete((r, e) -> gate.release())
                        .thenAccept(r -> hashes[idx] = hashOf(r)));
            }
            CompletableFuture.allOf(firsts.toArray(CompletableFuture[]::new)).join();
            long lastMs = provision(policyPolls, waiting, label, tokens, hashes);
            fetchAllBaseline(policyPolls, tokens, lastMs);
            heartbeats(tokens, hashes, ask); // with every VEN's policy connection still open, as in a real fleet
        }
    }

    private long provision(VenConnections policyPolls, java.util.function.IntSupplier waiting, String label,
                           String[] tokens, String[] hashes) {
        int n = tokens.length;
        long[] receivedAt = new long[n];
        CountDownLatch updated = new CountDownLatch(n);
        for (int i = 0; i < n; i++) poll(policyPolls, i, tokens, hashes, receivedAt, updated);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (waiting.getAsInt() < n && System.nanoTime() < deadline) sleep(50);

        String any = get("/orgs/1/sec_policy/draft/ip_lists?name=Any").get(0).get("href").asText();
        post("/orgs/1/sec_policy/draft/rule_sets", "{\"name\":\"bench\",\"scopes\":[[]],\"rules\":[{\"providers\":[{\"label\":{\"href\":\""
                + label + "\"}}],\"consumers\":[{\"ip_list\":{\"href\":\"" + any + "\"}}],\"ingress_services\":[{\"proto\":6,\"port\":443}]}]}", auth);
        long provisionAt = System.nanoTime();
        post("/orgs/1/sec_policy", "{\"update_description\":\"bench\"}", auth);
        boolean all = await(updated, 120);
        long[] ms = Arrays.stream(receivedAt).filter(t -> t > 0).map(t -> (t - provisionAt) / 1_000_000).sorted().toArray();
        ObjectNode prov = Json.object().put("all_updated", all).put("updated", ms.length);
        if (ms.length > 0) {
            prov.put("p50_ms", ms[ms.length / 2]).put("p99_ms", ms[Math.min(ms.length - 1, (int) (ms.length * 0.99))])
                    .put("last_ms", ms[ms.length - 1]);
        }
        line("provision_to_last_ven", n, prov);
        return ms.length == n ? ms[n - 1] : -1;
    }

    /**
     * The baseline, measured in the same run over the same kept-alive connections: every VEN asks for its whole
     * policy at the same instant (no long poll, no known hash), as a fleet that polled instead of waiting would. The
     * time from the first request sent to the last answer read is what delivering N policies costs this PCE and this
     * client on this machine; the provision figure is reported as a ratio of it.
     */
    private void fetchAllBaseline(VenConnections policyPolls, String[] tokens, long provisionLastMs) {
        int n = tokens.length;
        CountDownLatch answered = new CountDownLatch(n);
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            policyPoll(policyPolls, i, "/ven/policy", tokens[i]).whenComplete((r, e) -> {
                if (e == null && r.status() == 200) ok.incrementAndGet();
                answered.countDown();
            });
        }
        boolean all = await(answered, 120);
        long ms = (System.nanoTime() - start) / 1_000_000;
        ObjectNode base = Json.object().put("all_answered", all && ok.get() == n).put("answered", ok.get()).put("ms", ms);
        if (provisionLastMs >= 0 && ms > 0) base.put("provision_last_ms_over_baseline", Math.round(100.0 * provisionLastMs / ms) / 100.0);
        line("baseline_fetch_all", n, base);
    }

    private void heartbeats(String[] tokens, String[] hashes, java.util.function.UnaryOperator<String> ask) {
        int n = tokens.length;
        double load = CpuUse.loadAverage();
        long[] groups0 = groups(ask);
        AtomicLong beats = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<CompletableFuture<Void>> senders = new ArrayList<>();
        for (int s = 0; s < CONCURRENCY; s++) senders.add(heartbeats(s, tokens, hashes, end, beats));
        CpuUse cpu0 = pceCpu();
        long hbStart = System.nanoTime();
        CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).join();
        double hbSeconds = (System.nanoTime() - hbStart) / 1e9;
        double hbCpu = pceCpu().secondsSince(cpu0).get("pce");
        long[] g = groups(ask);
        for (int k = 0; k < g.length; k++) if (k != 2) g[k] -= groups0[k]; // largest: since the PCE started
        // CPU seconds of the PCE process per 1,000 heartbeats: what load on the machine distorts least
        ObjectNode hb = Json.object().put("senders", CONCURRENCY).put("seconds", round(hbSeconds))
                .put("per_second", round(beats.get() / hbSeconds)).put("pce_cpu_seconds", hbCpu)
                .put("pce_cpu_seconds_per_1k", beats.get() == 0 ? 0 : round3(hbCpu * 1000 / beats.get()))
                .put("load_average_at_start", load);
        if (g[0] > 0) {
            // the write path of a heartbeat: how many share a group, and where a group's time goes (this run's groups)
            hb.put("groups", g[0]).put("mean_group", round(1.0 * g[1] / g[0])).put("largest_group", g[2])
                    .put("queued_ms_per_heartbeat", round3(g[3] / 1e6 / g[1]))
                    .put("transaction_ms_per_group", round3(g[4] / 1e6 / g[0]))
                    .put("sync_ms_per_group", round3(g[5] / 1e6 / g[0]));
        }
        line("heartbeats", n, hb);
    }

    /** The child's heartbeat group counters: groups, items, largest (since it started), queued, transaction, sync ns. */
    private static long[] groups(java.util.function.UnaryOperator<String> ask) {
        return Arrays.stream(ask.apply("groups").split(" ")).mapToLong(Long::parseLong).toArray();
    }

    private void poll(VenConnections policyPolls, int i, String[] tokens, String[] hashes, long[] receivedAt,
                      CountDownLatch updated) {
        policyPoll(policyPolls, i, "/ven/policy?known_hash=" + hashes[i] + "&wait_seconds=30", tokens[i]).thenAccept(r -> {
            if (r.status() == 200) {
                receivedAt[i] = System.nanoTime();
                hashes[i] = hashOf(r);
                updated.countDown();
            } else if (r.status() == 304) {
                poll(policyPolls, i, tokens, hashes, receivedAt, updated);
            }
        }).exceptionally(e -> {
            // a refused or reset connection under load: a real VEN retries after a pause, so does the simulated one
            CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)
                    .execute(() -> poll(policyPolls, i, tokens, hashes, receivedAt, updated));
            return null;
        });
    }

    private static CompletableFuture<VenConnections.Response> policyPoll(VenConnections policyPolls, int ven,
                                                                         String path, String authorization) {
        return policyPolls.get(ven, "/api/v2" + path, authorization).orTimeout(90, TimeUnit.SECONDS);
    }

    /**
     * The {@code hash} of a policy response, read from the body bytes without building a JSON tree (the field's name
     * cannot occur unescaped inside a JSON string, and the hash is hex). The body has been received whole.
     */
    static String hashOf(VenConnections.Response r) {
        if (r.status() != 200) {
            throw new IllegalStateException("GET /ven/policy → " + r.status() + " " + new String(r.body(), StandardCharsets.UTF_8));
        }
        String body = new String(r.body(), StandardCharsets.ISO_8859_1);
        int at = body.indexOf("\"hash\":\"");
        int end = at < 0 ? -1 : body.indexOf('"', at + 8);
        if (end < 0) throw new IllegalStateException("a policy response without a hash: " + body);
        return body.substring(at + 8, end);
    }

    private CompletableFuture<Void> heartbeats(int sender, String[] tokens, String[] hashes, long end, AtomicLong beats) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        beat(sender, sender, tokens, hashes, end, beats, done);
        return done;
    }

    private void beat(int sender, int i, String[] tokens, String[] hashes, long end, AtomicLong beats,
                      CompletableFuture<Void> done) {
        if (System.nanoTime() >= end) {
            done.complete(null);
            return;
        }
        int v = i % tokens.length;
        send("POST", "/ven/heartbeat", "{\"applied_hash\":\"" + hashes[v] + "\",\"sync_state\":\"applied\",\"health\":[]}", tokens[v])
                .whenComplete((r, e) -> {
                    if (e == null && r.statusCode() == 204) beats.incrementAndGet();
                    beat(sender, i + CONCURRENCY, tokens, hashes, end, beats, done);
                });
    }

    private CompletableFuture<HttpResponse<String>> send(String method, String path, String body, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (authorization != null) b.header("Authorization", authorization);
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode post(String path, String body, String authorization) {
        HttpResponse<String> r = send("POST", path, body, authorization).join();
        if (r.statusCode() >= 300) throw new IllegalStateException("POST " + path + " → " + r.statusCode() + " " + r.body());
        return Json.parse(r.body());
    }

    private JsonNode get(String path) {
        HttpResponse<String> r = send("GET", path, null, auth).join();
        if (r.statusCode() != 200) throw new IllegalStateException("GET " + path + " → " + r.statusCode() + " " + r.body());
        return Json.parse(r.body());
    }

    private void line(String phase, int vens, ObjectNode fields) {
        ObjectNode n = Json.object().put("bench", "pce").put("phase", phase).put("vens", vens);
        n.setAll(fields);
        out.println(n);
    }

    /** The PCE child's CPU time now (utime + stime from /proc; 0 where /proc cannot be read). */
    private CpuUse pceCpu() {
        return CpuUse.now(java.util.Map.of("pce", List.of(pcePid)));
    }

    private static double round3(double d) {
        return Math.round(d * 1000) / 1000.0;
    }

    private static double round(double d) {
        return Math.round(d * 10) / 10.0;
    }

    private static boolean await(CountDownLatch l, int seconds) {
        try {
            return l.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
