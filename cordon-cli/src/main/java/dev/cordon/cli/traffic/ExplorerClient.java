package dev.cordon.cli.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Illumio's asynchronous Explorer API, as the official SDK drives it: {@code POST
 * /orgs/{org}/traffic_flows/async_queries} with {@code Prefer: respond-async}, poll the query's status until it is
 * {@code completed} (or {@code failed}), download its flow records, then delete the query so that runs of the CLI
 * leave nothing behind. A query still running at the deadline is cancelled ({@code PUT}) and deleted.
 */
public final class ExplorerClient {
    private final PceConnection pce;
    private final int org;

    public ExplorerClient(PceConnection pce, int org) {
        this.pce = pce;
        this.org = org;
    }

    /** Illumio's query body for every flow between {@code start} and {@code end}, at most {@code max}. */
    public static Map<String, Object> everything(java.time.Instant start, java.time.Instant end, long max) {
        Map<String, Object> q = new java.util.LinkedHashMap<>();
        q.put("query_name", "cordon traffic query");
        q.put("start_date", start.toString());
        q.put("end_date", end.toString());
        q.put("sources", Map.of("include", List.of(List.of()), "exclude", List.of()));
        q.put("destinations", Map.of("include", List.of(List.of()), "exclude", List.of()));
        q.put("services", Map.of("include", List.of(), "exclude", List.of()));
        q.put("policy_decisions", List.of());
        q.put("max_results", max);
        return q;
    }

    /** Runs {@code query} (Illumio's body) and returns its flow records; waits at most {@code timeout}. */
    public List<JsonNode> run(Map<String, Object> query, Duration timeout) {
        JsonNode created = pce.send("POST", "/orgs/" + org + "/traffic_flows/async_queries", query,
                Map.of("Prefer", "respond-async"), 202);
        String href = created.path("href").asText(null);
        if (href == null) throw TrafficError.failed("pce_error", "The PCE's answer to the traffic query has no href: " + created);
        boolean done = false;
        try {
            JsonNode status = created;
            long deadline = System.nanoTime() + timeout.toNanos();
            long pause = 50;
            while (true) {
                String s = status.path("status").asText();
                if (s.equals("completed")) break;
                if (s.equals("failed")) {
                    done = true;
                    throw TrafficError.failed("query_failed", "The PCE could not run the query: "
                            + status.path("result").path("message").asText("no reason given") + ".");
                }
                if (s.equals("cancelled") || s.equals("cancel_requested")) {
                    done = true;
                    throw TrafficError.failed("query_cancelled", "Someone cancelled the query " + href + " at the PCE.");
                }
                if (System.nanoTime() > deadline) {
                    throw TrafficError.failed("query_timeout", "The query did not finish within " + timeout.toSeconds()
                            + " s (status " + s + "): narrow it (--since, --src, --dst, --port) or give a longer --timeout.");
                }
                sleep(pause);
                pause = Math.min(1000, pause * 2);
                status = pce.get(href);
            }
            done = true;
            JsonNode flows = pce.get(status.path("result").asText());
            List<JsonNode> out = new ArrayList<>();
            if (flows != null) flows.forEach(out::add);
            return out;
        } finally {
            cleanUp(href, done);
        }
    }

    private void cleanUp(String href, boolean finished) {
        try {
            if (!finished) pce.send("PUT", href, Map.of(), Map.of(), 202);
        } catch (TrafficError e) {
            // it may have finished meanwhile (406 query_not_cancellable): the delete below still removes it
        }
        try {
            pce.send("DELETE", href, null, Map.of(), 204);
        } catch (TrafficError e) {
            // the flows (or the error) are what the user asked for; a query left behind is listed and can be deleted
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TrafficError.failed("interrupted", "Interrupted while waiting for the traffic query.");
        }
    }
}
