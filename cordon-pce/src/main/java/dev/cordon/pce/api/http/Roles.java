package dev.cordon.pce.api.http;

import dev.cordon.pce.auth.AccessControl;
import dev.cordon.pce.auth.Principal;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.function.Predicate;

/**
 * The role a route needs, wrapped around its handler: {@code read} (any role), {@code admin} (owner or admin),
 * {@code owner}, {@code rulesets} (admin, or a rule set manager whose scopes the use case then checks), {@code self}
 * (any role; the use case decides). A refusal is a 403 with an event, from {@link AccessControl#denied}.
 */
public final class Roles {
    /** The request attribute holding the authenticated {@link Principal}. */
    public static final String PRINCIPAL = "principal";
    private final AccessControl access;

    public Roles(AccessControl access) {
        this.access = access;
    }

    /** The caller of an authenticated request. */
    public static Principal p(Context ctx) {
        return ctx.attribute(PRINCIPAL);
    }

    public Handler read(Handler h) {
        return role(h, Principal::canRead, "Your API key has no role in this org: ask an owner for a permission.");
    }

    public Handler self(Handler h) {
        return read(h);
    }

    public Handler admin(Handler h) {
        return role(h, Principal::isAdmin, "This change needs the owner or admin role; your role may only read"
                + " (or, as a rule set manager, write rule sets within your scopes).");
    }

    public Handler owner(Handler h) {
        return role(h, Principal::isOwner, "Only an owner may manage users and permissions.");
    }

    public Handler rulesets(Handler h) {
        return role(h, pr -> pr.isAdmin() || !pr.rulesetScopes().isEmpty(), "Changing rule sets needs the admin role"
                + " or a ruleset_manager permission.");
    }

    public Handler role(Handler h, Predicate<Principal> allowed, String message) {
        return ctx -> {
            Principal pr = p(ctx);
            if (!allowed.test(pr)) throw access.denied(pr, ctx.method() + " " + ctx.path(), message);
            h.handle(ctx);
        };
    }
}
