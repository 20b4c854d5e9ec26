package dev.cordon.pce.console.pages;

import dev.cordon.pce.console.infra.ApiClient.Credentials;
import dev.cordon.pce.console.infra.ApiClient;
import dev.cordon.pce.console.infra.Caller;
import dev.cordon.pce.console.infra.Form;
import dev.cordon.pce.console.infra.Page;
import dev.cordon.pce.console.infra.Req;
import dev.cordon.pce.console.infra.Sessions;
import dev.cordon.pce.console.infra.Templates;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Map;

/**
 * Signing in with an API key ({@code auth_username} and secret, as the API itself authenticates) and out. Signing in
 * asks the API who the caller is ({@link Caller#probe}); a refusal is shown in the API's words.
 */
public final class SignIn {
    /** Where a signed-in caller lands: after signing in, and from the console's bare addresses. */
    public static final String HOME = "/console/workloads";

    private final ApiClient api;
    private final Sessions sessions;

    public SignIn(ApiClient api, Sessions sessions) {
        this.api = api;
        this.sessions = sessions;
    }

    public void show(Context ctx) {
        if (sessions.find(ctx).isPresent()) {
            ctx.redirect(HOME, HttpStatus.SEE_OTHER);
            return;
        }
        Page p = new Page("Sign in", "signin", null, null, ctx.queryParamMap());
        if ("1".equals(ctx.queryParam("expired"))) p.notice("Your session ended or your API key is no longer accepted: sign in again.");
        if ("1".equals(ctx.queryParam("out"))) p.notice("Signed out.");
        render(ctx, 200, p);
    }

    public void signIn(Context ctx) {
        Form f = new Form("signin", Map.of("key", List.of(String.valueOf(ctx.formParam("key")).trim())));
        String key = f.value("key");
        String secret = ctx.formParam("secret") == null ? "" : ctx.formParam("secret").trim();
        if (key.isEmpty() || key.equals("null")) f.error("key", "Give the API key's auth_username, e.g. api_1a2b3c4d5e6f7a8b.");
        if (secret.isEmpty()) f.error("secret", "Give the API key's secret.");
        if (!f.hasErrors()) {
            Credentials c = new Credentials(key, secret, ctx.ip());
            try {
                Caller caller = Caller.probe(api, c);
                sessions.create(ctx, c, caller);
                ctx.redirect(next(ctx.queryParam("next")), HttpStatus.SEE_OTHER);
                return;
            } catch (Caller.SignInRefused e) {
                f.error(Form.FORM_LEVEL, e.getMessage());
            }
        }
        render(ctx, 401, new Page("Sign in", "signin", null, null, ctx.queryParamMap()).form(f));
    }

    public void signOut(Req r) {
        sessions.end(r.ctx);
        r.redirect("/console/signin?out=1");
    }

    /** Only a console path: never an open redirect to another site. */
    private static String next(String next) {
        if (next != null && next.startsWith("/console/") && !next.contains("//") && !next.contains("\\")) return next;
        return HOME;
    }

    private static void render(Context ctx, int status, Page p) {
        ctx.status(status).contentType("text/html; charset=utf-8").result(Templates.render("signin", p));
    }
}
