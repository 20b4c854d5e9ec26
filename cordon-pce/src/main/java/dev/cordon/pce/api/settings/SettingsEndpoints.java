package dev.cordon.pce.api.settings;

import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.put;

import dev.cordon.pce.api.kit.ApiGroup;
import dev.cordon.pce.api.kit.Guard;
import dev.cordon.pce.api.limits.RequestLimits;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.settings.WorkloadSettings;

/** {@code GET|PUT /orgs/{org}/settings/workloads}: any role reads, owner or admin writes. */
public final class SettingsEndpoints implements ApiGroup {
    private final Guard guard;
    private final WorkloadSettings settings;

    public SettingsEndpoints(Guard guard, WorkloadSettings settings) {
        this.guard = guard;
        this.settings = settings;
    }

    @Override
    public void addEndpoints() {
        get("/api/v2/orgs/{org}/settings/workloads", guard.read(ctx -> Guard.json(ctx, 200, settings.read(guard.org(ctx)).toString())));
        put("/api/v2/orgs/{org}/settings/workloads", guard.admin(ctx -> {
            settings.update(guard.org(ctx), Json.parseBody(RequestLimits.body(ctx), "workload settings"), Guard.principal(ctx));
            ctx.status(204);
        }));
    }
}
