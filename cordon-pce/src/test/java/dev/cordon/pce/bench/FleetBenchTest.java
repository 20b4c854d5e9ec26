package dev.cordon.pce.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.harness.Postgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The multi-process PCE bench's machinery at a small size, so it cannot rot: two PCE node processes on one real
 * PostgreSQL (the harness's), 200 simulated VENs in two client processes, every phase reporting, and everything it
 * started gone afterwards (processes, temporary directories, the tables in the database). No timing is asserted.
 */
class FleetBenchTest {
    @Test
    void twoNodesAndTwoClientProcessesReportEveryPhaseAndLeaveNothingBehind() throws Exception {
        String url = Postgres.jdbcUrl();
        Set<String> tmpBefore = benchDirs();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            new FleetBench(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                    .run(new FleetBench.Options(200, 2, 0, url, List.of(), 1));
        } finally {
            // whatever happened, no bench process may outlive the run
            assertThat(benchProcesses()).as("bench processes left running").isEmpty();
        }
        Map<String, JsonNode> phases = new HashMap<>();
        for (String l : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (l.isBlank()) continue;
            JsonNode n = Json.parse(l);
            assertThat(n.get("bench").asText()).isEqualTo("pce");
            assertThat(n.get("nodes").asInt()).isEqualTo(2);
            assertThat(n.get("clients").asInt()).isEqualTo(2);
            phases.put(n.get("phase").asText(), n);
        }
        assertThat(phases).containsKeys("activate", "provision_to_last_ven", "node_heap_after_provision",
                "baseline_fetch_all", "heartbeats", "load_generator_alone", "node_heap_live", "summary");
        assertThat(phases.get("activate").get("activated").asInt()).isEqualTo(200);
        JsonNode prov = phases.get("provision_to_last_ven");
        assertThat(prov.get("all_updated").asBoolean()).as(prov.toString()).isTrue();
        assertThat(prov.get("updated").asInt()).isEqualTo(200);
        // both nodes served VENs and woke them: node 1 only through node 0's NOTIFY
        assertThat(prov.get("per_node")).hasSize(2);
        prov.get("per_node").forEach(n -> assertThat(n.get("vens").asInt()).isEqualTo(100));
        assertThat(prov.get("cpu_seconds").has("node-0")).isTrue();
        assertThat(phases.get("baseline_fetch_all").get("all_answered").asBoolean()).isTrue();
        // the load-robust figures: the nodes' CPU per answer in each window, and their same-run ratio
        assertThat(prov.get("node_cpu_ms_per_answer").asDouble()).as(prov.toString()).isNotNegative();
        assertThat(phases.get("baseline_fetch_all").has("node_cpu_ms_per_answer")).isTrue();
        assertThat(phases.get("heartbeats").get("per_second").asDouble()).isPositive();
        JsonNode gen = phases.get("load_generator_alone");
        assertThat(gen.get("answered").asInt()).isEqualTo(200);
        assertThat(gen.get("body_bytes").asInt()).isPositive();
        assertThat(phases.get("node_heap_after_provision").get("per_node")).hasSize(2);
        // node 1 heard that node 0 started the provision and built the coming version meanwhile
        assertThat(phases.get("node_heap_after_provision").get("per_node").get(1).get("engines_prebuilt").asLong())
                .as("engines node 1 took prebuilt").isEqualTo(1);
        phases.get("node_heap_live").get("per_node").forEach(n -> assertThat(n.get("live_mb_after_gc").asLong()).isPositive());
        assertThat(phases.get("summary").get("provision_last_ms").asLong()).isNotNegative();

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cleaned up");
        assertThat(tables(url)).as("tables left in the given database").isZero();
        assertThat(benchDirs()).as("temporary directories left behind").isSubsetOf(tmpBefore);
    }

    @Test
    void refusesADatabaseThatIsNotEmptyAndLeavesItAlone() throws Exception {
        String url = Postgres.jdbcUrl();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE keep_me (id int)");
        }
        assertThatThrownBy(() -> new FleetBench(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()))
                .run(new FleetBench.Options(10, 1, 0, url, List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("give an empty one");
        assertThat(tables(url)).isEqualTo(1);
        assertThat(benchProcesses()).isEmpty();
    }

    @Test
    void sizesBeyondTheOpenFilesLimitAreRefusedWithTheFix() {
        long limit = FleetBench.openFilesLimit();
        assertThatThrownBy(() -> new FleetBench.Options((int) limit * 2, 1, 0, null, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use --nodes");
        assertThatThrownBy(() -> new FleetBench.Options((int) limit, 2, 2, null, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use --clients");
        assertThat(new FleetBench.Options(25_000, 2, 0, null, List.of()).clients()).isGreaterThanOrEqualTo(2).isEven();
    }

    private static long tables(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<ProcessHandle> benchProcesses() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(FleetNode.class.getName())
                        || c.contains(FleetClient.class.getName())).orElse(false))
                .toList();
    }

    private static Set<String> benchDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            // only the directories this bench makes (coordinator logs, nodes, its PostgreSQL): other benches may run
            // on the same machine meanwhile (seen: bench traffic and bench api directories coming and going)
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("cordon-bench-fleet")
                            || n.startsWith("cordon-bench-node") || n.startsWith("cordon-bench-pg"))
                    .collect(Collectors.toSet());
        }
    }
}
