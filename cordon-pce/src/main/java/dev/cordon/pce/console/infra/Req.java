package dev.cordon.pce.console.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.console.infra.ApiClient.Credentials;
import dev.cordon.pce.console.infra.ApiClient.Response;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;

/**
 * One console request of a signed-in caller: the Javalin context, the session, the API client bound to the caller's
 * key, and the steps every handler takes (render a page, redirect after a write, show a refused write beside its
 * fields). Handlers stay thin: read or write through the API, then one of these.
 */
public final class Req {
    public final Context ctx;
    public final Sessions.Session session;
    public final ApiClient api;
    final int org;
    public final Lookups lookups;
    private int status = 200;

    public Req(Context ctx, Sessions.Session session, ApiClient api, int org) {
        this.ctx = ctx;
        this.session = session;
        this.api = api;
        this.org = org;
        this.lookups = new Lookups(api, session.credentials, org);
    }

    public Credentials key() {
        return session.credentials;
    }

    /** {@code /orgs/{org}} + rest. */
    public String org(String rest) {
        return "/orgs/" + org + rest;
    }

    /** {@code /orgs/{org}/sec_policy/draft} + rest. */
    public String draft(String rest) {
        return org("/sec_policy/draft" + rest);
    }

    public List<JsonNode> list(String path) {
        return api.list(key(), path);
    }

    public JsonNode read(String path) {
        return api.read(key(), path).body();
    }

    public Page page(String title, String section) {
        Page p = new Page(title, section, session, lookups, ctx.queryParamMap());
        String flash = session.flash;
        if (flash != null) {
            session.flash = null;
            p.notice(flash);
        }
        return p;
    }

    public Form form(String id) {
        return new Form(id, ctx.formParamMap());
    }

    public String param(String name) {
        String v = ctx.formParam(name);
        return v == null ? "" : v.trim();
    }

    public List<String> params(String name) {
        return ctx.formParams(name).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public String path(String name) {
        return ctx.pathParam(name);
    }

    public void render(String template, Page page) {
        html(status, Templates.render(template, page));
    }

    public void html(int code, String body) {
        ctx.status(code).contentType("text/html; charset=utf-8").result(body);
    }

    public void redirect(String path) {
        ctx.redirect(path, HttpStatus.SEE_OTHER);
    }

    /**
     * After a write: on success remember the notice and go to {@code next}; otherwise put the API's errors beside
     * the form's fields and show the page again ({@code reshow}) with status 422.
     */
    public void outcome(Response r, Form form, List<Form.Field> fields, String notice, String next, Runnable reshow) {
        if (r.ok()) {
            session.flash = notice;
            redirect(next);
            return;
        }
        // names, not hrefs, in what the user reads (the token still places the error beside its field)
        form.errors(r.errors().stream().map(e -> new ApiClient.ApiError(e.token(), lookups.humanize(e.message()))).toList(), fields);
        refused(reshow);
    }

    /** After writes that all succeeded: remember the notice and go to {@code next}. */
    public void done(String notice, String next) {
        session.flash = notice;
        redirect(next);
    }

    /** Shows the page again with the errors already placed in its form, with status 422. */
    public void refused(Runnable reshow) {
        invalid();
        reshow.run();
    }

    /** The page about to be rendered shows a refused request (status 422). */
    public void invalid() {
        status = 422;
    }
}
