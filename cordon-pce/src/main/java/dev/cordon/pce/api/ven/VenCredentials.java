package dev.cordon.pce.api.ven;

import dev.cordon.pce.auth.throttle.AuthThrottle;
import dev.cordon.pce.auth.throttle.Throttles;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.ven.Agent;
import dev.cordon.pce.ven.Vens;
import io.javalin.http.Context;

/** VEN credentials on every VEN path: the agent token of a request, throttled per source and per token id. */
public final class VenCredentials {
    private VenCredentials() {}

    /** The VEN of a request's agent token, throttled per source and per token id. */
    public static Agent agent(Context ctx, Vens vens, Throttles throttles) {
        String header = ctx.header("Authorization");
        String id = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = header.substring(7).trim();
            int dot = token.indexOf('.');
            if (dot > 0 && dot <= 64) id = token.substring(0, dot);
        }
        AuthThrottle throttle = throttles.agentTokens();
        String src = ctx.ip();
        ApiException locked = throttle.refusal(src, id);
        if (locked != null) throw locked;
        try {
            Agent a = vens.tokens().authenticate(header);
            throttle.succeeded(src, id);
            return a;
        } catch (ApiException e) {
            if (e.failure() != null) {
                throttle.failed(src, e.failure() == ApiException.Failure.WRONG_SECRET ? id : null, id,
                        e.errors().get(0).message());
            }
            throw e;
        }
    }
}
