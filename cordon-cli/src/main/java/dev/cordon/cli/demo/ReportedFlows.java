package dev.cordon.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.cli.traffic.ExplorerClient;
import dev.cordon.cli.traffic.FlowTable;
import dev.cordon.cli.traffic.PceConnection;
import dev.cordon.cli.traffic.TrafficError;
import dev.cordon.cli.traffic.TrafficRecord;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The end of the demo's traffic matrix: the flows its VENs reported, read back through the PCE's asynchronous
 * Explorer API (the calls {@code cordon traffic query} and Illumio's SDK make), each with the decision at the end
 * that reported it and the deciding rule. Waits until every connection of the matrix has come back (the VENs report
 * every second), at most {@link #WAIT}.
 */
final class ReportedFlows {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final PrintWriter out;
    private final PceConnection pce;
    private final JsonNode policy;

    ReportedFlows(PrintWriter out, String pceUrl, String key, JsonNode policy) {
        this.out = out;
        this.pce = PceConnection.open(pceUrl, key, null);
        this.policy = policy;
    }

    void show(JsonNode checks, Instant since) {
        ExplorerClient explorer = new ExplorerClient(pce, 1);
        List<TrafficRecord> records = List.of();
        long deadline = System.nanoTime() + WAIT.toNanos();
        boolean complete = false;
        try {
            while (true) {
                records = query(explorer, since);
                if (complete) break;
                complete = everyCheckReported(checks, records);
                if (System.nanoTime() > deadline) break;
                // once each connection has one record, one more report interval brings the other end's
                sleep(complete ? 1500 : 300);
            }
        } catch (TrafficError e) {
            out.println("      (the Explorer query failed: " + e + ")");
            return;
        }
        Map<String, String> names = new HashMap<>();
        out.print(new FlowTable(href -> names.computeIfAbsent(href, this::ruleSetName)).render(records, "      "));
        if (!complete) out.println("      (not every connection of the matrix was reported within " + WAIT.toSeconds() + " s)");
        List<String> visibilityOnly = new ArrayList<>();
        for (JsonNode w : policy.path("workloads")) {
            if ("visibility_only".equals(w.path("enforcement_mode").asText())) visibilityOnly.add(w.get("name").asText());
        }
        out.println("      each VEN reports the decision at its own end: by dst = the destination's VEN (inbound),"
                + " by src = the source's (outbound)");
        if (!visibilityOnly.isEmpty() && records.stream().anyMatch(r -> r.decision().equals("potentially_blocked"))) {
            out.println("      potentially_blocked: " + String.join(", ", visibilityOnly) + " (visibility_only) let it"
                    + " through; full enforcement would block it");
        }
    }

    private List<TrafficRecord> query(ExplorerClient explorer, Instant since) {
        return explorer.run(ExplorerClient.everything(since, Instant.now().plusSeconds(60), 10_000), Duration.ofSeconds(30))
                .stream().map(TrafficRecord::of).toList();
    }

    private boolean everyCheckReported(JsonNode checks, List<TrafficRecord> records) {
        for (JsonNode c : checks) {
            String src = LiveDemo.address(policy, c.get("from").asText());
            String dst = LiveDemo.address(policy, c.get("to").asText());
            int port = c.get("port").asInt();
            boolean found = records.stream().anyMatch(r -> r.srcIp().equals(src) && r.dstIp().equals(dst)
                    && r.port() != null && r.port() == port);
            if (!found) return false;
        }
        return true;
    }

    private String ruleSetName(String href) {
        try {
            JsonNode rs = pce.get(href);
            return rs == null ? null : rs.path("name").asText(null);
        } catch (TrafficError e) {
            return null;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
