package dev.cordon.pce.api.http;

import io.javalin.http.Context;

/** The request's {@code Prefer} header (RFC 7240), as Illumio's API uses it. */
public final class Prefer {
    private Prefer() {}

    /** True when the client asked for an asynchronous answer ({@code Prefer: respond-async}). */
    public static boolean respondAsync(Context ctx) {
        String prefer = ctx.header("Prefer");
        if (prefer == null) return false;
        for (String p : prefer.split(",")) {
            if (p.strip().split(";")[0].strip().equalsIgnoreCase("respond-async")) return true;
        }
        return false;
    }
}
