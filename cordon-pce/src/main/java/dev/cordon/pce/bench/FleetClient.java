package dev.cordon.pce.bench;

import dev.cordon.pce.core.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A slice of the simulated VENs of {@link FleetBench}, in a process of its own, all attached to one PCE node.
 *
 * <p>Why a process: one process here may hold at most 20,000 open files, and 25,000 VENs hold 25,000 connections.
 * Each VEN does what {@link PceBench}'s simulated VENs do: it activates with the pairing code (hostname
 * {@code ven-<i>}, address 10.x.y.z from its index in the whole fleet), fetches its policy, then long-polls with the
 * hash it holds. Policy polls go through {@link VenConnections}; activation and heartbeats through
 * {@code java.net.http}.
 *
 * <p>Command lines on standard input, one answer each on standard output (prefixed {@link Child#REPLY}); times are
 * {@link System#nanoTime} values, which on Linux read the one monotonic clock of the machine, so the coordinator can
 * compare them across processes:
 * <pre>
 *   activate            → activated OK START END
 *   fetch               → fetched OK RETRIES
 *   park                → parked                    (every VEN long-polls with the hash it holds)
 *   cpu                 → cpu IO_NS                 (CPU time of the policy connections' I/O thread so far)
 *   collect T           → updated N IO_NS MS,MS,... (once every VEN got a new policy, or after 120 s; ms after T)
 *   fetchall            → fetchall OK START END ERRORS (the baseline: every VEN asks for its whole policy at once;
 *                                                    ERRORS: status or exception:count,... or -)
 *   beat SECONDS        → beats COUNT SECONDS
 *   stub                → stubheld N                (the load generator alone: N requests held by a stub server)
 *   release             → stub OK START END IO_NS BYTES (the stub answers them all at once)
 * </pre>
 * Standard input closed: the process ends.
 */
public final class FleetClient {
    private final int first;
    private final int count;
    private final String code;
    private final int senders;
    private final String base;
    private final InetSocketAddress node;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private final String[] tokens;
    private final String[] hashes;
    private final long[] receivedAt;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private VenConnections polls;
    private CountDownLatch updated;
    private volatile byte[] sampleBody;
    private StubPolicyServer stub;
    private VenConnections stubConns;
    private CountDownLatch stubAnswered;
    private final AtomicInteger stubOk = new AtomicInteger();
    private final AtomicLong stubEnd = new AtomicLong();

    private FleetClient(int port, int first, int count, String code, int senders) {
        this.first = first;
        this.count = count;
        this.code = code;
        this.senders = senders;
        this.node = new InetSocketAddress("127.0.0.1", port);
        this.base = "http://127.0.0.1:" + port + "/api/v2";
        this.tokens = new String[count];
        this.hashes = new String[count];
        this.receivedAt = new long[count];
    }

    /** {@code PORT FIRST COUNT ACTIVATION_CODE SENDERS}. */
    public static void main(String[] args) throws Exception {
        FleetClient c = new FleetClient(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                args[3], Integer.parseInt(args[4]));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        reply("ready");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            try {
                reply(c.command(line.trim().split(" ")));
            } catch (RuntimeException e) {
                reply("error " + e);
            }
        }
        c.close();
        System.exit(0);
    }

    private static void reply(String s) {
        System.out.println(Child.REPLY + s);
        System.out.flush();
    }

    private String command(String[] c) {
        return switch (c[0]) {
            case "activate" -> activate();
            case "fetch" -> fetch();
            case "park" -> park();
            case "cpu" -> "cpu " + ioCpu(polls);
            case "collect" -> collect(Long.parseLong(c[1]));
            case "fetchall" -> fetchAll();
            case "beat" -> beat(Integer.parseInt(c[1]));
            case "stub" -> stub();
            case "release" -> release();
            default -> throw new IllegalArgumentException("unknown command " + c[0]);
        };
    }

    private String activate() {
        Semaphore gate = new Semaphore(senders);
        AtomicInteger ok = new AtomicInteger();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        long start = System.nanoTime();
        for (int k = 0; k < count; k++) {
            int i = first + k;
            int idx = k;
            gate.acquireUninterruptibly();
            String body = "{\"activation_code\":\"" + code + "\",\"hostname\":\"ven-" + i + "\",\"interfaces\":[{\"name\":\"eth0\","
                    + "\"address\":\"10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255) + "\"}]}";
            all.add(send("POST", "/ven/activate", body, null).handle((r, e) -> {
                gate.release();
                if (e == null && r.statusCode() == 201) {
                    tokens[idx] = "Bearer " + Json.parse(r.body()).get("agent_token").asText();
                    ok.incrementAndGet();
                }
                return null;
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        long end = System.nanoTime();
        if (ok.get() < count) throw new IllegalStateException((count - ok.get()) + " of " + count + " activations failed");
        polls = new VenConnections(node, count);
        return "activated " + ok.get() + " " + start + " " + end;
    }

    private String fetch() {
        Semaphore gate = new Semaphore(senders);
        AtomicInteger retries = new AtomicInteger();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            gate.acquireUninterruptibly();
            CompletableFuture<Void> done = new CompletableFuture<>();
            firstFetch(k, 0, retries, done);
            all.add(done.whenComplete((r, e) -> gate.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return "fetched " + count + " " + retries.get();
    }

    /** A VEN's first policy fetch; an error answer (a 503 from a PCE whose pool is busy) is retried as a VEN does. */
    private void firstFetch(int k, int attempt, AtomicInteger retries, CompletableFuture<Void> done) {
        policy(k, "/ven/policy").whenComplete((r, e) -> {
            if (e == null && r.status() == 200) {
                hashes[k] = PceBench.hashOf(r);
                done.complete(null);
            } else if (attempt >= 20) {
                done.completeExceptionally(e != null ? e : new IllegalStateException("GET /ven/policy → " + r.status()
                        + " " + new String(r.body(), StandardCharsets.UTF_8)));
            } else {
                retries.incrementAndGet();
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> firstFetch(k, attempt + 1, retries, done));
            }
        });
    }

    private String park() {
        Arrays.fill(receivedAt, 0);
        updated = new CountDownLatch(count);
        for (int k = 0; k < count; k++) longPoll(k);
        return "parked";
    }

    private void longPoll(int k) {
        policy(k, "/ven/policy?known_hash=" + hashes[k] + "&wait_seconds=60").thenAccept(r -> {
            if (r.status() == 200) {
                receivedAt[k] = System.nanoTime();
                hashes[k] = PceBench.hashOf(r);
                updated.countDown();
            } else if (r.status() == 304) {
                longPoll(k);
            } else {
                // an error answer (503: the PCE's database pool is busy): a real VEN polls again after a pause
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> longPoll(k));
            }
        }).exceptionally(e -> {
            // a refused or reset connection under load: a real VEN retries after a pause, so does the simulated one
            CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(() -> longPoll(k));
            return null;
        });
    }

    private String collect(long provisionAt) {
        try {
            updated.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long io = ioCpu(polls);
        String ms = Arrays.stream(receivedAt).filter(t -> t > 0).map(t -> (t - provisionAt) / 1_000_000).sorted()
                .mapToObj(Long::toString).collect(Collectors.joining(","));
        return "updated " + (count - updated.getCount()) + " " + io + " " + (ms.isEmpty() ? "-" : ms);
    }

    private String fetchAll() {
        CountDownLatch answered = new CountDownLatch(count);
        AtomicInteger ok = new AtomicInteger();
        java.util.Map<String, AtomicInteger> errors = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicLong end = new AtomicLong();
        long start = System.nanoTime();
        for (int k = 0; k < count; k++) {
            policy(k, "/ven/policy").whenComplete((r, e) -> {
                if (e == null && r.status() == 200) {
                    ok.incrementAndGet();
                    if (sampleBody == null) sampleBody = r.body();
                } else {
                    String why = e != null ? e.getClass().getSimpleName() : Integer.toString(r.status());
                    errors.computeIfAbsent(why, x -> new AtomicInteger()).incrementAndGet();
                }
                end.accumulateAndGet(System.nanoTime(), Math::max);
                answered.countDown();
            });
        }
        await(answered);
        String errs = errors.entrySet().stream().map(x -> x.getKey() + ":" + x.getValue().get()).collect(Collectors.joining(","));
        return "fetchall " + ok.get() + " " + start + " " + end.get() + " " + (errs.isEmpty() ? "-" : errs);
    }

    private String beat(int seconds) {
        AtomicLong beats = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        long start = System.nanoTime();
        for (int s = 0; s < senders; s++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            beat(s, end, beats, done);
            all.add(done);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return "beats " + beats.get() + " " + (System.nanoTime() - start) / 1e9;
    }

    private void beat(int k, long end, AtomicLong beats, CompletableFuture<Void> done) {
        if (System.nanoTime() >= end) {
            done.complete(null);
            return;
        }
        int v = k % count;
        send("POST", "/ven/heartbeat", "{\"applied_hash\":\"" + hashes[v] + "\",\"sync_state\":\"applied\",\"health\":[]}", tokens[v])
                .whenComplete((r, e) -> {
                    if (e == null && r.statusCode() == 204) beats.incrementAndGet();
                    beat(k + senders, end, beats, done);
                });
    }

    /**
     * The load generator on its own: the VENs' connections to the PCE are closed, and as many connections to a stub
     * server in this process first fetch once (connecting), then send a request each that the stub holds, as the PCE
     * holds parked polls; the stub then answers them all at once with a body of the size the PCE sent. From that
     * release to the last answer read is what this client needs to take in a provision's answers. The stub's own work
     * (reading requests, writing answers) runs in this process too, so the figure is an upper bound.
     */
    private String stub() {
        byte[] body = sampleBody;
        if (body == null) throw new IllegalStateException("stub needs a policy body: run fetchall first");
        polls.close();
        polls = null;
        stub = new StubPolicyServer(body);
        stubConns = new VenConnections(stub.address(), count);
        Semaphore gate = new Semaphore(senders);
        List<CompletableFuture<VenConnections.Response>> warm = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            gate.acquireUninterruptibly();
            warm.add(stubConns.get(k, "/api/v2/ven/policy", tokens[k]).orTimeout(90, TimeUnit.SECONDS)
                    .whenComplete((r, e) -> gate.release()));
        }
        CompletableFuture.allOf(warm.toArray(CompletableFuture[]::new)).join();
        stub.hold();
        stubAnswered = new CountDownLatch(count);
        stubOk.set(0);
        stubEnd.set(0);
        for (int k = 0; k < count; k++) {
            stubConns.get(k, "/api/v2/ven/policy", tokens[k]).orTimeout(90, TimeUnit.SECONDS).whenComplete((r, e) -> {
                if (e == null && r.status() == 200 && r.body().length == body.length) stubOk.incrementAndGet();
                stubEnd.accumulateAndGet(System.nanoTime(), Math::max);
                stubAnswered.countDown();
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (stub.held() < count && System.nanoTime() < deadline) sleep(20);
        return "stubheld " + stub.held();
    }

    private String release() {
        long io0 = ioCpu(stubConns);
        long start = System.nanoTime();
        stub.release();
        await(stubAnswered);
        String r = "stub " + stubOk.get() + " " + start + " " + stubEnd.get() + " " + (ioCpu(stubConns) - io0) + " "
                + sampleBody.length;
        stubConns.close();
        stub.close();
        stubConns = null;
        stub = null;
        return r;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long ioCpu(VenConnections c) {
        return c == null ? -1 : threads.getThreadCpuTime(c.ioThreadId());
    }

    private CompletableFuture<VenConnections.Response> policy(int k, String path) {
        return polls.get(k, "/api/v2" + path, tokens[k]).orTimeout(90, TimeUnit.SECONDS);
    }

    private CompletableFuture<HttpResponse<String>> send(String method, String path, String body, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (authorization != null) b.header("Authorization", authorization);
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void close() {
        if (polls != null) polls.close();
        if (stubConns != null) stubConns.close();
        if (stub != null) stub.close();
    }
}
