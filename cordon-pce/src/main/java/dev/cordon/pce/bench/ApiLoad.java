package dev.cordon.pce.bench;

import dev.cordon.pce.core.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients of {@code cordon bench api}: each a thread with its own random sequence, sending one blocking request
 * at a time and timing it. A run starts with one call of each kind, sent by whichever clients come first (so that
 * even a run of a few requests reports each kind, the run goes on until each has been answered once), then calls
 * by weight.
 * Provisions are not weighted: one is due {@code provisionIntervalMs} after the last one ended, and the client that
 * first finds it due sends it, so there is never more than one in flight. Each client updates only the labels and
 * IP lists it created, so no two clients race on one object and every write is expected to succeed.
 */
final class ApiLoad {
    /** The call kinds of the mixed load and their weights (per 100 calls); provisions come on a clock instead. */
    private static final String[] KINDS = {"get_labels", "get_workloads", "get_rule_sets", "get_events", "create_label",
            "update_label", "create_ip_list", "update_ip_list", "policy_check_draft", "policy_check_active"};
    private static final int[] WEIGHTS = {10, 10, 10, 10, 5, 5, 5, 5, 20, 20};

    private final ApiBench.Api api;
    private final List<String> workloads;
    private final long seed;
    private final long provisionIntervalNanos;
    private final AtomicLong writes = new AtomicLong();

    ApiLoad(ApiBench.Api api, List<String> workloads, long seed, int provisionIntervalMs) {
        this.api = api;
        this.workloads = workloads;
        this.seed = seed;
        this.provisionIntervalNanos = provisionIntervalMs * 1_000_000L;
    }

    /** Latencies of one call kind, sorted; errors are calls with an unexpected status or no answer. */
    record Stats(long count, long errors, long p50, long p99, long max, String firstError) {}

    record Result(Map<String, Stats> stats, double seconds) {}

    /** Runs {@code clients} clients for {@code seconds} (or {@code requests} in all); health only for the baseline. */
    Result run(int clients, int seconds, int requests, boolean healthOnly, PrintStream progress) {
        long start = System.nanoTime();
        long end = seconds > 0 ? start + seconds * 1_000_000_000L : Long.MAX_VALUE;
        AtomicLong tickets = new AtomicLong(requests > 0 ? requests : Long.MAX_VALUE);
        AtomicLong nextProvision = new AtomicLong(start + provisionIntervalNanos);
        java.util.BitSet sent = new java.util.BitSet();
        AtomicLong unsent = new AtomicLong(healthOnly ? 0 : KINDS.length + 1);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Client> all = new ArrayList<>();
        CountDownLatch finished = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            Client cl = new Client(c, new Random(seed * 1000 + c + (healthOnly ? 500 : 0)), end, tickets, nextProvision,
                    healthOnly, done, failed, finished, sent, unsent);
            all.add(cl);
            Thread t = new Thread(cl, "bench-api-client-" + c);
            t.setDaemon(true);
            t.start();
        }
        try {
            while (!finished.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                long el = (System.nanoTime() - start) / 1_000_000_000L;
                progress.println("bench api: " + el + (seconds > 0 ? "/" + seconds : "") + " s, " + done.get()
                        + " requests, " + failed.get() + " errors");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        Map<String, Stats> stats = new TreeMap<>();
        List<String> kinds = new ArrayList<>(healthOnly ? List.of("health") : List.of(KINDS));
        if (!healthOnly) kinds.add("provision");
        for (String k : kinds) {
            long[] lat = all.stream().flatMapToLong(cl -> Arrays.stream(cl.latencies(k))).sorted().toArray();
            long errors = all.stream().mapToLong(cl -> cl.errors.getOrDefault(k, 0L)).sum();
            String first = all.stream().map(cl -> cl.firstErrors.get(k)).filter(s -> s != null).findFirst().orElse(null);
            if (lat.length == 0) {
                stats.put(k, new Stats(0, errors, 0, 0, 0, first));
                continue;
            }
            stats.put(k, new Stats(lat.length, errors, lat[lat.length / 2],
                    lat[Math.min(lat.length - 1, (int) Math.ceil(lat.length * 0.99) - 1)], lat[lat.length - 1], first));
        }
        return new Result(stats, secs);
    }

    private final class Client implements Runnable {
        private final int id;
        private final Random rnd;
        private final long end;
        private final AtomicLong tickets;
        private final AtomicLong nextProvision;
        private final boolean healthOnly;
        private final AtomicLong done;
        private final AtomicLong failed;
        private final CountDownLatch finished;
        private final Map<String, long[]> lat = new TreeMap<>();
        private final Map<String, Integer> n = new TreeMap<>();
        final Map<String, Long> errors = new TreeMap<>();
        final Map<String, String> firstErrors = new TreeMap<>();
        private final List<String> myLabels = new ArrayList<>();
        private final List<String> myIpLists = new ArrayList<>();
        private final java.util.BitSet sent;
        private final AtomicLong unsent;

        Client(int id, Random rnd, long end, AtomicLong tickets, AtomicLong nextProvision, boolean healthOnly,
               AtomicLong done, AtomicLong failed, CountDownLatch finished, java.util.BitSet sent, AtomicLong unsent) {
            this.sent = sent;
            this.unsent = unsent;
            this.id = id;
            this.rnd = rnd;
            this.end = end;
            this.tickets = tickets;
            this.nextProvision = nextProvision;
            this.healthOnly = healthOnly;
            this.done = done;
            this.failed = failed;
            this.finished = finished;
        }

        long[] latencies(String kind) {
            long[] a = lat.get(kind);
            return a == null ? new long[0] : Arrays.copyOf(a, n.get(kind));
        }

        @Override
        public void run() {
            try {
                // until every kind was sent once (by some client) the run goes on, so even a tiny run reports each
                while (unsent.get() > 0 || System.nanoTime() < end && tickets.getAndDecrement() > 0) {
                    String kind = healthOnly ? "health" : pick();
                    // an update needs an object of this client's own: the create is timed as a create
                    if (kind.equals("update_label") && myLabels.isEmpty()) timed("create_label");
                    if (kind.equals("update_ip_list") && myIpLists.isEmpty()) timed("create_ip_list");
                    timed(kind);
                    if (kind.equals("provision")) nextProvision.set(System.nanoTime() + provisionIntervalNanos);
                    if (!healthOnly) {
                        int k = kind.equals("provision") ? KINDS.length : List.of(KINDS).indexOf(kind);
                        synchronized (sent) {
                            if (k >= 0 && !done(k)) markDone(k);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                finished.countDown();
            }
        }

        /** Claims kind {@code k} for this client's next call if no client has claimed it. */
        private boolean claim(int k) {
            synchronized (sent) {
                if (sent.get(k)) return false;
                sent.set(k);
                return true;
            }
        }

        private boolean done(int k) {
            return sent.get(KINDS.length + 1 + k);
        }

        /** A claimed kind's first call has been answered. */
        private void markDone(int k) {
            sent.set(KINDS.length + 1 + k);
            unsent.decrementAndGet();
        }

        private String pick() {
            long now = System.nanoTime();
            long due = nextProvision.get();
            if (!healthOnly) {
                for (int k = 0; k <= KINDS.length; k++) { // a kind no client has sent yet comes first
                    if (claim(k)) {
                        if (k == KINDS.length) nextProvision.set(Long.MAX_VALUE);
                        return k == KINDS.length ? "provision" : KINDS[k];
                    }
                }
            }
            // one provision at a time: the next is due an interval after the last one ended (Long.MAX_VALUE meanwhile)
            if (now >= due && nextProvision.compareAndSet(due, Long.MAX_VALUE)) return "provision";
            int r = rnd.nextInt(100);
            for (int i = 0; i < KINDS.length; i++) {
                r -= WEIGHTS[i];
                if (r < 0) return KINDS[i];
            }
            return KINDS[0];
        }

        private void timed(String kind) throws InterruptedException {
            long t0 = System.nanoTime();
            String error;
            try {
                error = call(kind);
            } catch (IOException | RuntimeException e) {
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            record(kind, System.nanoTime() - t0, error);
        }

        private void record(String kind, long nanos, String error) {
            long[] a = lat.computeIfAbsent(kind, k -> new long[1024]);
            int i = n.getOrDefault(kind, 0);
            if (i == a.length) lat.put(kind, a = Arrays.copyOf(a, a.length * 2));
            a[i] = nanos;
            n.put(kind, i + 1);
            done.incrementAndGet();
            if (error != null) {
                errors.merge(kind, 1L, Long::sum);
                firstErrors.putIfAbsent(kind, error.length() > 300 ? error.substring(0, 300) : error);
                failed.incrementAndGet();
            }
        }

        /** One call; the error it made, or null when the PCE answered as expected. */
        private String call(String kind) throws IOException, InterruptedException {
            switch (kind) {
                case "health":
                    return expect(api.send("GET", "/health", null), 200);
                case "get_labels":
                    return expect(api.send("GET", "/orgs/1/labels?max_results=500", null), 200);
                case "get_workloads":
                    return expect(api.send("GET", "/orgs/1/workloads?max_results=100", null), 200);
                case "get_rule_sets":
                    return expect(api.send("GET", "/orgs/1/sec_policy/draft/rule_sets?max_results=100", null), 200);
                case "get_events":
                    return expect(api.send("GET", "/orgs/1/events?max_results=50", null), 200);
                case "create_label": {
                    HttpResponse<String> r = api.send("POST", "/orgs/1/labels",
                            "{\"key\":\"role\",\"value\":\"" + unique() + "\"}");
                    if (r.statusCode() == 201) myLabels.add(Json.parse(r.body()).get("href").asText());
                    return expect(r, 201);
                }
                case "update_label": {
                    if (myLabels.isEmpty()) return "no label of this client's own to update (its create failed)";
                    String href = myLabels.get(rnd.nextInt(myLabels.size()));
                    return expect(api.send("PUT", href, "{\"value\":\"" + unique() + "\"}"), 204);
                }
                case "create_ip_list": {
                    long w = writes.incrementAndGet();
                    HttpResponse<String> r = api.send("POST", "/orgs/1/sec_policy/draft/ip_lists",
                            "{\"name\":\"" + unique() + "\",\"ip_ranges\":[{\"from_ip\":\"10.200." + (w >> 8 & 255) + "."
                                    + (w & 255) + "\"}]}");
                    if (r.statusCode() == 201) myIpLists.add(Json.parse(r.body()).get("href").asText());
                    return expect(r, 201);
                }
                case "update_ip_list": {
                    if (myIpLists.isEmpty()) return "no IP list of this client's own to update (its create failed)";
                    String href = myIpLists.get(rnd.nextInt(myIpLists.size()));
                    return expect(api.send("PUT", href, "{\"description\":\"" + unique() + "\"}"), 204);
                }
                case "policy_check_draft":
                    return expect(api.send("GET", check("draft"), null), 200);
                case "policy_check_active":
                    return expect(api.send("GET", check("active"), null), 200);
                case "provision": {
                    HttpResponse<String> r = api.send("POST", "/orgs/1/sec_policy",
                            "{\"update_description\":\"bench api\"}");
                    // no pending change left by the time this client's turn came: the PCE says so, as it should
                    if (r.statusCode() == 406 && r.body().contains("nothing_to_provision")) return null;
                    return expect(r, 201);
                }
                default:
                    throw new IllegalStateException(kind);
            }
        }

        private String check(String pversion) {
            String src = workloads.get(rnd.nextInt(workloads.size()));
            String dst = workloads.get(rnd.nextInt(workloads.size()));
            int port = 1000 + (2 + rnd.nextInt(39)) * 37; // the generator's service ports
            return "/orgs/1/sec_policy/" + pversion + "/policy_check?src_workload=" + ApiBench.Api.q(src)
                    + "&dst_workload=" + ApiBench.Api.q(dst) + "&protocol=tcp&port=" + port;
        }

        private String unique() {
            return "bench-c" + id + "-" + writes.incrementAndGet();
        }

        private String expect(HttpResponse<String> r, int status) {
            if (r.statusCode() == status) return null;
            if (status == 204 && r.statusCode() == 200) return null;
            String body = r.body() == null ? "" : r.body();
            return r.statusCode() + " " + (body.length() > 200 ? body.substring(0, 200) : body);
        }
    }
}
