package dev.cordon.pce.api.http;

import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.store.Store;
import io.javalin.http.Context;

/** The {@code {org}} path parameter, checked: a number naming an org that exists, else a 404 that says so. */
public final class Orgs {
    private final Store store;

    public Orgs(Store store) {
        this.store = store;
    }

    public int org(Context ctx) {
        int org;
        try {
            org = Integer.parseInt(ctx.pathParam("org"));
        } catch (NumberFormatException e) {
            throw ApiException.notFound("No org '" + ctx.pathParam("org") + "': orgs are numbered (org 1 exists).");
        }
        if (!store.orgs().exists(org)) throw ApiException.notFound("No org " + org + ".");
        return org;
    }
}
