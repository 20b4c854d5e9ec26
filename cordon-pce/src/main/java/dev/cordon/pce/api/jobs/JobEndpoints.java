package dev.cordon.pce.api.jobs;

import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;

import dev.cordon.pce.api.kit.ApiGroup;
import dev.cordon.pce.api.kit.Guard;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.jobs.AsyncJobs;
import io.javalin.Javalin;

/**
 * Illumio's jobs endpoints for asynchronous collection reads ({@code GET /orgs/{org}/jobs[/{uuid}]},
 * {@code DELETE /orgs/{org}/jobs/{uuid}}, {@code GET /orgs/{org}/datafiles/{uuid}}) and the hook that turns a
 * {@code Prefer: respond-async} collection GET into a job. Every caller sees only its own jobs.
 */
public final class JobEndpoints implements ApiGroup {
    private final Guard guard;
    private final AsyncJobs jobs;

    public JobEndpoints(Guard guard, AsyncJobs jobs) {
        this.guard = guard;
        this.jobs = jobs;
    }

    @Override
    public void hooks(Javalin app) {
        new AsyncCollections(jobs, Guard::principal).register(app);
    }

    @Override
    public void addEndpoints() {
        get("/api/v2/orgs/{org}/jobs", guard.read(ctx -> {
            var all = jobs.jobs(guard.org(ctx), Guard.principal(ctx));
            ctx.header("X-Total-Count", Integer.toString(all.size()));
            Guard.json(ctx, 200, Json.write(all));
        }));
        get("/api/v2/orgs/{org}/jobs/{id}", guard.read(ctx -> Guard.json(ctx, 200,
                jobs.job(guard.org(ctx), href(ctx, "jobs"), Guard.principal(ctx)).toString())));
        delete("/api/v2/orgs/{org}/jobs/{id}", guard.read(ctx -> {
            jobs.delete(guard.org(ctx), href(ctx, "jobs"), Guard.principal(ctx));
            ctx.status(204);
        }));
        get("/api/v2/orgs/{org}/datafiles/{id}", guard.read(ctx -> Guard.json(ctx, 200,
                jobs.datafile(guard.org(ctx), href(ctx, "datafiles"), Guard.principal(ctx)))));
    }

    private String href(io.javalin.http.Context ctx, String collection) {
        return "/orgs/" + guard.org(ctx) + "/" + collection + "/" + ctx.pathParam("id");
    }
}
