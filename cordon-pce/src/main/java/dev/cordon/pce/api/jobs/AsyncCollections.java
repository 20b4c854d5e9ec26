package dev.cordon.pce.api.jobs;

import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.jobs.AsyncJobs;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code Prefer: respond-async} on any collection GET of an org: the collection is read by the route that answers
 * it synchronously (same filters, role and scopes), then kept as a job's datafile, and the answer becomes Illumio's
 * {@code 202} with {@code Location} (the job) and {@code Retry-After}. One hook for every collection, so no
 * collection can answer differently asynchronously. Errors (a bad filter, no role) are answered as they are.
 */
public final class AsyncCollections {
    private static final Pattern ORG = Pattern.compile("^/api/v2/orgs/(\\d+)/");

    private final AsyncJobs jobs;
    private final Function<Context, Principal> principal;

    public AsyncCollections(AsyncJobs jobs, Function<Context, Principal> principal) {
        this.jobs = jobs;
        this.principal = principal;
    }

    /** Did the client ask for an asynchronous answer ({@code Prefer: respond-async}, among other preferences)? */
    public static boolean wanted(Context ctx) {
        return dev.cordon.pce.api.http.Prefer.respondAsync(ctx);
    }

    public void register(Javalin app) {
        app.after("/api/v2/orgs/*", this::toJob);
    }

    private void toJob(Context ctx) {
        if (!"GET".equals(ctx.method().name()) || !wanted(ctx) || ctx.statusCode() != 200) return;
        Matcher m = ORG.matcher(ctx.path());
        if (!m.find()) return;
        String body = ctx.result();
        if (body == null || !body.startsWith("[")) return; // an object, not a collection: answered as it is
        Principal by = principal.apply(ctx);
        if (by == null) return;
        String description = ctx.path().substring("/api/v2".length())
                + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        String job = jobs.completed(Integer.parseInt(m.group(1)), description, body, by);
        // the job is done before this answer is sent: the client may poll at once
        ctx.status(202).header("Location", job).header("Retry-After", "0").result("");
    }
}
