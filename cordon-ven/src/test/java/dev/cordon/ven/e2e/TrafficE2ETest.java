package dev.cordon.ven.e2e;

import static dev.cordon.ven.e2e.Fleet.await;
import static dev.cordon.ven.e2e.Fleet.check;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.kernel.Lab;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.PceHarness;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Traffic visibility end to end (issue 17), on the embedded store and on PostgreSQL: a real PCE and four real VENs
 * (the {@code cordon ven} code, {@code --flow-report-interval 1}) in network namespaces. Three run in-process as
 * {@link Fleet} wires them, the database's as a child JVM ({@code VenMain}) so that it can be killed. Real TCP and
 * UDP connections of every decision kind, both directions:
 *
 * <pre>
 *   web (full)  ──5432/tcp, 53/udp (allow rule)──▶ db (full)        allowed at both ends
 *   ext ──9999/tcp, 9998/udp (no rule), 22/tcp (override deny)──▶ db  blocked (drop) at db
 *   web ──8443/tcp (no rule)──▶ ext                                  blocked at web (outbound)
 *   ext ──8080/tcp, 5000/udp (no rule), 8081/tcp (override deny)──▶ vis (visibility_only)   potentially_blocked
 *   vis ──8082/tcp──▶ ext                                            potentially_blocked at vis (outbound)
 *   ext ──80/tcp (allow rule)──▶ vis                                 allowed at vis
 *   ext ──161/udp──▶ coex, coex ──8083/tcp──▶ ext                    unknown: a foreign rule accepts them before
 *                                                                    Cordon's jump (coexistence, not primary)
 * </pre>
 *
 * Every record the Explorer API returns is compared with what the engine's {@code policy_check} says at that end
 * (decision and deciding rule), and the official Illumio SDK's {@code get_traffic_flows_async} with a
 * {@code TrafficQuery} must return the same. In the middle the PCE is stopped, more connections are made (the VENs
 * spool them), the database's VEN is killed with SIGKILL while its batch is spooled and unacknowledged, the PCE and
 * the VEN start again: the connection counts at both ends are then exact, nothing lost, nothing twice.
 */
class TrafficE2ETest {
    static final String NET = "10.84.0.";
    /** A port the allow rule web → db also opens, used only to see that both ends enforce it. */
    static final int WARM_UP = 5433;
    // iptables: the not-primary case is made with foreign iptables ACCEPT rules before Cordon's jump, which only an
    // iptables host has in that form; the nftables backend's capture is held to the engine by the flow kernel
    // suites (NftablesFlowServiceKernelTest, NftablesFlowDecisionKernelTest)
    static final String DATAPLANE = "iptables";

    /** One kind of connection the test makes {@code times} times. */
    record Made(String from, String to, int port, String proto, int times) {
        int protoNumber() {
            return proto.equals("tcp") ? 6 : 17;
        }
    }

    /** A flow record the Explorer must return: oriented src → dst, the reporting end's decision and rule. */
    record Expect(String src, String dst, int port, int proto, String direction, String decision, String rule,
                  String reason) {
        String key() {
            return src + " -> " + dst + " " + port + "/" + proto + " " + direction;
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void everyFlowComesBackWithTheEnginesDecisionAndRuleAndRestartsLoseAndDuplicateNothing(String database)
            throws Exception {
        Instant from = Instant.now().minus(Duration.ofHours(1));
        long t0 = System.nanoTime();
        long[] at = new long[4]; // VENs enforcing, first flows back, counts final after the restarts, SDK done
        try (Fleet fleet = new Fleet(() -> PceHarness.of(database))) {
            fleet.flowReportInterval = Duration.ofSeconds(1);
            Api api = fleet.api();
            Map<String, String> role = new HashMap<>();
            for (String r : List.of("web", "db", "vis", "coex")) {
                role.put(r, api.post("/orgs/1/labels", Map.of("key", "role", "value", "traffic-" + r)).body()
                        .get("href").asText());
            }
            Api.Resp ipl = api.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", "ext",
                    "ip_ranges", List.of(Map.of("from_ip", NET + "9"))));
            check(ipl, 201);
            String ext = ipl.body().get("href").asText();
            check(api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "traffic", "scopes", List.of(List.of()),
                    "rules", List.of(
                            rule(label(role.get("db")), label(role.get("web")), svc(6, 5432), svc(17, 53), svc(6, WARM_UP)),
                            rule(label(role.get("vis")), Map.of("ip_list", Map.of("href", ext)), svc(6, 80))),
                    "deny_rules", List.of(
                            deny(label(role.get("db")), ext, svc(6, 22)),
                            deny(label(role.get("vis")), ext, svc(6, 8081))))), 201);
            check(api.put("/orgs/1/sec_policy/draft/firewall_settings", Map.of("firewall_coexistence",
                    List.of(Map.of("illumio_primary", false, "scope", List.of(Map.of("href", role.get("coex"))))))), 204);
            long version = fleet.provision("traffic e2e");

            Map<String, Lab.Host> hosts = new LinkedHashMap<>();
            hosts.put("web", fleet.lab.host(NET + "1"));
            hosts.put("db", fleet.lab.host(NET + "2"));
            hosts.put("vis", fleet.lab.host(NET + "3"));
            hosts.put("coex", fleet.lab.host(NET + "4"));
            hosts.put("ext", fleet.lab.host(NET + "9"));
            hosts.get("db").listen(Set.of("tcp:5432", "udp:53", "tcp:9999", "udp:9998", "tcp:22", "tcp:" + WARM_UP));
            hosts.get("vis").listen(Set.of("tcp:8080", "tcp:8081", "udp:5000", "tcp:80"));
            hosts.get("coex").listen(Set.of("udp:161"));
            hosts.get("ext").listen(Set.of("tcp:8443", "tcp:8082", "tcp:8083"));

            List<Fleet.Ven> inProcess = new ArrayList<>();
            inProcess.add(fleet.start("web", hosts.get("web"), "web", fleet.activationCode("web", "full", List.of(role.get("web")))));
            inProcess.add(fleet.start("vis", hosts.get("vis"), "vis",
                    fleet.activationCode("vis", "visibility_only", List.of(role.get("vis")))));
            inProcess.add(fleet.start("coex", hosts.get("coex"), "coex", fleet.activationCode("coex", "full", List.of(role.get("coex")))));
            Path dbState = fleet.tmp.resolve("db");
            VenCrashE2ETest.VenProcess db = new VenCrashE2ETest.VenProcess(fleet.pceUrl(),
                    fleet.activationCode("db", "full", List.of(role.get("db"))), hosts.get("db").ns, dbState, DATAPLANE,
                    "db", List.of("--flow-report-interval", "1"));
            try {
                db.start();
                await(Duration.ofSeconds(40), "the database VEN's traffic capture", () -> captureOn(db));
                await(Duration.ofSeconds(40), "every VEN enforcing version " + version,
                        () -> inProcess.stream().allMatch(v -> v.version() >= version));
                VenCrashE2ETest.awaitVersion(dbState, version);
                // each end's policy names the other only once both VENs are paired: wait until the rule works both ways
                // (on a port of its own, so the counted connections below are all the test's)
                await(Duration.ofSeconds(60), "web reaching db:" + WARM_UP + " through the allow rule",
                        () -> probe(hosts.get("web"), NET + "2", WARM_UP, "tcp").ok());
                at[0] = System.nanoTime();
                Map<String, String> workload = workloads(api);
                assertThat(workload).containsKeys("web", "db", "vis", "coex");
                JsonNode coexistence = api.get(workload.get("coex")).body().path("firewall_coexistence");
                assertThat(coexistence.path("illumio_primary").isBoolean() && !coexistence.path("illumio_primary").asBoolean())
                        .as("coex coexists, not primary: %s", coexistence).isTrue();
                // another firewall's rules, ahead of Cordon's jumps (not primary: Cordon appends its jumps)
                hosts.get("coex").run("iptables", "-w", "-I", "INPUT", "1", "-p", "udp", "--dport", "161", "-j", "ACCEPT");
                hosts.get("coex").run("iptables", "-w", "-I", "OUTPUT", "1", "-p", "tcp", "--dport", "8083", "-j", "ACCEPT");

                List<Made> made = List.of(
                        new Made("web", "db", 5432, "tcp", 3), new Made("web", "db", 53, "udp", 2),
                        new Made("ext", "db", 9999, "tcp", 1), new Made("ext", "db", 9998, "udp", 1),
                        new Made("ext", "db", 22, "tcp", 1), new Made("web", "ext", 8443, "tcp", 1),
                        new Made("ext", "vis", 8080, "tcp", 1), new Made("ext", "vis", 5000, "udp", 1),
                        new Made("ext", "vis", 8081, "tcp", 1), new Made("vis", "ext", 8082, "tcp", 1),
                        new Made("ext", "vis", 80, "tcp", 1), new Made("ext", "coex", 161, "udp", 1),
                        new Made("coex", "ext", 8083, "tcp", 1));
                List<Expect> expected = new ArrayList<>();
                Map<Made, Boolean> passes = new LinkedHashMap<>();
                for (Made m : made) passes.put(m, expect(api, hosts, workload, m, expected));
                List<String> failures = new ArrayList<>();
                Map<Made, Boolean> reached = connect(hosts, made, failures);
                assertThat(reached).as("what the kernel let through is what the engine says (coex: the foreign rule);"
                        + " failed connections: %s", failures).isEqualTo(passes);
                assertCoversEveryKind(expected);

                Explorer explorer = new Explorer(fleet.pceUrl(), Files.readString(fleet.pce.server.ownerKeyFile()).trim());
                String webIp = NET + "1";
                String dbIp = NET + "2";
                // a key's connections may come in several batches: wait for all of them
                List<JsonNode> seen = awaitRecords(explorer, from, expected, flows -> connections(flows, webIp, dbIp, 5432,
                        "inbound") >= 3 && connections(flows, webIp, dbIp, 5432, "outbound") >= 3
                        && connections(flows, webIp, dbIp, 53, "inbound") >= 2);
                for (Expect e : expected) {
                    // a key can have a record per state (active, then closed when conntrack ends the connection)
                    List<JsonNode> recs = matching(seen, e);
                    for (JsonNode r : recs) {
                        assertThat(r.get("policy_decision").asText()).as("%s: the decision at that end", e.key())
                                .isEqualTo(e.decision());
                        assertThat(ruleTail(r.path("rule").path("href").asText(null))).as("%s: the deciding rule", e.key())
                                .isEqualTo(e.rule());
                        assertThat(r.path("decision_reason").asText(null)).as("%s: the reason", e.key()).isEqualTo(e.reason());
                    }
                    assertThat(recs.stream().mapToLong(r -> r.path("num_connections").asLong()).sum())
                            .as("%s: connections", e.key()).isPositive();
                }
                assertThat(connections(seen, webIp, dbIp, 5432, "inbound")).isEqualTo(3);
                assertThat(connections(seen, webIp, dbIp, 5432, "outbound")).isEqualTo(3);
                assertThat(connections(seen, webIp, dbIp, 53, "inbound")).isEqualTo(2);

                at[1] = System.nanoTime();
                // the PCE goes away; the VENs spool what they see
                fleet.stopPce();
                connectTimes(hosts.get("web"), dbIp, 5432, "tcp", 2);
                connectTimes(hosts.get("web"), dbIp, 53, "udp", 1);
                Path webSpool = fleet.tmp.resolve("web").resolve("flows");
                Path dbSpool = dbState.resolve("flows");
                await(Duration.ofSeconds(20), "both VENs spooling the connections made while the PCE is down",
                        () -> spooled(dbSpool, 5432) == 2 && spooled(webSpool, 5432) == 2 && spooled(dbSpool, 53) == 1);
                // SIGKILL with a batch spooled and unacknowledged, then the PCE and the VEN start again
                db.kill();
                fleet.startPceAgain();
                db.start();
                // connections made before its capture is on would only be seen as "snapshot": wait for it
                await(Duration.ofSeconds(30), "the restarted VEN's traffic capture", () -> captureOn(db));
                connectTimes(hosts.get("web"), dbIp, 5432, "tcp", 2);

                await(Duration.ofSeconds(30), "every spooled batch acknowledged", () -> spooled(dbSpool, -1) == 0
                        && spooled(webSpool, -1) == 0);
                List<JsonNode> last = new ArrayList<>();
                await(Duration.ofSeconds(30), "all 7 connections to 5432 reported by both ends", () -> {
                    last.clear();
                    last.addAll(explorer.all(from, Instant.now().plus(Duration.ofHours(1))));
                    return connections(last, webIp, dbIp, 5432, "inbound") >= 7
                            && connections(last, webIp, dbIp, 5432, "outbound") >= 7;
                });
                // nothing is left to upload (both spools are empty): the counts are final
                await(Duration.ofSeconds(30), "both spools empty again", () -> spooled(dbSpool, -1) == 0
                        && spooled(webSpool, -1) == 0);
                List<JsonNode> fin = explorer.all(from, Instant.now().plus(Duration.ofHours(1)));
                assertThat(connections(fin, webIp, dbIp, 5432, "inbound")).as("db's count: no batch lost or stored twice")
                        .isEqualTo(7);
                assertThat(connections(fin, webIp, dbIp, 5432, "outbound")).as("web's count").isEqualTo(7);
                assertThat(connections(fin, webIp, dbIp, 53, "inbound")).isEqualTo(3);
                assertThat(connections(fin, webIp, dbIp, 53, "outbound")).isEqualTo(3);
                for (Expect e : expected) assertThat(matching(fin, e)).as("%s after the restarts", e.key()).isNotEmpty();

                at[2] = System.nanoTime();
                JsonNode sdk = IllumioSdk.trafficFlows(fleet.pceUrl(), Files.readString(fleet.pce.server.ownerKeyFile()).trim(),
                        from, expected, webIp, dbIp);
                assertThat(sdk.path("missing")).as("flows the SDK did not return: %s", sdk).isEmpty();
                assertThat(sdk.path("wrong")).as("flows the SDK returned with another decision or rule: %s", sdk).isEmpty();
                assertThat(sdk.path("connections_5432").path("inbound").asLong()).as(sdk.toString()).isEqualTo(7);
                assertThat(sdk.path("connections_5432").path("outbound").asLong()).as(sdk.toString()).isEqualTo(7);
                at[3] = System.nanoTime();
                String phases = String.format("setup to VENs enforcing %.1f s, flows made and back %.1f s, PCE restart"
                                + " and VEN kill -9 to final counts %.1f s, SDK %.1f s", (at[0] - t0) / 1e9,
                        (at[1] - at[0]) / 1e9, (at[2] - at[1]) / 1e9, (at[3] - at[2]) / 1e9);
                System.out.println("traffic e2e (" + database + "): " + expected.size() + " expected records, "
                        + fin.size() + " records stored, SDK saw " + sdk.path("flows").asLong() + " flows; " + phases);
                Timings.record("traffic-" + database, phases);
            } finally {
                db.killWithChildren();
            }
        }
    }

    /**
     * Asks the engine about {@code m} and adds the records each managed end must report; returns whether the kernel
     * must let it through. The coexisting host's own end is {@code unknown}: a foreign rule accepts it first.
     */
    static boolean expect(Api api, Map<String, Lab.Host> hosts, Map<String, String> workload, Made m, List<Expect> out) {
        String src = hosts.get(m.from()).address;
        String dst = hosts.get(m.to()).address;
        Api.Resp r = api.get("/orgs/1/sec_policy/active/policy_check?" + end("src", m.from(), src, workload) + "&"
                + end("dst", m.to(), dst, workload) + "&port=" + m.port() + "&protocol=" + m.protoNumber());
        check(r, 200);
        JsonNode d = r.body().get("decision");
        boolean srcBlocks = false;
        if (m.from().equals("coex")) {
            out.add(new Expect(src, dst, m.port(), m.protoNumber(), "outbound", "unknown", null, "accepted_outside_cordon"));
        } else if (workload.containsKey(m.from())) {
            out.add(engine(src, dst, m, "outbound", d.get("source")));
            srcBlocks = d.get("source").get("verdict").asText().equals("blocked");
        }
        if (srcBlocks) return false;
        if (m.to().equals("coex")) {
            out.add(new Expect(src, dst, m.port(), m.protoNumber(), "inbound", "unknown", null, "accepted_outside_cordon"));
            return true;
        }
        if (workload.containsKey(m.to())) {
            out.add(engine(src, dst, m, "inbound", d.get("destination")));
            return !d.get("destination").get("verdict").asText().equals("blocked");
        }
        return true;
    }

    static Expect engine(String src, String dst, Made m, String direction, JsonNode at) {
        String verdict = at.get("verdict").asText();
        assertThat(verdict).as("a managed end is enforced").isIn("allowed", "blocked", "potentially_blocked");
        return new Expect(src, dst, m.port(), m.protoNumber(), direction, verdict,
                ruleTail(at.path("rule").path("href").asText(null)), null);
    }

    static String end(String side, String name, String ip, Map<String, String> workload) {
        return workload.containsKey(name) ? side + "_workload=" + workload.get(name) : side + "_external_ip=" + ip;
    }

    /** The test must really cover every decision in both directions, over TCP and UDP (guards the design above). */
    static void assertCoversEveryKind(List<Expect> expected) {
        Set<String> kinds = new TreeSet<>();
        for (Expect e : expected) {
            kinds.add(e.decision() + " " + e.direction());
            kinds.add(e.decision() + " " + (e.proto() == 6 ? "tcp" : "udp"));
        }
        Set<String> want = new TreeSet<>();
        for (String d : List.of("allowed", "blocked", "potentially_blocked", "unknown")) {
            want.addAll(List.of(d + " inbound", d + " outbound", d + " tcp", d + " udp"));
        }
        assertThat(kinds).as("decision kinds the engine gives for the flows made: %s", expected).containsAll(want);
        assertThat(expected).as("rules named").anyMatch(e -> e.decision().equals("blocked") && e.rule() != null)
                .anyMatch(e -> e.decision().equals("potentially_blocked") && e.rule() != null)
                .anyMatch(e -> e.decision().equals("allowed") && e.rule() != null);
    }

    /**
     * Makes every connection (blocked ones time out after 1 s, so they run side by side); {@code why} collects how
     * each failed one failed.
     */
    static Map<Made, Boolean> connect(Map<String, Lab.Host> hosts, List<Made> made, List<String> why) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Map<Made, Future<Boolean>> f = new LinkedHashMap<>();
            for (Made m : made) {
                f.put(m, pool.submit(() -> {
                    boolean all = true;
                    for (int i = 0; i < m.times(); i++) {
                        CommandResult r = probe(hosts.get(m.from()), hosts.get(m.to()).address, m.port(), m.proto());
                        if (!r.ok()) {
                            all = false;
                            synchronized (why) {
                                why.add(m + ": exit " + r.exitCode() + " " + (r.stdout() + r.stderr()).strip());
                            }
                        }
                    }
                    return all;
                }));
            }
            Map<Made, Boolean> out = new LinkedHashMap<>();
            for (Map.Entry<Made, Future<Boolean>> e : f.entrySet()) out.put(e.getKey(), e.getValue().get(120, TimeUnit.SECONDS));
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static final String PROBE = String.join("\n",
            "import socket, sys",
            "host, port, proto = sys.argv[1], int(sys.argv[2]), sys.argv[3]",
            "try:",
            "    if proto == 'tcp':",
            "        s = socket.create_connection((host, port), timeout=1.0); s.close()",
            "    else:",
            "        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1.0)",
            "        s.sendto(b'cordon', (host, port)); s.recvfrom(64)",
            "except Exception as e:",
            "    print(type(e).__name__, e); sys.exit(1)");

    /** One real connection (TCP) or echoed datagram (UDP), as {@link Lab.Host#reaches} makes it, with its output. */
    static CommandResult probe(Lab.Host from, String dst, int port, String proto) {
        return from.runner().run(List.of("python3", "-c", PROBE, dst, String.valueOf(port), proto), "", Duration.ofSeconds(30));
    }

    static void connectTimes(Lab.Host from, String dst, int port, String proto, int times) {
        for (int i = 0; i < times; i++) {
            CommandResult r = probe(from, dst, port, proto);
            assertThat(r.ok()).as("%s:%d/%s is allowed: %s", dst, port, proto, r).isTrue();
        }
    }

    /** Polls the Explorer until every expected key has a record; returns the last download. */
    static List<JsonNode> awaitRecords(Explorer explorer, Instant from, List<Expect> expected,
                                       java.util.function.Predicate<List<JsonNode>> andThen) {
        List<JsonNode> last = new ArrayList<>();
        try {
            await(Duration.ofSeconds(30), "every expected flow in the Explorer", () -> {
                last.clear();
                last.addAll(explorer.all(from, Instant.now().plus(Duration.ofHours(1))));
                return expected.stream().allMatch(e -> !matching(last, e).isEmpty()) && andThen.test(last);
            });
        } catch (AssertionError e) {
            List<String> missing = expected.stream().filter(x -> matching(last, x).isEmpty()).map(Expect::key).toList();
            throw new AssertionError(e.getMessage() + "; missing " + missing + " in " + summary(last), e);
        }
        return last;
    }

    /** Records of {@code e}'s key, leaving out {@code snapshot} ones (connections a restarted VEN found open). */
    static List<JsonNode> matching(List<JsonNode> flows, Expect e) {
        return flows.stream().filter(f -> f.at("/src/ip").asText().equals(e.src()) && f.at("/dst/ip").asText().equals(e.dst())
                && f.at("/service/port").asInt() == e.port() && f.at("/service/proto").asInt() == e.proto()
                && f.path("flow_direction").asText().equals(e.direction())
                && !f.path("state").asText().equals("snapshot")).toList();
    }

    /**
     * Connections web → db reported by one end, over the records of live connections. A restarted VEN reports the
     * connections it finds in conntrack once more with state {@code snapshot} (issue 17: "existing connections at start
     * are reported once with state snapshot"): those are not new connections and are not counted.
     */
    static long connections(List<JsonNode> flows, String src, String dst, int port, String direction) {
        return flows.stream().filter(f -> f.at("/src/ip").asText().equals(src) && f.at("/dst/ip").asText().equals(dst)
                        && f.at("/service/port").asInt() == port && f.path("flow_direction").asText().equals(direction)
                        && f.path("policy_decision").asText().equals("allowed") && !f.path("state").asText().equals("snapshot"))
                .mapToLong(f -> f.path("num_connections").asLong()).sum();
    }

    static String summary(List<JsonNode> flows) {
        List<String> out = new ArrayList<>();
        for (JsonNode f : flows) {
            out.add(f.at("/src/ip").asText() + " -> " + f.at("/dst/ip").asText() + " " + f.at("/service/port").asText()
                    + "/" + f.at("/service/proto").asText() + " " + f.path("flow_direction").asText() + " "
                    + f.path("policy_decision").asText() + " " + f.path("state").asText() + " x"
                    + f.path("num_connections").asText());
        }
        return out.toString();
    }

    /**
     * Connections to {@code port} in the batches spooled in {@code dir} (the gzip'd JSON the VEN uploads); with
     * {@code port} -1 the number of spooled batches.
     */
    static long spooled(Path dir, int port) {
        if (!Files.isDirectory(dir)) return 0;
        long n = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".json.gz")).toList()) {
                if (port < 0) {
                    n++;
                    continue;
                }
                JsonNode batch;
                try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
                    batch = Explorer.M.readTree(in);
                } catch (IOException e) {
                    continue; // deleted (acknowledged) while we read it
                }
                for (JsonNode f : batch.path("flows")) {
                    if (f.path("port").asInt() == port && !f.path("state").asText().equals("snapshot")
                            && f.path("decision").asText().equals("allowed")) {
                        n += f.path("connections").asLong();
                    }
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return n;
    }

    /** The VEN process logged that its capture runs (each start writes a new log file). */
    static boolean captureOn(VenCrashE2ETest.VenProcess ven) {
        try {
            return Files.readString(ven.log.toPath()).contains("traffic reporting on");
        } catch (IOException e) {
            return false;
        }
    }

    static Map<String, String> workloads(Api api) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode w : api.get("/orgs/1/workloads").body()) {
            if (w.path("managed").asBoolean()) out.put(w.path("hostname").asText(), w.get("href").asText());
        }
        return out;
    }

    static String ruleTail(String href) {
        if (href == null) return null;
        int i = href.indexOf("/rule_sets/");
        return i < 0 ? href : href.substring(i + 1);
    }

    static Map<String, Object> label(String href) {
        return Map.of("label", Map.of("href", href));
    }

    static Map<String, Object> svc(int proto, int port) {
        return Map.of("proto", proto, "port", port);
    }

    @SafeVarargs
    static Map<String, Object> rule(Map<String, Object> provider, Map<String, Object> consumer, Map<String, Object>... services) {
        return Map.of("providers", List.of(provider), "consumers", List.of(consumer), "ingress_services", List.of(services),
                "unscoped_consumers", true);
    }

    static Map<String, Object> deny(Map<String, Object> provider, String ipList, Map<String, Object> service) {
        return Map.of("providers", List.of(provider), "consumers", List.of(Map.of("ip_list", Map.of("href", ipList))),
                "ingress_services", List.of(service), "override", true, "unscoped_consumers", true);
    }

    /** The official SDK ({@code ../shared/vendor/illumio-py}, unmodified), run from a temporary copy. */
    static final class IllumioSdk {
        static Path source() {
            for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
                Path candidate = p.resolve("../shared/vendor/illumio-py").normalize();
                if (Files.isDirectory(candidate.resolve("illumio")) && Files.exists(p.resolve("pom.xml"))) return candidate;
            }
            throw new IllegalStateException("Cannot find ../shared/vendor/illumio-py beside the project root");
        }

        /** Runs {@code get_traffic_flows_async}; returns the script's verdict (missing, wrong, counts). */
        static JsonNode trafficFlows(String pceUrl, String key, Instant from, List<Expect> expected, String webIp,
                                     String dbIp) throws Exception {
            Path tmp = Files.createTempDirectory("cordon-e2e-sdk");
            try {
                copy(source().resolve("illumio"), tmp.resolve("illumio"));
                Path script = tmp.resolve("sdk_flows.py");
                // sdk_session.py (what both SDK traffic scripts share) comes from cordon-pce's test jar
                for (String name : List.of("sdk_flows.py", "sdk_session.py")) {
                    try (InputStream in = TrafficE2ETest.class.getResourceAsStream("/traffic/" + name)) {
                        Files.write(tmp.resolve(name), in.readAllBytes());
                    }
                }
                List<Map<String, Object>> want = new ArrayList<>();
                for (Expect e : expected) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("src", e.src());
                    m.put("dst", e.dst());
                    m.put("port", e.port());
                    m.put("proto", e.proto());
                    m.put("direction", e.direction());
                    m.put("decision", e.decision());
                    m.put("rule", e.rule());
                    m.put("reason", e.reason());
                    want.add(m);
                }
                Path input = tmp.resolve("expected.json");
                Files.writeString(input, Explorer.M.writeValueAsString(Map.of("start", from.toString(),
                        "end", Instant.now().plus(Duration.ofHours(1)).toString(), "flows", want, "web", webIp, "db", dbIp)));
                URIParts u = URIParts.of(pceUrl);
                ProcessBuilder pb = new ProcessBuilder("python3", script.toString(), u.scheme() + "://" + u.host(),
                        Integer.toString(u.port()), key, input.toString());
                pb.environment().put("PYTHONPATH", tmp.toString());
                pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
                pb.environment().remove("REQUESTS_CA_BUNDLE");
                pb.environment().remove("CURL_CA_BUNDLE");
                pb.redirectErrorStream(true);
                Process p;
                try {
                    p = pb.start();
                } catch (IOException e) {
                    throw new AssertionError("python3 is not installed (apt-get install -y python3 python3-requests)", e);
                }
                try {
                    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the SDK script finished").isTrue();
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(p.exitValue()).as("the SDK script: %s", out).isIn(0, 1);
                    return Explorer.M.readTree(out.strip().lines().reduce((a, b) -> b).orElse("{}"));
                } finally {
                    p.destroyForcibly();
                }
            } finally {
                try (Stream<Path> files = Files.walk(tmp)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }

        static void copy(Path from, Path to) throws IOException {
            try (Stream<Path> files = Files.walk(from)) {
                for (Path f : files.toList()) {
                    if (f.toString().contains("__pycache__")) continue;
                    Path t = to.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) Files.createDirectories(t);
                    else Files.copy(f, t);
                }
            }
        }
    }

    record URIParts(String scheme, String host, int port) {
        static URIParts of(String url) {
            java.net.URI u = java.net.URI.create(url);
            return new URIParts(u.getScheme(), u.getHost(), u.getPort());
        }
    }

}
