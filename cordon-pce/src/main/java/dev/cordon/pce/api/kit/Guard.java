package dev.cordon.pce.api.kit;

import dev.cordon.pce.api.http.Orgs;
import dev.cordon.pce.api.http.Roles;
import dev.cordon.pce.auth.AccessControl;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.store.Store;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * The request basics {@link ApiGroup}s share with the other endpoint groups: the roles of {@link Roles} (the same
 * checks, messages and events) and the org of the path from {@link Orgs}, in one object to pass around.
 */
public final class Guard {
    public static final String PRINCIPAL = Roles.PRINCIPAL;

    private final Roles roles;
    private final Orgs orgs;

    public Guard(AccessControl access, Store store) {
        this.roles = new Roles(access);
        this.orgs = new Orgs(store);
    }

    /** The authenticated caller (set before every handler). */
    public static Principal principal(Context ctx) {
        return Roles.p(ctx);
    }

    public Handler read(Handler h) {
        return roles.read(h);
    }

    public Handler admin(Handler h) {
        return roles.admin(h);
    }

    /** The org of the path, which must exist (404 otherwise). */
    public int org(Context ctx) {
        return orgs.org(ctx);
    }

    public static void json(Context ctx, int status, String json) {
        ctx.status(status).contentType("application/json").result(json);
    }
}
