package dev.cordon.pce.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.PceServer;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.Api.Resp;
import dev.cordon.pce.harness.MutableClock;
import dev.cordon.pce.harness.Postgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two PCE nodes on one PostgreSQL (started by the harness as the {@code postgres} user; fails, never skips, when it
 * cannot start): a provision or a relabel on one node wakes the long polls parked on the other; VENs attached to
 * different nodes converge on the same policy; writes on both nodes at once get unique hrefs, event numbers and
 * version numbers; suspending a VEN on one node refuses it on the other; heartbeats sent to one node keep the other
 * node's missed-heartbeat check quiet; a restarted node goes on numbering where the cluster is.
 *
 * <p>Long polls ask to wait 30 s: a 200 answer (instead of 304 after 30 s) is the proof that the other node's
 * change woke them. Nothing here asserts on elapsed time.
 */
class MultiNodePostgresTest {
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofMinutes(5);
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    final List<Path> dirs = new ArrayList<>();
    String jdbcUrl;
    Node a;
    Node b;
    String ownerKey;

    /** One PCE process's worth: the server and API clients for it. */
    final class Node implements AutoCloseable {
        final PceServer server;
        final Api owner;
        final Api anonymous;
        final Path dataDir;

        Node(Path dataDir) {
            this(dataDir, Duration.ofHours(1)); // only NOTIFY can wake the other node's polls within the test
        }

        Node(Path dataDir, Duration resync) {
            this(dataDir, resync, List.of());
        }

        Node(Path dataDir, Duration resync, List<String> advertise) {
            this.dataDir = dataDir;
            server = new PceServer(new PceServer.Config(dataDir, jdbcUrl, "127.0.0.1", 0, true).withClock(clock)
                    .withHeartbeatTimeout(HEARTBEAT_TIMEOUT).withResyncInterval(resync)
                    .withAdvertise(advertise.stream().map(PceServer.Config::endpoint).toList()), new PrintStream(new ByteArrayOutputStream(), true)).start();
            anonymous = new Api(http, "http://127.0.0.1:" + server.port(), null);
            owner = anonymous.as(ownerKey());
        }

        @Override
        public void close() {
            server.stop();
        }
    }

    String ownerKey() {
        if (ownerKey == null) {
            try {
                ownerKey = Files.readString(dirs.get(0).resolve("owner-api-key")).trim();
            } catch (IOException e) {
                throw new IllegalStateException("the first node writes the owner key", e);
            }
        }
        return ownerKey;
    }

    Path dir() throws IOException {
        Path d = Files.createTempDirectory("cordon-multinode");
        dirs.add(d);
        return d;
    }

    @BeforeEach
    void start() throws IOException {
        jdbcUrl = Postgres.jdbcUrl();
        a = new Node(dir());
        b = new Node(dir());
    }

    @AfterEach
    void stop() throws IOException {
        if (a != null) a.close();
        if (b != null) b.close();
        for (Path d : dirs) {
            try (var s = Files.walk(d)) {
                s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static String unique(String s) {
        return s + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Resp created(Resp r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r;
    }

    String label(Node n, String key, String value) {
        return created(n.owner.post("/orgs/1/labels", Map.of("key", key, "value", value))).body().get("href").asText();
    }

    /** A VEN activated through {@code n} with the given role label: its agent API on that node. */
    Ven activate(Node n, String role, String address) {
        String profile = created(n.owner.post("/orgs/1/pairing_profiles", Map.of("name", unique("p"),
                "enforcement_mode", "full", "labels", List.of(Map.of("href", role))))).body().get("href").asText();
        String code = created(n.owner.post(profile + "/pairing_key", Map.of())).body().get("activation_code").asText();
        Resp act = created(n.anonymous.post("/ven/activate", Map.of("activation_code", code, "hostname", unique("h"),
                "interfaces", List.of(Map.of("name", "eth0", "address", address)), "ven_type", "server")));
        String token = "Bearer " + act.body().get("agent_token").asText();
        return new Ven(act.body().get("ven").get("href").asText(), act.body().get("workload").get("href").asText(), token);
    }

    record Ven(String href, String workload, String token) {
        Api on(Node n) {
            return n.anonymous.withAuthorization(token);
        }

        String hash(Node n) {
            Resp r = on(n).get("/ven/policy");
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            return r.body().get("hash").asText();
        }

        CompletableFuture<Resp> longPoll(Node n, String knownHash) {
            return CompletableFuture.supplyAsync(() -> on(n).get("/ven/policy?known_hash=" + knownHash + "&wait_seconds=30"));
        }
    }

    String any(Node n) {
        return n.owner.get("/orgs/1/sec_policy/draft/ip_lists?name=Any").body().get(0).get("href").asText();
    }

    /** Drafts a rule set letting anything reach {@code role} on 443; its href. */
    String allowHttpsTo(Node n, String role) {
        return created(n.owner.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", unique("rs"), "scopes", List.of(List.of()),
                "rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", role))),
                        "consumers", List.of(Map.of("ip_list", Map.of("href", any(n)))),
                        "ingress_services", List.of(Map.of("proto", 6, "port", 443))))))).body().get("href").asText();
    }

    /** Waits until the poll has parked on its node (it is not answered while nothing changes). */
    static void parked(Node n, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (n.server.vens().polls().waitingCount() < atLeast && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(n.server.vens().polls().waitingCount()).as("long polls parked").isGreaterThanOrEqualTo(atLeast);
    }

    @Test
    void aProvisionOnOneNodeWakesTheLongPollsOnBothAndTheVensConverge() throws Exception {
        String role = label(a, "role", unique("web"));
        Ven onA = activate(a, role, "10.30.0.1");
        Ven onB = activate(b, role, "10.30.0.2");
        String hashA = onA.hash(a);
        String hashB = onB.hash(b);
        CompletableFuture<Resp> pollA = onA.longPoll(a, hashA);
        CompletableFuture<Resp> pollB = onB.longPoll(b, hashB);
        parked(a, 1);
        parked(b, 1);

        allowHttpsTo(a, role);
        Resp version = created(a.owner.post("/orgs/1/sec_policy", Map.of("update_description", "multi-node")));
        long v = version.body().get("version").asLong();

        Resp gotA = pollA.get(60, TimeUnit.SECONDS);
        Resp gotB = pollB.get(60, TimeUnit.SECONDS);
        assertThat(gotA.status()).as("VEN on the provisioning node: %s", gotA).isEqualTo(200);
        assertThat(gotB.status()).as("VEN on the other node was woken by the NOTIFY: %s", gotB).isEqualTo(200);
        for (Resp r : List.of(gotA, gotB)) {
            assertThat(r.body().get("version").asLong()).isEqualTo(v);
            assertThat(r.body().toString()).contains("\"port\":443");
        }
        // converged: each node serves each VEN the same policy (up to its own control-plane endpoint)
        assertThat(gotB.body().get("hash").asText()).isNotEqualTo(hashB);
        assertThat(b.owner.get("/orgs/1/sec_policy/active").body().get("version").asLong()).isEqualTo(v);
        assertThat(rules(onB.on(a).get("/ven/policy").body())).isEqualTo(rules(gotB.body()));
        assertThat(rules(onA.on(b).get("/ven/policy").body())).isEqualTo(rules(gotA.body()));
        // node B heard that node A started provisioning, built the coming version meanwhile, and took that engine at
        // the commit (the committed snapshot equal to what it assembled) instead of building it after the commit
        assertThat(b.server.vens().polls().prebuiltEngines()).as("engines taken prebuilt on node B").isEqualTo(1);
        assertThat(a.server.vens().polls().prebuiltEngines()).as("node A built its own, in the provision").isZero();
    }

    @Test
    void aSubsetIsBuiltAfterItsCommitAndAWholeDraftBeforeItOnTheOtherNode() throws Exception {
        // a provision of a subset: node B cannot assemble that version, so it builds after the commit, and still
        // answers exactly as node A
        String web = label(a, "role", unique("web"));
        String db = label(a, "role", unique("db"));
        Ven onB = activate(b, web, "10.30.9.2");
        Ven onA = activate(a, web, "10.30.9.1");
        String before = onB.hash(b);
        String subsetRuleSet = allowHttpsTo(a, web);
        allowHttpsTo(a, db); // pending, but not in the subset
        CompletableFuture<Resp> poll = onB.longPoll(b, before);
        parked(b, 1);
        created(a.owner.post("/orgs/1/sec_policy", Map.of("update_description", "subset",
                "change_subset", Map.of("rule_sets", List.of(Map.of("href", subsetRuleSet))))));
        Resp got = poll.get(60, TimeUnit.SECONDS);
        assertThat(got.status()).as(got.toString()).isEqualTo(200);
        assertThat(rules(got.body())).isEqualTo(rules(onB.on(a).get("/ven/policy").body()));
        assertThat(rules(onA.on(b).get("/ven/policy").body())).isEqualTo(rules(onA.on(a).get("/ven/policy").body()));
        assertThat(b.server.vens().polls().prebuiltEngines()).as("nothing prebuilt for a subset").isZero();

        // then the whole draft: built on node B meanwhile and taken
        String now = got.body().get("hash").asText();
        CompletableFuture<Resp> next = onB.longPoll(b, now);
        parked(b, 1);
        created(a.owner.post("/orgs/1/sec_policy", Map.of("update_description", "the rest")));
        Resp rest = next.get(60, TimeUnit.SECONDS);
        assertThat(rest.status()).as(rest.toString()).isEqualTo(200);
        assertThat(rules(rest.body())).isEqualTo(rules(onB.on(a).get("/ven/policy").body()));
        assertThat(b.owner.get("/orgs/1/sec_policy/active").body().toString())
                .isEqualTo(a.owner.get("/orgs/1/sec_policy/active").body().toString());
        assertThat(b.server.vens().polls().prebuiltEngines()).as("engines taken prebuilt on node B").isEqualTo(1);
    }

    /** The compiled rules of a policy response, without its control-plane entries (those name the serving node). */
    static String rules(JsonNode policy) {
        JsonNode copy = policy.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove(List.of("hash", "control_plane"));
        return copy.toString().replaceAll("127\\.0\\.0\\.1:\\d+|\"port\":\\d{4,5}", "");
    }

    @Test
    void aRelabelOnOneNodeReachesTheVenPollingTheOther() throws Exception {
        String web = label(a, "role", unique("web"));
        String db = label(a, "role", unique("db"));
        allowHttpsTo(a, db);
        created(a.owner.post("/orgs/1/sec_policy", Map.of("update_description", "db gets https")));
        Ven ven = activate(b, web, "10.30.1.1");
        String before = ven.hash(b);
        CompletableFuture<Resp> poll = ven.longPoll(b, before);
        parked(b, 1);

        Resp put = a.owner.put(ven.workload(), Map.of("labels", List.of(Map.of("href", db))));
        assertThat(put.status()).as(put.toString()).isEqualTo(204);

        Resp got = poll.get(60, TimeUnit.SECONDS);
        assertThat(got.status()).as("woken by node A's relabel: %s", got).isEqualTo(200);
        assertThat(got.body().toString()).contains("\"port\":443");
    }

    /**
     * Each node keeps its draft engine between policy checks (provision/DraftEngines); a draft write on the other
     * node sends no notification at all, so the check on this node seeing it proves the cache follows the
     * database's stamp, not a message.
     */
    @Test
    void aDraftWriteOnOneNodeIsSeenByTheOtherNodesNextPolicyCheck() {
        String web = label(a, "role", unique("web"));
        String db = label(a, "role", unique("db"));
        String client = workload(a, web, "10.30.9.1");
        String server = workload(a, db, "10.30.9.2");
        String check = "/orgs/1/sec_policy/draft/policy_check?src_workload=" + client + "&dst_workload=" + server
                + "&protocol=tcp&port=5432";
        assertThat(matching(b, check)).isZero(); // b builds its draft engine and keeps it

        String rs = created(a.owner.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", unique("rs"),
                "scopes", List.of(List.of()), "rules", List.of(Map.of(
                        "providers", List.of(Map.of("label", Map.of("href", db))),
                        "consumers", List.of(Map.of("label", Map.of("href", web))),
                        "ingress_services", List.of(Map.of("proto", 6, "port", 5432))))))).body().get("href").asText();
        assertThat(matching(b, check)).isEqualTo(1);

        Resp relabel = a.owner.put(server, Map.of("labels", List.of(Map.of("href", web))));
        assertThat(relabel.status()).as(relabel.toString()).isBetween(200, 204);
        assertThat(matching(b, check)).isZero();

        Resp gone = a.owner.delete(rs);
        assertThat(gone.status()).as(gone.toString()).isBetween(200, 204);
        Resp back = a.owner.put(server, Map.of("labels", List.of(Map.of("href", db))));
        assertThat(back.status()).as(back.toString()).isBetween(200, 204);
        assertThat(matching(b, check)).isZero();
    }

    String workload(Node n, String label, String address) {
        return created(n.owner.post("/orgs/1/workloads", Map.of("name", unique("w"), "hostname", unique("h"),
                "labels", List.of(Map.of("href", label)),
                "interfaces", List.of(Map.of("name", "eth0", "address", address))))).body().get("href").asText();
    }

    /** The allow rules matching the flow (the workloads are unmanaged, so every flow is allowed anyway). */
    static int matching(Node n, String path) {
        Resp r = n.owner.get(path);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.body().get("sec_rules").size();
    }

    @Test
    void writesOnBothNodesAtOnceGetUniqueHrefsEventsAndVersions() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Resp>> labels = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                Node n = i % 2 == 0 ? a : b;
                String value = unique("v" + i);
                labels.add(pool.submit(() -> n.owner.post("/orgs/1/labels", Map.of("key", "app", "value", value))));
            }
            Set<String> hrefs = new HashSet<>();
            for (Future<Resp> f : labels) hrefs.add(created(f.get(60, TimeUnit.SECONDS)).body().get("href").asText());
            assertThat(hrefs).hasSize(60);

            // the same label created on both nodes at once: exactly one wins, the other is told why
            String same = unique("same");
            List<Future<Resp>> twins = new ArrayList<>();
            for (Node n : List.of(a, b, a, b)) {
                twins.add(pool.submit(() -> n.owner.post("/orgs/1/labels", Map.of("key", "app", "value", same))));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Resp> f : twins) statuses.add(f.get(60, TimeUnit.SECONDS).status());
            assertThat(statuses).containsOnly(201, 406).containsOnlyOnce(201);

            // provisions racing on both nodes: each gets its own version number, none lost
            long before = a.owner.get("/orgs/1/sec_policy?max_results=1").body().get(0).get("version").asLong();
            List<Future<Resp>> provisions = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Node n = i % 2 == 0 ? a : b;
                String role = label(n, "role", unique("r" + i));
                allowHttpsTo(n, role);
                provisions.add(pool.submit(() -> n.owner.post("/orgs/1/sec_policy", Map.of("update_description", "race"))));
            }
            Set<Long> versions = new HashSet<>();
            for (Future<Resp> f : provisions) {
                Resp r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.toString()).isIn(201, 406);
                if (r.status() == 201) versions.add(r.body().get("version").asLong());
                else assertThat(r.token()).isEqualTo("nothing_to_provision");
            }
            assertThat(versions).isNotEmpty();
            long after = b.owner.get("/orgs/1/sec_policy?max_results=1").body().get(0).get("version").asLong();
            assertThat(after - before).as("versions %s", versions).isEqualTo(versions.size());
            assertThat(b.owner.get("/orgs/1/sec_policy/pending").body().get("rule_sets")).isEmpty();

            Resp events = a.owner.get("/orgs/1/events?max_results=100000");
            Set<String> eventHrefs = new HashSet<>();
            events.body().forEach(e -> eventHrefs.add(e.get("href").asText()));
            assertThat(eventHrefs).hasSize(events.body().size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aVenSuspendedOnOneNodeIsRefusedOnTheOther() throws Exception {
        Ven ven = activate(a, label(a, "role", unique("web")), "10.30.2.1");
        assertThat(ven.on(b).get("/ven/policy").status()).isEqualTo(200); // B now caches the token
        Resp put = a.owner.put(ven.href(), Map.of("status", "suspended"));
        assertThat(put.status()).as(put.toString()).isEqualTo(204);
        assertThat(eventually(() -> ven.on(b).get("/ven/policy").status() == 401))
                .as("node B forgot the suspended VEN's token").isTrue();
        assertThat(b.owner.put(ven.href(), Map.of("status", "active")).status()).isEqualTo(204);
        assertThat(ven.on(a).get("/ven/policy").status()).isEqualTo(200);
    }

    @Test
    void heartbeatsToOneNodeKeepTheOtherNodesCheckQuietAndClearItsCondition() throws Exception {
        Ven ven = activate(a, label(a, "role", unique("web")), "10.30.3.1");
        Map<String, Object> beat = Map.of("applied_hash", ven.hash(a), "sync_state", "applied");
        for (int i = 0; i < 4; i++) { // same state every time: only the cadence writes it through
            assertThat(ven.on(a).post("/ven/heartbeat", beat).status()).isEqualTo(204);
            clock.advance(Duration.ofMinutes(3));
        }
        assertThat(b.server.vens().heartbeats().check()).as("B reads A's heartbeats from the database").isZero();

        clock.advance(HEARTBEAT_TIMEOUT.plusMinutes(1));
        assertThat(b.server.vens().heartbeats().check()).isEqualTo(1);
        assertThat(a.server.vens().heartbeats().check()).as("marked once, not once per node").isZero();
        assertThat(a.owner.get(ven.href()).body().get("conditions")).hasSize(1);

        // the VEN comes back on node A, which heard of the condition from node B
        assertThat(eventually(() -> {
            ven.on(a).post("/ven/heartbeat", beat);
            return b.owner.get(ven.href()).body().get("conditions").isEmpty();
        })).as("node A cleared the condition node B set").isTrue();
    }

    @Test
    void aNodeThatMissedTheNotificationCatchesUpWithTheDatabase() throws Exception {
        b.close();
        b = new Node(dir(), Duration.ofMillis(200));
        String role = label(a, "role", unique("web"));
        Ven ven = activate(b, role, "10.30.4.1");
        String before = ven.hash(b);
        CompletableFuture<Resp> poll = ven.longPoll(b, before);
        parked(b, 1);
        allowHttpsTo(a, role);
        // a provision by a node whose NOTIFY is lost: the policy parts with a local cluster on the same database
        long v;
        try (dev.cordon.pce.store.Store silent = dev.cordon.pce.store.Store.open(dir(), jdbcUrl)) {
            var events = new dev.cordon.pce.events.Events(silent, clock);
            var policy = dev.cordon.pce.policy.PolicyParts.wire(silent, events, clock, Cluster.local()).provisioning();
            v = policy.provision(1, dev.cordon.pce.core.Json.object().put("update_description", "silent"),
                    dev.cordon.pce.auth.Principal.SYSTEM).get("version").asLong();
        }
        Resp got = poll.get(60, TimeUnit.SECONDS);
        assertThat(got.status()).as("the periodic check found version %d: %s", v, got).isEqualTo(200);
        assertThat(got.body().get("version").asLong()).isEqualTo(v);
    }

    @Test
    void nodesGivenTheSameAdvertisedEndpointsServeAVenTheSamePolicy() throws Exception {
        List<String> advertise = List.of("192.0.2.10:8443", "[2001:db8::10]:8443");
        a.close();
        b.close();
        a = new Node(dirs.get(0), Duration.ofHours(1), advertise);
        b = new Node(dir(), Duration.ofHours(1), advertise);
        Ven ven = activate(a, label(a, "role", unique("web")), "10.30.5.1");
        Resp fromA = ven.on(a).get("/ven/policy");
        Resp fromB = ven.on(b).get("/ven/policy");
        assertThat(fromA.body().get("control_plane").toString())
                .contains("\"address\":\"192.0.2.10\"", "\"address\":\"2001:db8::10\"", "\"port\":8443")
                .doesNotContain("127.0.0.1");
        assertThat(fromB.body().get("hash").asText()).as("a VEN moving between nodes re-applies nothing")
                .isEqualTo(fromA.body().get("hash").asText());
        assertThat(ven.on(b).get("/ven/policy?known_hash=" + fromA.body().get("hash").asText()).status()).isEqualTo(304);
    }

    /**
     * With the same advertised endpoints, the answer a woken VEN gets is byte for byte the same from either node:
     * node A answers from the engine its provision built, node B from the one it built meanwhile, each from the
     * VEN's basis and bytes shared by its class (no policy built per VEN), for VENs of two classes.
     */
    @Test
    void bothNodesWakeEveryVenWithTheSameBytes() throws Exception {
        List<String> advertise = List.of("192.0.2.10:8443");
        a.close();
        b.close();
        a = new Node(dirs.get(0), Duration.ofHours(1), advertise);
        b = new Node(dir(), Duration.ofHours(1), advertise);
        String web = label(a, "role", unique("web"));
        String db = label(a, "role", unique("db"));
        List<Ven> vens = List.of(activate(a, web, "10.30.6.1"), activate(b, web, "10.30.6.2"), activate(a, db, "10.30.6.3"));
        List<CompletableFuture<Resp>> onA = new ArrayList<>();
        List<CompletableFuture<Resp>> onB = new ArrayList<>();
        for (Ven v : vens) {
            String h = v.hash(a);
            onA.add(v.longPoll(a, h));
            onB.add(v.longPoll(b, h));
        }
        parked(a, vens.size());
        parked(b, vens.size());
        allowHttpsTo(a, web);
        allowHttpsTo(a, db);
        created(a.owner.post("/orgs/1/sec_policy", Map.of("update_description", "same bytes")));
        Set<String> hashes = new HashSet<>();
        for (int i = 0; i < vens.size(); i++) {
            Resp fromA = onA.get(i).get(60, TimeUnit.SECONDS);
            Resp fromB = onB.get(i).get(60, TimeUnit.SECONDS);
            assertThat(fromA.status()).as(fromA.toString()).isEqualTo(200);
            assertThat(fromB.status()).as(fromB.toString()).isEqualTo(200);
            assertThat(fromB.raw().body()).as("VEN %d woken on B", i).isEqualTo(fromA.raw().body());
            assertThat(vens.get(i).on(b).get("/ven/policy").raw().body()).as("VEN %d asking B", i)
                    .isEqualTo(fromA.raw().body());
            assertThat(fromA.body().get("workload").get("href").asText()).isEqualTo(vens.get(i).workload());
            hashes.add(fromA.body().get("hash").asText());
        }
        assertThat(hashes).as("one hash per workload").hasSize(vens.size());
        assertThat(b.server.vens().polls().prebuiltEngines()).as("engines taken prebuilt on node B").isEqualTo(1);
    }

    @Test
    void advertisedEndpointsAreAddressesWithPorts() {
        assertThat(PceServer.Config.endpoint("10.0.0.0/24:443").address()).isEqualTo("10.0.0.0/24");
        for (String bad : List.of("pce.example.com:8443", "192.0.2.10", "2001:db8::1:8443", "192.0.2.10:0",
                "192.0.2.10:https")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> PceServer.Config.endpoint(bad))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ADDRESS:PORT");
        }
    }

    @Test
    void aRestartedNodeGoesOnNumberingWhereTheClusterIs() throws Exception {
        String first = label(a, "role", unique("one"));
        a.close();
        String second = label(b, "role", unique("two"));
        a = new Node(dirs.get(0));
        String third = label(a, "role", unique("three"));
        assertThat(Set.of(first, second, third)).hasSize(3);
        assertThat(b.owner.get(third).status()).isEqualTo(200);
    }

    static boolean eventually(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (condition.get()) return true;
            Thread.sleep(50);
        }
        return condition.get();
    }
}
