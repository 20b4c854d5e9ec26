package dev.cordon.pce.api.kit;

import dev.cordon.pce.api.http.Orgs;
import dev.cordon.pce.auth.AccessControl;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.store.Store;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.function.Predicate;

/** The roles and request basics {@link ApiGroup}s share with {@code Routes}: the same checks, messages and events. */
public final class Guard {
    public static final String PRINCIPAL = "principal";

    private final AccessControl access;
    private final Orgs orgs;

    public Guard(AccessControl access, Store store) {
        this.access = access;
        this.orgs = new Orgs(store);
    }

    /** The authenticated caller (set before every handler). */
    public static Principal principal(Context ctx) {
        return ctx.attribute(PRINCIPAL);
    }

    public Handler read(Handler h) {
        return role(h, Principal::canRead, "Your API key has no role in this org: ask an owner for a permission.");
    }

    public Handler admin(Handler h) {
        return role(h, Principal::isAdmin, "This change needs the owner or admin role; your role may only read"
                + " (or, as a rule set manager, write rule sets within your scopes).");
    }

    private Handler role(Handler h, Predicate<Principal> allowed, String message) {
        return ctx -> {
            Principal pr = principal(ctx);
            if (!allowed.test(pr)) throw access.denied(pr, ctx.method() + " " + ctx.path(), message);
            h.handle(ctx);
        };
    }

    /** The org of the path, which must exist (404 otherwise). */
    public int org(Context ctx) {
        return orgs.org(ctx);
    }

    public static void json(Context ctx, int status, String json) {
        ctx.status(status).contentType("application/json").result(json);
    }
}
