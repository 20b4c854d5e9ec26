package dev.cordon.pce.console.traffic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.console.infra.ApiClient;
import dev.cordon.pce.console.infra.ApiClient.ApiError;
import dev.cordon.pce.console.infra.ApiClient.Response;
import dev.cordon.pce.console.infra.Req;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs an Explorer query the way any API client does: {@code POST traffic_flows/async_queries} with
 * {@code Prefer: respond-async}, polls its status until completed, streams its download (one flow record at a time,
 * so a large answer never sits in memory as text), then deletes the query so the caller's query list does not fill
 * up with the console's page views. The API decides what the caller may see (a rule set manager sees its scopes).
 */
final class TrafficRuns {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a page waits for a query before saying so (the API keeps running it). */
    private static final long WAIT_MILLIS = 60_000;

    private TrafficRuns() {}

    /** The API refused the query or the query failed: its errors, in the API's words. */
    static final class Refused extends RuntimeException {
        final List<ApiError> errors;

        Refused(List<ApiError> errors) {
            super(errors.get(0).message());
            this.errors = errors;
        }
    }

    /**
     * Runs {@code query} and hands every flow record to {@code each}; {@code draft} asks for the draft decision too.
     * Returns the number of matching flows (which may exceed the records handed over, by the query's max_results).
     */
    static long run(Req r, ObjectNode query, boolean draft, Consumer<JsonNode> each) {
        query.put("draft_policy_decision", draft);
        Response created = r.api.post(r.key(), r.org("/traffic_flows/async_queries"), query, Map.of("Prefer", "respond-async"));
        if (!created.ok()) throw new Refused(created.errors());
        String href = created.body().path("href").asText();
        try {
            JsonNode status = created.body();
            long deadline = System.currentTimeMillis() + WAIT_MILLIS;
            long pause = 10;
            while (!status.path("status").asText().equals("completed")) {
                String s = status.path("status").asText();
                if (s.equals("failed") || s.equals("cancelled")) {
                    throw new Refused(List.of(new ApiError("traffic_query_" + s, "The traffic query " + s + ": "
                            + status.path("result").path("message").asText("no reason given") + ".")));
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new Refused(List.of(new ApiError("traffic_query_slow", "The traffic query has not finished"
                            + " after " + WAIT_MILLIS / 1000 + " s: narrow the time range or the filters.")));
                }
                sleep(pause);
                pause = Math.min(200, pause * 2);
                Response polled = r.api.get(r.key(), href);
                if (!polled.ok()) throw new Refused(polled.errors());
                status = polled.body();
            }
            long matches = status.path("matches_count").asLong();
            r.api.stream(r.key(), href + "/download", in -> {
                try (JsonParser p = JSON.getFactory().createParser(in)) {
                    if (p.nextToken() != JsonToken.START_ARRAY) throw new IOException("the download is not a JSON array");
                    while (p.nextToken() == JsonToken.START_OBJECT) each.accept(JSON.readTree(p));
                }
                return null;
            });
            return matches;
        } finally {
            r.api.delete(r.key(), href);
        }
    }

    /** A query body over [start, end] (RFC 3339) with no filters: every flow the caller may see. */
    static ObjectNode window(String start, String end, long maxResults) {
        ObjectNode q = JSON.createObjectNode().put("query_name", "console").put("start_date", start).put("end_date", end);
        q.putObject("sources").putArray("include").addArray();
        q.withObject("/sources").putArray("exclude");
        q.putObject("destinations").putArray("include").addArray();
        q.withObject("/destinations").putArray("exclude");
        q.putObject("services").putArray("include");
        q.withObject("/services").putArray("exclude");
        q.putArray("policy_decisions");
        q.put("max_results", maxResults);
        return q;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a traffic query.", e);
        }
    }

    static String enc(String s) {
        return ApiClient.enc(s);
    }
}
