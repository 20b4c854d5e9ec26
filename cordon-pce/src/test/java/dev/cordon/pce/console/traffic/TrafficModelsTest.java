package dev.cordon.pce.console.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The traffic pages' own arithmetic: counting a flow once, grouping, ordering and CSV cells. */
class TrafficModelsTest {
    static final ObjectMapper M = new ObjectMapper();

    static FlowRow flow(String direction, String src, String dst, boolean dstManaged, int port, String decision,
                        String rule, long conns, String last) {
        try {
            String s = "{\"src\":{\"ip\":\"" + src + "\",\"workload\":{\"href\":\"/orgs/1/workloads/" + src + "\",\"name\":\"w-" + src
                    + "\",\"managed\":true,\"enforcement_mode\":\"full\",\"labels\":[{\"href\":\"/orgs/1/labels/1\",\"key\":\"app\",\"value\":\"a\"}]}},"
                    + "\"dst\":{\"ip\":\"" + dst + "\"" + (dstManaged ? ",\"workload\":{\"href\":\"/orgs/1/workloads/" + dst
                    + "\",\"name\":\"w-" + dst + "\",\"managed\":true,\"enforcement_mode\":\"visibility_only\",\"labels\":"
                    + "[{\"href\":\"/orgs/1/labels/2\",\"key\":\"app\",\"value\":\"b\"}]}" : "") + ",\"ip_lists\":[]},"
                    + "\"service\":{\"port\":" + port + ",\"proto\":6},\"num_connections\":" + conns + ",\"policy_decision\":\""
                    + decision + "\",\"flow_direction\":\"" + direction + "\",\"timestamp_range\":{\"first_detected\":\"" + last
                    + "\",\"last_detected\":\"" + last + "\"}" + (rule == null ? ",\"rule\":null" : ",\"rule\":{\"href\":\"" + rule + "\"}")
                    + ",\"draft_policy_decision\":\"allowed\",\"draft_rule\":null}";
            return FlowRow.of(M.readTree(s));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void hitCountsCountAFlowBothEndsReportedOnceAndOnlyInTheWindow() {
        String rule = "/orgs/1/sec_policy/3/rule_sets/1/sec_rules/7";
        String draft = "/orgs/1/sec_policy/draft/rule_sets/1/sec_rules/7";
        HitCounts h = new HitCounts("2026-12-01T00:00:00Z");
        h.add(flow("inbound", "10.0.0.1", "10.0.0.2", true, 5432, "allowed", rule, 5, "2026-12-02T00:00:00Z"));
        h.add(flow("outbound", "10.0.0.1", "10.0.0.2", true, 5432, "allowed", rule, 4, "2026-12-02T00:00:01Z"));
        h.add(flow("inbound", "10.0.0.3", "10.0.0.2", true, 5432, "allowed", rule, 2, "2026-12-02T00:00:00Z"));
        h.add(flow("inbound", "10.0.0.4", "10.0.0.2", true, 5432, "allowed", rule, 9, "2026-11-02T00:00:00Z"));
        assertThat(h.of(draft)).isEqualTo(new HitCounts.Hits(7, "2026-12-02T00:00:01Z"));
        assertThat(h.of("/orgs/1/sec_policy/draft/rule_sets/1/sec_rules/8")).isEqualTo(new HitCounts.Hits(0, null));
    }

    @Test
    void theMapCountsTheDestinationsRecordAndTheSourcesOnlyTowardsNoManagedWorkload() {
        MapGraph g = MapGraph.of(List.of("app"), List.of(), Map.of());
        g.add(flow("inbound", "10.0.0.1", "10.0.0.2", true, 5432, "potentially_blocked", null, 5, "2026-12-02T00:00:00Z"));
        g.add(flow("outbound", "10.0.0.1", "10.0.0.2", true, 5432, "allowed", null, 5, "2026-12-02T00:00:00Z"));
        g.add(flow("outbound", "10.0.0.1", "203.0.113.1", false, 443, "blocked", null, 1, "2026-12-02T00:00:00Z"));
        assertThat(g.links).hasSize(2);
        MapGraph.Link ab = g.links.get("g|/orgs/1/labels/1→g|/orgs/1/labels/2");
        assertThat(ab.connections()).isEqualTo(5);
        assertThat(ab.decision(false)).isEqualTo("potentially_blocked");
        assertThat(ab.decision(true)).isEqualTo("allowed");
        assertThat(g.links.get("g|/orgs/1/labels/1→ext").decision(false)).isEqualTo("blocked");
        JsonNode elements = g.elements(false);
        assertThat(elements).hasSize(5);
    }

    @Test
    void ordersAndPagesRows() {
        List<FlowRow> rows = new java.util.ArrayList<>();
        for (int i = 1; i <= 120; i++) rows.add(flow("inbound", "10.0.0.1", "10.0.0.2", true, i, "allowed", null, i, "2026-12-02T00:00:00Z"));
        assertThat(FlowOrder.page(rows, "connections", false, 0)).hasSize(50).first().extracting(FlowRow::connections).isEqualTo(120L);
        assertThat(FlowOrder.page(rows, "connections", true, 2)).hasSize(20).first().extracting(FlowRow::connections).isEqualTo(101L);
        assertThat(FlowOrder.page(rows, "service", true, 0).get(1).port()).isEqualTo(2);
        assertThat(FlowOrder.column("nonsense")).isEqualTo("last");
        assertThat(FlowOrder.pages(0)).isEqualTo(1);
        assertThat(FlowOrder.pages(101)).isEqualTo(3);
    }

    @Test
    void csvCellsAreQuotedAndFormulasDisarmed() {
        assertThat(Csv.cell("web1")).isEqualTo("web1");
        assertThat(Csv.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(Csv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Csv.cell("=cmd()")).isEqualTo("\"'=cmd()\"");
    }
}
