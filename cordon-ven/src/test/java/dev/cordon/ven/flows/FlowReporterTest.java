package dev.cordon.ven.flows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.cordon.dataplane.flows.ConnEvent;
import dev.cordon.dataplane.flows.FlowMark;
import dev.cordon.ven.pce.HttpPceClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The uploader through the real HTTP client against a tiny PCE stand-in on loopback that holds each batch to the
 * contract of the PCE's {@code POST /api/v2/ven/traffic} (its {@code TrafficInputs} and {@code TrafficIngest}: the
 * field names, gzip, the agent token, store once per seq, answer the highest seq stored). The PCE side is on another
 * branch until the merge; the end-to-end test against the real PCE comes then.
 */
class FlowReporterTest {
    // the PCE's TrafficInputs.BATCH / DROPPED / FLOW, field for field
    static final Set<String> BATCH = Set.of("seq", "dropped", "flows");
    static final Set<String> DROPPED = Set.of("kernel", "aggregator", "spool");
    static final Set<String> FLOW = Set.of("direction", "local_ip", "peer_ip", "proto", "port", "icmp_type",
            "icmp_code", "decision", "reason", "rule_href", "policy_version", "connections", "first_seen", "last_seen",
            "packets_in", "packets_out", "bytes_in", "bytes_out", "state");
    static final Set<String> REQUIRED = Set.of("direction", "local_ip", "peer_ip", "proto", "decision", "connections",
            "first_seen", "last_seen");
    static final Pattern RULE = Pattern.compile("/orgs/\\d+/sec_policy/(draft|active|\\d+)/rule_sets/[A-Za-z0-9-]{1,64}"
            + "/(sec_rules|deny_rules|override_deny_rules)/[A-Za-z0-9-]{1,64}");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    HttpServer server;
    final Map<Long, JsonNode> stored = new TreeMap<>();
    final List<String> problems = new ArrayList<>();
    final AtomicInteger loseAnswers = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    int start(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/api/v2/ven/traffic", ex -> {
            requests.incrementAndGet();
            byte[] raw = ex.getRequestBody().readAllBytes();
            String answer;
            int status = 200;
            synchronized (stored) {
                if (!"Bearer tok1.secret".equals(ex.getRequestHeaders().getFirst("Authorization"))) problems.add("token");
                if (!"gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) problems.add("encoding");
                JsonNode b;
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                    b = JSON.readTree(in);
                }
                check(b);
                long seq = b.get("seq").asLong();
                boolean dup = stored.containsKey(seq);
                if (!dup) stored.put(seq, b);
                long high = stored.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
                answer = "{\"acknowledged_seq\":" + high + ",\"duplicate\":" + dup + ",\"flows_stored\":"
                        + (dup ? 0 : b.get("flows").size()) + "}";
                if (loseAnswers.get() > 0) {
                    loseAnswers.decrementAndGet();
                    status = 503;
                    answer = "[{\"token\":\"lost\",\"message\":\"answer lost after the store\"}]";
                }
            }
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    void check(JsonNode b) {
        names(b, BATCH, "batch");
        if (b.get("seq").asLong() < 1) problems.add("seq < 1");
        names(b.get("dropped"), DROPPED, "dropped");
        for (JsonNode f : b.get("flows")) {
            names(f, FLOW, "flow");
            for (String r : REQUIRED) if (!f.hasNonNull(r)) problems.add("missing " + r);
            if (f.get("decision").asText().equals("unknown") && !f.hasNonNull("reason")) problems.add("unknown without reason");
            if (f.hasNonNull("rule_href") && !RULE.matcher(f.get("rule_href").asText()).matches()) problems.add("rule_href");
            Instant.parse(f.get("first_seen").asText());
        }
    }

    void names(JsonNode n, Set<String> allowed, String what) {
        Set<String> seen = new HashSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) seen.add(it.next());
        if (!allowed.containsAll(seen)) problems.add(what + " has unknown fields " + seen);
    }

    FlowReporter reporter(FlowAggregator agg, FlowSpool spool, int port, AtomicLong kernel) {
        HttpPceClient client = new HttpPceClient(URI.create("http://127.0.0.1:" + port), null);
        client.useCredentials("tok1.secret", null);
        return new FlowReporter(agg, spool, client, kernel::get, () -> Visibility.FLOW_FULL_DETAIL);
    }

    static void traffic(FlowAggregator agg, int n) {
        for (int i = 0; i < n; i++) {
            long id = System.nanoTime();
            agg.connection(new ConnEvent(ConnEvent.Kind.NEW, id, 4, 6, "10.0.0.9", "10.0.0.2", 4000, 80 + i, -1, -1,
                    "10.0.0.2", FlowMark.allowed(1), 0, 0, 0, 0, null), Instant.now());
            agg.connection(new ConnEvent(ConnEvent.Kind.DESTROY, id, 4, 6, "10.0.0.9", "10.0.0.2", 4000, 80 + i, -1, -1,
                    "10.0.0.2", FlowMark.allowed(1), 5, 300, 4, 500, null), Instant.now());
        }
    }

    @Test
    void batchesAreSpooledWhileThePceIsAwayThenSentInOrderOnceEachAndAcknowledged() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        FlowAggregator agg = new FlowAggregator(new Classifier(Set.of("10.0.0.2"), FlowAggregatorTest.RULES, 3L), 1000, 1000);
        FlowSpool spool = FlowSpool.open(dir, FlowSpool.DEFAULT_MAX_BYTES);
        AtomicLong kernel = new AtomicLong(2);
        FlowReporter r = reporter(agg, spool, port, kernel);
        traffic(agg, 2);
        assertThat(r.reportOnce()).as("nobody listens yet").isZero();
        traffic(agg, 3);
        kernel.set(5);
        assertThat(r.reportOnce()).isZero();
        assertThat(spool.pending()).extracting(FlowSpool.Batch::seq).containsExactly(1L, 2L);

        start(port);
        assertThat(r.reportOnce()).isEqualTo(2);
        assertThat(spool.pending()).isEmpty();
        assertThat(problems).isEmpty();
        assertThat(stored.keySet()).containsExactly(1L, 2L);
        assertThat(stored.get(1L).get("flows")).hasSize(2);
        assertThat(stored.get(1L).at("/dropped/kernel").asLong()).isEqualTo(2);
        assertThat(stored.get(2L).at("/dropped/kernel").asLong()).as("only what was lost since batch 1").isEqualTo(3);
        JsonNode f = stored.get(2L).get("flows").get(0);
        assertThat(f.get("rule_href").asText()).isEqualTo(FlowAggregatorTest.R1);
        assertThat(f.get("bytes_in").asLong()).isEqualTo(300);
        assertThat(f.get("state").asText()).isEqualTo("closed");
        assertThat(f.get("policy_version").asLong()).isEqualTo(3);
    }

    @Test
    void aLostAnswerMeansAResendThatThePceRecognisesAndNothingIsStoredTwice() throws Exception {
        int port = start(0);
        FlowAggregator agg = new FlowAggregator(new Classifier(Set.of("10.0.0.2"), FlowAggregatorTest.RULES, 3L), 1000, 1000);
        FlowSpool spool = FlowSpool.open(dir, FlowSpool.DEFAULT_MAX_BYTES);
        FlowReporter r = reporter(agg, spool, port, new AtomicLong());
        traffic(agg, 1);
        loseAnswers.set(1);
        assertThat(r.reportOnce()).isZero();
        assertThat(stored).hasSize(1);
        assertThat(spool.pending()).hasSize(1);
        // a restart in between: the spool and its seq are on disk
        FlowReporter again = reporter(agg, FlowSpool.open(dir, FlowSpool.DEFAULT_MAX_BYTES), port, new AtomicLong());
        traffic(agg, 1);
        assertThat(again.reportOnce()).isEqualTo(2);
        assertThat(stored.keySet()).containsExactly(1L, 2L);
        assertThat(requests.get()).isEqualTo(3);
        assertThat(problems).isEmpty();
        assertThat(FlowSpool.open(dir, FlowSpool.DEFAULT_MAX_BYTES).pending()).isEmpty();
    }

    @Test
    void anEmptyIntervalSendsNothingButLossesAreReportedEvenWithoutFlows() throws Exception {
        int port = start(0);
        FlowAggregator agg = new FlowAggregator(new Classifier(Set.of("10.0.0.2"), FlowAggregatorTest.RULES, 3L), 1000, 1000);
        AtomicLong kernel = new AtomicLong();
        FlowReporter r = reporter(agg, FlowSpool.open(dir, FlowSpool.DEFAULT_MAX_BYTES), port, kernel);
        assertThat(r.reportOnce()).isZero();
        assertThat(requests.get()).isZero();
        kernel.set(4);
        assertThat(r.reportOnce()).isEqualTo(1);
        assertThat(stored.get(1L).get("flows")).isEmpty();
        assertThat(stored.get(1L).at("/dropped/kernel").asLong()).isEqualTo(4);
    }
}
