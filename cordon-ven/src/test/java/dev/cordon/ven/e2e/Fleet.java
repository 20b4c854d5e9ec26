package dev.cordon.ven.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.dataplane.exec.ProcessCommandRunner;
import dev.cordon.dataplane.kernel.Lab;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.PceHarness;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Workload;
import dev.cordon.policy.testing.Scenarios;
import dev.cordon.ven.Agent;
import dev.cordon.ven.AgentConfig;
import dev.cordon.ven.VenMain;
import dev.cordon.ven.enforce.DataplaneEnforcer;
import dev.cordon.ven.state.StateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One real PCE (plain HTTP on 127.0.0.1, port 0, H2 in a temporary directory) and VENs running in-process, each on
 * its own thread and enforcing its own network namespace of a {@link Lab} (hosts joined by a bridge that lives in
 * its own namespace; nothing is routed outside). VENs are wired by {@link VenMain#wire}, exactly as {@code cordon
 * ven} wires them. {@link #close()} stops every VEN and deletes every namespace (their ipsets and listeners go with
 * them), also when a test failed.
 */
final class Fleet implements AutoCloseable {
    /** A running VEN. */
    static final class Ven {
        final String name;
        final Lab.Host host;
        final Agent agent;
        final Thread thread;
        volatile Throwable failure;

        Ven(String name, Lab.Host host, Agent agent) {
            this.name = name;
            this.host = host;
            this.agent = agent;
            this.thread = new Thread(() -> {
                try {
                    agent.run();
                } catch (Throwable t) {
                    failure = t;
                }
            }, "ven-" + name);
            thread.setDaemon(true);
        }

        String venHref() {
            return agent.identity().orElseThrow().venHref();
        }

        long version() {
            return agent.lastGood().map(p -> p.version()).orElse(-1L);
        }
    }

    /** The PCE; replaced by {@link #startPceAgain()}. */
    PceHarness pce;
    final Lab lab;
    final Path tmp;
    final Map<String, Ven> vens = new LinkedHashMap<>();
    /** How often VENs started from now on upload traffic ({@code --flow-report-interval}); null: the VEN's default. */
    Duration flowReportInterval;

    Fleet() {
        this(PceHarness::h2);
    }

    /** A fleet whose (first) PCE comes from {@code pceFactory}, e.g. a PostgreSQL-backed node. */
    Fleet(java.util.function.Supplier<PceHarness> pceFactory) {
        Lab l = Lab.create(); // fails (never skips) without root, iptables, ipset, ip, python3
        PceHarness p = null;
        try {
            p = pceFactory.get();
            tmp = Files.createTempDirectory("cordon-ven-e2e");
        } catch (IOException | RuntimeException e) {
            l.close();
            if (p != null) p.close();
            throw new IllegalStateException(e);
        }
        lab = l;
        pce = p;
    }

    Api api() {
        return pce.owner;
    }

    String pceUrl() {
        return "http://127.0.0.1:" + pce.server.port();
    }

    /** A pairing key for a new profile with these labels and mode. */
    String activationCode(String name, String mode, List<String> labelHrefs) {
        return activationCode(api(), name, mode, labelHrefs);
    }

    /** A pairing key made through {@code api} (any PCE node) for a new profile with these labels and mode. */
    static String activationCode(Api api, String name, String mode, List<String> labelHrefs) {
        List<Map<String, String>> labels = labelHrefs.stream().map(h -> Map.of("href", h)).toList();
        Api.Resp p = api.post("/orgs/1/pairing_profiles", Map.of("name", "e2e-" + name, "enforcement_mode", mode,
                "labels", labels));
        check(p, 201);
        Api.Resp k = api.post(p.body().get("href").asText() + "/pairing_key", Map.of());
        check(k, 201);
        return k.body().get("activation_code").asText();
    }

    /** Starts a VEN enforcing {@code host}'s namespace. */
    Ven start(String name, Lab.Host host, String hostname, String code) {
        return start(name, host, hostname, code, pceUrl());
    }

    /** Starts a VEN enforcing {@code host}'s namespace, talking to the PCE (node) at {@code pceUrl}. */
    Ven start(String name, Lab.Host host, String hostname, String code, String pceUrl) {
        Path state = tmp.resolve(name);
        AgentConfig cfg = AgentConfig.of(pceUrl, code, host.ns, hostname, state)
                .withIntervals(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(5))
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .withLegacyEnvFiles(List.of(state.resolve("ven.env")));
        if (flowReportInterval != null) cfg = cfg.withFlowReportInterval(flowReportInterval);
        ProcessCommandRunner runner = ProcessCommandRunner.inNamespace(host.ns);
        Agent agent = VenMain.wire(cfg, runner, new DataplaneEnforcer(Backends.create(runner, Backends.Choice.IPTABLES)), StateDir.open(state));
        Ven v = new Ven(name, host, agent);
        vens.put(name, v);
        v.thread.start();
        return v;
    }

    /**
     * A scenario's hosts: a VEN per workload, paired through {@code nodeApi} and talking to {@code nodeUrl} (the
     * PCE node of that workload); the scenario's other ends as plain hosts; listeners on every checked port plus
     * {@code extraListen} ("tcp:8080" per host name). Returns the hosts by name once every VEN holds its first policy.
     */
    Map<String, Lab.Host> startScenario(Scenarios.Scenario scenario, Function<Workload, Api> nodeApi,
                                        Function<Workload, String> nodeUrl, Map<String, String> extraListen,
                                        Duration settle) {
        Map<String, Set<String>> listen = new LinkedHashMap<>();
        for (Scenarios.Check c : scenario.checks()) {
            listen.computeIfAbsent(c.to(), k -> new LinkedHashSet<>()).add(c.proto() + ":" + c.port());
        }
        extraListen.forEach((host, spec) -> listen.computeIfAbsent(host, k -> new LinkedHashSet<>()).add(spec));
        Map<String, Lab.Host> hosts = new LinkedHashMap<>();
        for (Workload w : scenario.document().workloadsOrEmpty()) {
            Lab.Host h = lab.host(w.interfacesOrEmpty().get(0).address());
            hosts.put(w.name(), h);
            String code = activationCode(nodeApi.apply(w), w.name(), w.enforcementMode().wire(),
                    w.labelsOrEmpty().stream().map(Ref::href).toList());
            start(w.name(), h, w.hostname(), code, nodeUrl.apply(w));
        }
        for (Scenarios.Check c : scenario.checks()) {
            for (String end : List.of(c.from(), c.to())) {
                if (!hosts.containsKey(end)) hosts.put(end, lab.host(end));
            }
        }
        listen.forEach((end, specs) -> hosts.get(end).listen(specs));
        await(settle, "every VEN activated with its first policy",
                () -> vens.values().stream().allMatch(v -> v.agent.lastGood().isPresent()));
        return hosts;
    }

    /** Stops the PCE (a clean stop); VENs see it unreachable until {@link #startPceAgain()}. */
    void stopPce() {
        pce.server.stop();
    }

    /** Starts the PCE again on the same port, data directory and database, as an operator's restart does. */
    void startPceAgain() {
        pce = pce.startedAgainOnSamePort();
    }

    /** Provisions everything pending; returns the new version. */
    long provision(String why) {
        Api.Resp r = api().post("/orgs/1/sec_policy", Map.of("update_description", why));
        check(r, 201);
        return r.body().get("version").asLong();
    }

    JsonNode events(String type) {
        Api.Resp r = api().get("/orgs/1/events?event_type=" + type + "&max_results=10000");
        check(r, 200);
        return r.body();
    }

    /** Events of {@code type} raised by this VEN. */
    List<JsonNode> eventsOf(Ven v, String type) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : events(type)) {
            if (v.venHref().equals(e.path("created_by").path("agent").path("href").asText())) out.add(e);
        }
        return out;
    }

    JsonNode venView(Ven v) {
        Api.Resp r = api().get(v.venHref());
        check(r, 200);
        return r.body();
    }

    static void check(Api.Resp r, int status) {
        if (r.status() != status) throw new AssertionError("expected " + status + ", got " + r);
    }

    /** Waits (polling every 10 ms) until {@code cond}; returns the elapsed nanoseconds. */
    static long await(Duration max, String what, BooleanSupplier cond) {
        long t0 = System.nanoTime();
        long end = t0 + max.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out after " + max + " waiting for " + what);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
        return System.nanoTime() - t0;
    }

    @Override
    public void close() {
        for (Ven v : vens.values()) v.agent.stop();
        for (Ven v : vens.values()) {
            try {
                v.thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            pce.close();
        } finally {
            lab.close();
            try (Stream<Path> s = Files.walk(tmp)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // temporary files only
            }
        }
    }

    /** "median M ms, p90 P ms, max X ms (n=N)". */
    static String stats(List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        s.sort(null);
        if (s.isEmpty()) return "no samples";
        long p90 = s.get(Math.min(s.size() - 1, (int) Math.ceil(0.9 * s.size()) - 1));
        return String.format("median %.0f ms, p90 %.0f ms, max %.0f ms (n=%d)", medianMs(nanos), p90 / 1e6,
                s.get(s.size() - 1) / 1e6, s.size());
    }

    static double medianMs(List<Long> nanos) {
        if (nanos.isEmpty()) return Double.NaN;
        List<Long> s = new ArrayList<>(nanos);
        s.sort(null);
        int n = s.size();
        double m = n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2.0;
        return m / 1e6;
    }
}
