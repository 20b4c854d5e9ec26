package dev.cordon.pce.api.http;

import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.store.StoreUnavailableException;
import dev.cordon.policy.validate.PolicyException;
import dev.cordon.policy.validate.ValidationError;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where typed errors become responses: {@code 406 [{"token","message"}]}, 401 with
 * {@code WWW-Authenticate}, 403, 404, 429 and 503 with {@code Retry-After}; anything unexpected is a 500 whose body
 * names no internals (the server log has the stack trace).
 */
public final class ErrorMapping {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {}

    public static void register(Javalin app) {
        app.exception(ApiException.class, (e, ctx) -> {
            if (e.status() == 401) ctx.header("WWW-Authenticate", "Basic realm=\"cordon\"");
            if (e.retryAfterSeconds() > 0) ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            Responses.raw(ctx, e.status(), Json.write(e.errors()));
        });
        app.exception(PolicyException.class, (e, ctx) -> Responses.raw(ctx, 406, Json.write(e.errors())));
        app.exception(HttpResponseException.class, (e, ctx) -> Responses.raw(ctx, e.getStatus(), Json.write(List.of(
                new ValidationError(e.getStatus() == 404 ? "not_found" : "http_" + e.getStatus(), e.getMessage())))));
        app.exception(StoreUnavailableException.class, (e, ctx) -> {
            LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            ctx.header("Retry-After", "5");
            Responses.raw(ctx, 503, Json.write(List.of(new ValidationError("database_unavailable", e.getMessage()))));
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("internal error on {} {}", ctx.method(), ctx.path(), e);
            Responses.raw(ctx, 500, Json.write(List.of(new ValidationError("internal_error",
                    "The PCE failed to handle this request; the server log has the details."))));
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                Responses.raw(ctx, 404, Json.write(List.of(new ValidationError("not_found", "No such path: "
                        + ctx.method() + " " + ctx.path() + ". See API.md for the paths."))));
            }
        });
    }
}
