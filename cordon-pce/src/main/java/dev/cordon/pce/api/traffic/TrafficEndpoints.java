package dev.cordon.pce.api.traffic;

import dev.cordon.pce.api.http.Orgs;
import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.post;
import static io.javalin.apibuilder.ApiBuilder.put;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.api.limits.RequestLimits;
import dev.cordon.pce.auth.AccessControl;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.store.Store;
import dev.cordon.pce.traffic.ingest.BulkFlows;
import dev.cordon.pce.traffic.ingest.TrafficIngest;
import dev.cordon.pce.traffic.query.TrafficQueries;
import dev.cordon.pce.traffic.reporting.TrafficReporting;
import io.javalin.apibuilder.EndpointGroup;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.List;

/**
 * Explorer in Illumio's shapes: {@code traffic_flows/async_queries} (create with {@code Prefer: respond-async}, list,
 * read, download, cancel with PUT, {@code update_rules}, delete), {@code agents/bulk_traffic_flows} and
 * {@code workloads/set_flow_reporting_frequency}. Any role may query (a rule set manager sees only flows with an end
 * in its scopes, applied in {@link TrafficQueries}); bulk uploads and report rates need admin.
 */
public final class TrafficEndpoints implements EndpointGroup {
    private static final String P = "principal";
    private static final String Q = "/api/v2/orgs/{org}/traffic_flows/async_queries";

    private final TrafficQueries queries;
    private final TrafficIngest ingest;
    private final TrafficReporting reporting;
    private final AccessControl access;
    private final Store store;
    private final Orgs orgs;

    public TrafficEndpoints(TrafficQueries queries, TrafficIngest ingest, TrafficReporting reporting,
                            AccessControl access, Store store) {
        this.reporting = reporting;
        this.queries = queries;
        this.ingest = ingest;
        this.access = access;
        this.store = store;
        this.orgs = new Orgs(store);
    }

    @Override
    public void addEndpoints() {
        post(Q, read(ctx -> {
            String prefer = ctx.header("Prefer");
            if (prefer == null || !prefer.toLowerCase(java.util.Locale.ROOT).contains("respond-async")) {
                throw ApiException.invalid("respond_async_required", "Traffic queries run asynchronously: send the"
                        + " header 'Prefer: respond-async', then poll the href of the answer until its status is"
                        + " completed and GET its result.");
            }
            int org = org(ctx);
            ObjectNode status = queries.create(org, p(ctx), Json.parseBody(RequestLimits.body(ctx), "traffic query"));
            ctx.header("Location", "/api/v2" + status.get("href").asText()).header("Retry-After", "1");
            raw(ctx, 202, status);
        }));
        get(Q, read(ctx -> {
            List<JsonNode> all = queries.list(org(ctx), p(ctx));
            ctx.header("X-Total-Count", Integer.toString(all.size()));
            ctx.status(200).contentType("application/json").result(Json.write(all));
        }));
        get(Q + "/{id}", read(ctx -> raw(ctx, 200, queries.get(org(ctx), href(ctx), p(ctx)))));
        get(Q + "/{id}/download", read(ctx -> {
            boolean draft = "true".equals(ctx.queryParam("draft_policy_decision"));
            Runnable stream = queries.download(org(ctx), href(ctx), p(ctx), draft, ctx.outputStream());
            ctx.status(200).contentType("application/json");
            stream.run();
        }));
        put(Q + "/{id}", read(ctx -> raw(ctx, 202, queries.cancel(org(ctx), href(ctx), p(ctx)))));
        put(Q + "/{id}/update_rules", read(ctx -> raw(ctx, 202, queries.updateRules(org(ctx), href(ctx), p(ctx)))));
        delete(Q + "/{id}", read(ctx -> {
            queries.delete(org(ctx), href(ctx), p(ctx));
            ctx.status(204);
        }));
        // Illumio's "increase traffic update rate": the workloads' VENs report every 10 s for the next 10 minutes
        post("/api/v2/orgs/{org}/workloads/set_flow_reporting_frequency", ctx -> {
            Principal pr = p(ctx);
            if (!pr.isAdmin()) {
                throw access.denied(pr, ctx.method() + " " + ctx.path(), "Changing how often VENs report traffic needs"
                        + " the owner or admin role.");
            }
            reporting.increase(org(ctx), Json.parseBody(RequestLimits.body(ctx), "set_flow_reporting_frequency body"), pr);
            ctx.status(204);
        });
        post("/api/v2/orgs/{org}/agents/bulk_traffic_flows", ctx -> {
            Principal pr = p(ctx);
            if (!pr.isAdmin()) {
                throw access.denied(pr, ctx.method() + " " + ctx.path(), "Uploading flows needs the owner or admin role.");
            }
            raw(ctx, 200, BulkFlows.upload(ingest, org(ctx), RequestLimits.body(ctx)));
        });
    }

    private Handler read(Handler h) {
        return ctx -> {
            Principal pr = p(ctx);
            if (!pr.canRead()) {
                throw access.denied(pr, ctx.method() + " " + ctx.path(), "Your API key has no role in this org: ask an"
                        + " owner for a permission.");
            }
            h.handle(ctx);
        };
    }

    private static Principal p(Context ctx) {
        return ctx.attribute(P);
    }

    private String href(Context ctx) {
        return TrafficQueries.base(org(ctx)) + "/" + ctx.pathParam("id");
    }

    private int org(Context ctx) {
        return orgs.org(ctx);
    }

    private static void raw(Context ctx, int status, JsonNode n) {
        ctx.status(status).contentType("application/json").result(n.toString());
    }
}
