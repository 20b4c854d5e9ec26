package dev.cordon.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.dataplane.exec.ProcessCommandRunner;
import dev.cordon.pce.PceServer;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.ven.Agent;
import dev.cordon.ven.AgentConfig;
import dev.cordon.ven.VenMain;
import dev.cordon.ven.enforce.DataplaneEnforcer;
import dev.cordon.ven.state.StateDir;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The live demo: a PCE on an embedded H2 store, the example org built through the REST API, one real VEN per
 * workload enforcing its own network namespace, the traffic matrix checked with real TCP connections, and a
 * tampering attempt repaired and reported. Everything it creates (namespaces, listeners, agents, the PCE and its
 * temporary data) is removed on exit, also on Ctrl-C.
 */
public final class LiveDemo implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The VENs' --flow-report-interval: short, so the matrix's flows are back within seconds. */
    private static final Duration FLOW_REPORTS = Duration.ofSeconds(1);
    private final PrintWriter out;
    private final JsonNode scenario;
    private final List<Agent> agents = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private Path data;
    private PceServer pce;
    private DemoNetwork net;
    private Api api;
    private int step;

    public LiveDemo(PrintWriter out, JsonNode scenario) {
        this.out = out;
        this.scenario = scenario;
    }

    /** Why the live demo cannot run here, or {@code null} when it can. */
    public static String unavailableBecause() {
        if (!"root".equals(System.getProperty("user.name"))) return "it needs root (network namespaces and iptables)";
        for (String tool : List.of("ip", "iptables", "ipset", "python3")) {
            if (!ProcessCommandRunner.host().run("sh", "-c", "command -v " + tool).ok()) {
                return tool + " is not installed (apt-get install iproute2 iptables ipset python3)";
            }
        }
        if (!ProcessCommandRunner.host().run("ip", "netns", "list").ok()) return "network namespaces are not available";
        return null;
    }

    /** Runs the demo; returns when it has shown everything (the caller decides whether to wait for Ctrl-C). */
    public void run() throws IOException {
        JsonNode policy = scenario.path("policy");
        progress("Starting a PCE on an embedded H2 store");
        data = Files.createTempDirectory("cordon-demo");
        pce = new PceServer(new PceServer.Config(data.resolve("pce"), null, "127.0.0.1", 0, true),
                new PrintStream(new ByteArrayOutputStream())).start();
        String key = Files.readString(pce.ownerKeyFile()).trim();
        api = new Api("http://127.0.0.1:" + pce.port() + "/api/v2", key);

        progress("Creating labels, services and IP lists through the REST API");
        Map<String, String> hrefs = new HashMap<>();
        for (JsonNode l : policy.path("labels")) {
            hrefs.put(l.get("href").asText(), api.post("/orgs/1/labels", Map.of("key", l.get("key").asText(),
                    "value", l.get("value").asText())).get("href").asText());
        }
        for (JsonNode s : policy.path("services")) {
            hrefs.put(s.get("href").asText(), s.get("name").asText().equals("All Services")
                    ? api.get("/orgs/1/sec_policy/draft/services?name=All%20Services").get(0).get("href").asText()
                    : api.post("/orgs/1/sec_policy/draft/services", strip(s)).get("href").asText());
        }
        for (JsonNode l : policy.path("ip_lists")) {
            hrefs.put(l.get("href").asText(), l.get("name").asText().startsWith("Any ")
                    ? api.get("/orgs/1/sec_policy/draft/ip_lists?name=Any").get(0).get("href").asText()
                    : api.post("/orgs/1/sec_policy/draft/ip_lists", strip(l)).get("href").asText());
        }

        progress("Starting " + policy.path("workloads").size() + " hosts in network namespaces, each with a real VEN");
        net = new DemoNetwork();
        for (JsonNode w : policy.path("workloads")) {
            String name = w.get("name").asText();
            String ns = net.host(name, w.path("interfaces").get(0).get("address").asText());
            List<Map<String, String>> labels = new ArrayList<>();
            w.path("labels").forEach(l -> labels.add(Map.of("href", hrefs.get(l.get("href").asText()))));
            String profile = api.post("/orgs/1/pairing_profiles", Map.of("name", name, "enforcement_mode",
                    w.get("enforcement_mode").asText(), "labels", labels)).get("href").asText();
            String code = api.post(profile + "/pairing_key", Map.of()).get("activation_code").asText();
            AgentConfig cfg = AgentConfig.of("http://127.0.0.1:" + pce.port(), code, ns, name, data.resolve("ven-" + name))
                    .withIntervals(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(10))
                    .withLegacyEnvFiles(List.of()).withFlowReportInterval(FLOW_REPORTS);
            ProcessCommandRunner runner = ProcessCommandRunner.inNamespace(ns);
            // the backend a real host's VEN would pick (auto): both backends tag each connection with its deciding rule
            Agent agent = VenMain.wire(cfg, runner, new DataplaneEnforcer(Backends.create(runner)),
                    StateDir.open(cfg.stateDir()));
            agents.add(agent);
            Thread t = new Thread(agent::run, "demo-ven-" + name);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        Set<String> external = new LinkedHashSet<>();
        for (JsonNode c : scenario.path("checks")) {
            if (isAddress(c.get("from").asText())) external.add(c.get("from").asText());
        }
        for (String ip : external) net.host(ip, ip);
        Map<String, String> workloads = awaitWorkloads(policy.path("workloads").size());
        out.println("      " + workloads.size() + " VENs activated: " + String.join(", ", workloads.keySet()));

        progress("Writing the rule sets and provisioning");
        for (JsonNode rs : policy.path("rule_sets")) {
            String body = PolicyJson.write(stripRuleSet(rs));
            for (Map.Entry<String, String> e : hrefs.entrySet()) {
                body = body.replace("\"" + e.getKey() + "\"", "\"" + e.getValue() + "\"");
            }
            api.post("/orgs/1/sec_policy/draft/rule_sets", body);
        }
        JsonNode version = api.post("/orgs/1/sec_policy", Map.of("update_description", "cordon demo"));
        long provisioned = System.nanoTime();
        awaitApplied(workloads.size());
        out.printf("      version %d provisioned; every VEN applied it within %d ms%n", version.path("version").asLong(),
                (System.nanoTime() - provisioned) / 1_000_000);

        progress("Checking the traffic matrix with real TCP connections");
        java.time.Instant matrixStart = java.time.Instant.now().minusSeconds(60);
        Map<String, Set<Integer>> ports = new LinkedHashMap<>();
        for (JsonNode c : scenario.path("checks")) {
            ports.computeIfAbsent(c.get("to").asText(), k -> new java.util.TreeSet<>()).add(c.get("port").asInt());
        }
        ports.forEach(net::listen);
        out.printf("      %-16s %-16s %-9s %-8s %-8s %s%n", "FROM", "TO", "SERVICE", "KERNEL", "ENGINE", "DECIDING RULE");
        int mismatches = 0;
        for (JsonNode c : scenario.path("checks")) {
            String from = c.get("from").asText();
            String to = c.get("to").asText();
            int port = c.get("port").asInt();
            String dst = address(policy, to);
            boolean passed = net.connects(from, dst, port);
            JsonNode check = api.get("/orgs/1/sec_policy/active/policy_check?" + param("src", from, workloads) + "&"
                    + param("dst", to, workloads) + "&port=" + port + "&protocol=6");
            boolean allowed = check.path("decision").path("allowed").asBoolean();
            if (allowed != passed) mismatches++;
            JsonNode rule = check.path("decision").path("deciding_rule");
            out.printf("      %-16s %-16s %-9s %-8s %-8s %s%n", from, to, port + "/tcp", passed ? "allowed" : "BLOCKED",
                    allowed ? "allowed" : "blocked", rule.isMissingNode() || rule.isNull() ? "(mode default)"
                            : rule.path("kind").asText() + " in '" + rule.path("rule_set_name").asText() + "'");
        }
        out.println(mismatches == 0 ? "      the kernel did exactly what the engine said, for every flow"
                : "      " + mismatches + " flows differ between the kernel and the engine!");

        progress("Reading the flows the VENs reported (the PCE's Explorer API, as `cordon traffic query` does)");
        new ReportedFlows(out, "http://127.0.0.1:" + pce.port(), key, policy).show(scenario.path("checks"), matrixStart);

        String victim = tamperTarget(policy);
        progress("Tampering: another tool inserts an ACCEPT-all at the top of " + victim + "'s INPUT chain");
        net.run(victim, "iptables", "-w", "-I", "INPUT", "1", "-m", "comment", "--comment", "demo-tamper", "-j", "ACCEPT");
        long tampered = System.nanoTime();
        long deadline = tampered + Duration.ofSeconds(15).toNanos();
        while (net.run(victim, "iptables", "-w", "-S", "INPUT").stdout().contains("demo-tamper") && System.nanoTime() < deadline) {
            sleep(50);
        }
        boolean repaired = !net.run(victim, "iptables", "-w", "-S", "INPUT").stdout().contains("demo-tamper");
        out.printf("      %s after %d ms%n", repaired ? "the VEN removed it and restored its firewall"
                : "NOT repaired within 15 s", (System.nanoTime() - tampered) / 1_000_000);
        JsonNode events = awaitEvent("agent.tampering");
        if (events != null) {
            out.println("      event reported to the PCE: " + events.path("event_type").asText() + " from "
                    + events.path("created_by").path("agent").path("hostname").asText() + ": "
                    + PolicyJson.write(events.path("info")));
        }
        out.println();
        out.println("The PCE is running: web console http://127.0.0.1:" + pce.port() + "/  (sign in with the API key)");
        out.println("  API key (user:secret): " + key);
        out.println("  e.g. curl -u '" + key + "' http://127.0.0.1:" + pce.port() + "/api/v2/orgs/1/workloads");
        out.println("  traffic: ./cordon traffic query --pce http://127.0.0.1:" + pce.port() + " --api-key '" + key
                + "' --since 10m");
        out.flush();
    }

    /** The host whose firewall the demo tampers with (and shows compiled): the first one in {@code full} mode. */
    public static String tamperTarget(JsonNode policy) {
        for (JsonNode w : policy.path("workloads")) {
            if ("full".equals(w.path("enforcement_mode").asText())) return w.get("name").asText();
        }
        throw new IllegalArgumentException("the demo's example has no workload in full enforcement mode");
    }

    private static boolean isAddress(String s) {
        return s.matches("[0-9.]+") || s.contains(":");
    }

    static String address(JsonNode policy, String end) {
        for (JsonNode w : policy.path("workloads")) {
            if (w.get("name").asText().equals(end)) return w.path("interfaces").get(0).get("address").asText();
        }
        return end;
    }

    private static String param(String side, String end, Map<String, String> workloads) {
        return workloads.containsKey(end) ? side + "_workload=" + workloads.get(end) : side + "_external_ip=" + end;
    }

    private Map<String, String> awaitWorkloads(int n) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Map<String, String> byName = new java.util.TreeMap<>();
            for (JsonNode w : api.get("/orgs/1/workloads")) {
                if (w.path("managed").asBoolean()) byName.put(w.path("hostname").asText(), w.get("href").asText());
            }
            if (byName.size() >= n) return byName;
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + byName.size() + " of " + n + " VENs activated within " + WAIT);
            }
            sleep(200);
        }
    }

    private void awaitApplied(int n) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long version = api.get("/orgs/1/sec_policy").size();
        while (System.nanoTime() < deadline) {
            int applied = 0;
            for (JsonNode w : api.get("/orgs/1/workloads")) {
                if ("applied".equals(w.path("agent").path("status").path("security_policy_sync_state").asText())) applied++;
            }
            if (applied >= n && version > 0) {
                sleep(300);
                return;
            }
            sleep(100);
        }
        out.println("      (not every VEN reported 'applied' within " + WAIT + ")");
    }

    private JsonNode awaitEvent(String type) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode e = api.get("/orgs/1/events?event_type=" + type);
            if (e.size() > 0) return e.get(0);
            sleep(200);
        }
        return null;
    }

    private void progress(String what) {
        out.printf("[%d] %s...%n", ++step, what);
        out.flush();
    }

    private static ObjectNode strip(JsonNode n) {
        ObjectNode o = n.deepCopy();
        o.remove("href");
        return o;
    }

    private static ObjectNode stripRuleSet(JsonNode rs) {
        ObjectNode o = strip(rs);
        for (String list : List.of("rules", "deny_rules", "ip_tables_rules")) {
            o.path(list).forEach(r -> ((ObjectNode) r).remove("href"));
        }
        return o;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (Agent a : agents) a.stop();
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (net != null) net.close();
        if (pce != null) pce.close();
        if (data != null) {
            try (Stream<Path> s = Files.walk(data)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind is harmless
            }
        }
    }
}
