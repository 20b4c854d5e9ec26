package dev.cordon.pce.api.workloads;

import static io.javalin.apibuilder.ApiBuilder.put;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.api.kit.ApiGroup;
import dev.cordon.pce.api.kit.Guard;
import dev.cordon.pce.api.limits.RequestLimits;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.objects.ObjectService;
import dev.cordon.policy.validate.PolicyException;
import dev.cordon.policy.validate.ValidationError;
import java.util.List;

/**
 * Illumio's bulk workload operations, {@code PUT /orgs/{org}/workloads/bulk_create|bulk_update|bulk_delete} with a
 * JSON array of at most {@link #MAX_ITEMS} workloads (hrefs for delete). Each item is its own create, update or
 * delete, with the same checks and events as the single-object calls, so one bad item fails alone: the answer is
 * {@code 200} and one result per item, in order: {@code {"href", "status": "created|updated|deleted|failed",
 * "errors": [{"token","message"}]}}.
 */
public final class BulkWorkloads implements ApiGroup {
    public static final int MAX_ITEMS = 1000;

    private final Guard guard;
    private final ObjectService objects;

    public BulkWorkloads(Guard guard, ObjectService objects) {
        this.guard = guard;
        this.objects = objects;
    }

    private interface Item {
        String apply(int org, JsonNode item, Principal by);
    }

    @Override
    public void addEndpoints() {
        put("/api/v2/orgs/{org}/workloads/bulk_create", bulk("created", (org, item, by) ->
                objects.create(org, Kind.WORKLOAD, item, by).get("href").asText()));
        put("/api/v2/orgs/{org}/workloads/bulk_update", bulk("updated", (org, item, by) -> {
            String href = href(org, item);
            objects.update(org, Kind.WORKLOAD, href, item, by);
            return href;
        }));
        put("/api/v2/orgs/{org}/workloads/bulk_delete", bulk("deleted", (org, item, by) -> {
            String href = href(org, item);
            objects.delete(org, Kind.WORKLOAD, href, by);
            return href;
        }));
    }

    private io.javalin.http.Handler bulk(String status, Item op) {
        return guard.admin(ctx -> {
            int org = guard.org(ctx);
            JsonNode body = Json.parseBody(RequestLimits.body(ctx), "bulk workload request");
            if (!body.isArray()) {
                throw ApiException.invalid("invalid_body", "A bulk workload request is a JSON array of workloads"
                        + " (for bulk_delete: of {\"href\": ...}).");
            }
            if (body.size() > MAX_ITEMS) {
                throw ApiException.invalid("too_many_items", "A bulk request holds at most " + MAX_ITEMS
                        + " workloads, not " + body.size() + ": split it.");
            }
            ArrayNode results = Json.array();
            for (JsonNode item : body) {
                ObjectNode r = results.addObject();
                try {
                    r.put("href", op.apply(org, item, Guard.principal(ctx)));
                    r.put("status", status);
                    r.putArray("errors");
                } catch (ApiException e) {
                    failed(r, item, e.errors());
                } catch (PolicyException e) {
                    failed(r, item, e.errors());
                }
            }
            Guard.json(ctx, 200, results.toString());
        });
    }

    private static void failed(ObjectNode r, JsonNode item, List<ValidationError> errors) {
        String href = item.isObject() ? Json.text(item, "href") : null;
        if (href == null) r.putNull("href");
        else r.put("href", href);
        r.put("status", "failed");
        ArrayNode a = r.putArray("errors");
        for (ValidationError e : errors) a.addObject().put("token", e.token()).put("message", e.message());
    }

    private static String href(int org, JsonNode item) {
        String href = item.isObject() ? Json.text(item, "href") : null;
        String prefix = Kind.WORKLOAD.base(org) + "/";
        if (href == null || !href.startsWith(prefix) || href.length() == prefix.length()) {
            throw ApiException.invalid("invalid_workload_reference", "Each item names its workload by href, e.g."
                    + " {\"href\": \"" + prefix + "<uuid>\"}, not " + item + ".");
        }
        return href;
    }
}
