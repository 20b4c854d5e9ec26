package dev.cordon.pce.api.events;

import static dev.cordon.pce.api.http.Responses.list;
import static dev.cordon.pce.api.http.Responses.ok;
import static io.javalin.apibuilder.ApiBuilder.get;

import dev.cordon.pce.api.http.Orgs;
import dev.cordon.pce.api.http.Requests;
import dev.cordon.pce.api.http.Roles;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.store.EventRow;
import io.javalin.apibuilder.EndpointGroup;

/** The audit trail: events newest first, filtered by type, severity and time; one event by its href. */
public final class EventEndpoints implements EndpointGroup {
    private final Events events;
    private final Roles roles;
    private final Orgs orgs;

    public EventEndpoints(Events events, Roles roles, Orgs orgs) {
        this.events = events;
        this.roles = roles;
        this.orgs = orgs;
    }

    @Override
    public void addEndpoints() {
        get("/api/v2/orgs/{org}/events", roles.read(ctx -> {
            EventRow.Page page = events.query(orgs.org(ctx), ctx.queryParam("event_type"), ctx.queryParam("severity"),
                    ctx.queryParam("timestamp[gte]"), ctx.queryParam("timestamp[lte]"), Requests.limit(ctx));
            list(ctx, page.rows().stream().map(r -> Json.parse(r.body())).toList(), page.total());
        }));
        get("/api/v2/orgs/{org}/events/{id}", roles.read(ctx -> {
            int org = orgs.org(ctx);
            ok(ctx, events.get(org, "/orgs/" + org + "/events/" + ctx.pathParam("id")));
        }));
    }
}
