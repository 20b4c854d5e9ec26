package dev.cordon.pce.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.policy.PolicyHrefs;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/** How every endpoint writes its answer: JSON bodies, collections with {@code X-Total-Count}. */
public final class Responses {
    private Responses() {}

    public static void raw(Context ctx, int status, String json) {
        ctx.status(status).contentType("application/json").result(json);
    }

    public static void ok(Context ctx, JsonNode n) {
        raw(ctx, 200, n.toString());
    }

    public static void created(Context ctx, JsonNode n) {
        raw(ctx, 201, n.toString());
    }

    public static void noContent(Context ctx) {
        ctx.status(204);
    }

    /** An object of a policy version: its hrefs say that version ({@code /sec_policy/draft/} rewritten). */
    public static void versioned(Context ctx, JsonNode n) {
        raw(ctx, 200, PolicyHrefs.rewrite(n.toString(), Requests.pv(ctx)));
    }

    /** A JSON array of a policy version's objects, hrefs rewritten as in {@link #versioned}. */
    public static void versionedArray(Context ctx, String json, long total) {
        ctx.header("X-Total-Count", Long.toString(total));
        raw(ctx, 200, PolicyHrefs.rewrite(json, Requests.pv(ctx)));
    }

    public static List<JsonNode> iter(ArrayNode a) {
        List<JsonNode> out = new ArrayList<>();
        a.forEach(out::add);
        return out;
    }

    /** A collection cut to the request's {@code max_results}; the total is the uncut size. */
    public static void list(Context ctx, List<JsonNode> items) {
        int limit = Requests.limit(ctx);
        list(ctx, items.subList(0, Math.min(limit, items.size())), items.size());
    }

    public static void list(Context ctx, List<JsonNode> items, long total) {
        ctx.header("X-Total-Count", Long.toString(total));
        raw(ctx, 200, Json.write(items));
    }
}
