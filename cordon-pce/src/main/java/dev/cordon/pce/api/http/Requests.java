package dev.cordon.pce.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.api.limits.RequestLimits;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.store.Filter;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;

/** How every endpoint reads its request: bodies within the limits, query parameters checked, with clear 406s. */
public final class Requests {
    private Requests() {}

    public static JsonNode body(Context ctx, String what) {
        return Json.parseBody(RequestLimits.body(ctx), what);
    }

    public static JsonNode bodyOrEmpty(Context ctx) {
        String b = RequestLimits.body(ctx);
        return b == null || b.isBlank() ? Json.object() : Json.parseObject(b, "request");
    }

    public static Filter filter(Context ctx) {
        return new Filter(ctx.queryParam("name"), ctx.queryParam("hostname"), ctx.queryParam("key"),
                ctx.queryParam("value"), ctx.queryParam("external_data_set"), ctx.queryParam("external_data_reference"));
    }

    public static int limit(Context ctx) {
        // an asynchronous read is for the whole collection (Illumio's jobs have no 500 cap)
        int dflt = Prefer.respondAsync(ctx) ? Integer.MAX_VALUE : 500;
        return intParam(ctx, "max_results", dflt, 0, Integer.MAX_VALUE);
    }

    public static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("invalid_" + name, name + " must be a whole number from " + min + " to " + max
                    + ", not '" + v + "'.");
        }
    }

    /** The first value of every non-empty query parameter. */
    public static Map<String, String> queryMap(Context ctx) {
        Map<String, String> m = new HashMap<>();
        ctx.queryParamMap().forEach((k, v) -> {
            if (!v.isEmpty() && !v.get(0).isEmpty()) m.put(k, v.get(0));
        });
        return m;
    }

    /** The {@code {pv}} path parameter: {@code draft}, {@code active} or a version number. */
    public static String pv(Context ctx) {
        return ctx.pathParam("pv");
    }

    public static void draftOnly(Context ctx) {
        if (!pv(ctx).equals("draft")) {
            throw ApiException.invalid("policy_version_read_only", "Policy version '" + pv(ctx) + "' is read-only:"
                    + " make changes under /orgs/" + ctx.pathParam("org") + "/sec_policy/draft/... and provision them.");
        }
    }
}
