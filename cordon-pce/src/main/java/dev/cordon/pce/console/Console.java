package dev.cordon.pce.console;

import dev.cordon.pce.console.infra.ApiClient.Unauthorized;
import dev.cordon.pce.console.infra.ApiClient;
import dev.cordon.pce.console.infra.ConsoleConfig;
import dev.cordon.pce.console.infra.Req;
import dev.cordon.pce.console.infra.Sessions;
import dev.cordon.pce.console.infra.StaticAssets;
import dev.cordon.pce.console.infra.Templates;
import dev.cordon.pce.console.pages.Coexistence;
import dev.cordon.pce.console.pages.Inventory;
import dev.cordon.pce.console.pages.Pairing;
import dev.cordon.pce.console.pages.Users;
import dev.cordon.pce.console.pages.Policy;
import dev.cordon.pce.console.pages.RuleSets;
import dev.cordon.pce.console.pages.SignIn;
import dev.cordon.pce.console.pages.Vens;
import dev.cordon.pce.console.traffic.Dashboard;
import dev.cordon.pce.console.traffic.Explorer;
import dev.cordon.pce.console.infra.Picks;
import dev.cordon.pce.console.traffic.PolicyGenerator;
import dev.cordon.pce.console.traffic.Readiness;
import dev.cordon.pce.console.traffic.WorkloadDetail;
import dev.cordon.pce.console.traffic.RuleHits;
import dev.cordon.pce.console.traffic.TrafficMap;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console: server-rendered pages (jte, with htmx for partial updates) served by the PCE at {@code /}, built
 * only on the PCE's REST API, which it calls over loopback with the signed-in caller's API key. So access control and
 * validation live in one place, the API; the console shows its answers beside the fields they concern.
 *
 * <p>{@link #register} is the one entry point. Every console route is declared in {@link #routes} and nowhere else;
 * each is either open (sign-in, static files) or needs a session, and every POST must carry the session's CSRF token.
 * Errors never escape to the PCE's JSON error handler: a handler failure becomes a console error page.
 */
public final class Console {
    private static final Logger LOG = LoggerFactory.getLogger(Console.class);

    private final ConsoleConfig config;
    private final ApiClient api;
    private final Sessions sessions;

    private Console(ConsoleConfig config) {
        this.config = config;
        this.api = new ApiClient(config.apiBaseUrl(), config.certificatePem(), config.clientProof());
        this.sessions = new Sessions(config.idleTimeout(), Clock.systemUTC());
    }

    /** Adds the console's routes to the PCE's Javalin app. */
    public static void register(Javalin app, ConsoleConfig config) {
        new Console(config).routes(app);
    }

    /** The one place where console routes are declared. */
    private void routes(Javalin app) {
        SignIn signIn = new SignIn(api, sessions);
        Inventory inventory = new Inventory();
        RuleSets ruleSets = new RuleSets();
        Policy policy = new Policy();
        Vens vens = new Vens();
        Coexistence coexistence = new Coexistence();
        Explorer explorer = new Explorer(Clock.systemUTC());
        TrafficMap map = new TrafficMap(Clock.systemUTC());
        RuleHits hits = new RuleHits(Clock.systemUTC());
        Picks picks = new Picks();
        dailyWork(app);

        app.get("/", ctx -> ctx.redirect(SignIn.HOME, HttpStatus.SEE_OTHER));
        app.get("/console", ctx -> ctx.redirect(SignIn.HOME, HttpStatus.SEE_OTHER));
        app.get("/console-static/<path>", ctx -> StaticAssets.serve(ctx, "console-static/", ctx.pathParam("path")));
        app.get("/webjars/<path>", ctx -> StaticAssets.serve(ctx, "META-INF/resources/webjars/", ctx.pathParam("path")));

        app.get("/console/signin", open(signIn::show));
        app.post("/console/signin", open(signIn::signIn));
        app.post("/console/signout", page(signIn::signOut));

        app.get("/console/workloads", page(inventory::workloads));
        app.post("/console/workloads", page(inventory::createWorkload));
        app.post("/console/workloads/bulk", page(inventory::bulkWorkloads));
        app.post("/console/workloads/{id}", page(inventory::updateWorkload));
        app.post("/console/workloads/{id}/delete", page(inventory::deleteWorkload));
        app.get("/console/labels", page(inventory::labels));
        app.post("/console/labels", page(inventory::createLabel));
        app.post("/console/labels/bulk", page(inventory::bulkLabels));
        app.post("/console/labels/{id}", page(inventory::updateLabel));
        app.post("/console/labels/{id}/delete", page(inventory::deleteLabel));
        app.get("/console/label_groups", page(inventory::labelGroups));
        app.post("/console/label_groups", page(inventory::createLabelGroup));
        app.post("/console/label_groups/{id}", page(inventory::updateLabelGroup));
        app.post("/console/label_groups/{id}/delete", page(inventory::deleteLabelGroup));
        app.get("/console/ip_lists", page(inventory::ipLists));
        app.post("/console/ip_lists", page(inventory::createIpList));
        app.post("/console/ip_lists/{id}", page(inventory::updateIpList));
        app.post("/console/ip_lists/{id}/delete", page(inventory::deleteIpList));
        app.get("/console/services", page(inventory::services));
        app.post("/console/services", page(inventory::createService));
        app.post("/console/services/{id}", page(inventory::updateService));
        app.post("/console/services/{id}/delete", page(inventory::deleteService));

        app.get("/console/rule_sets", page(ruleSets::list));
        app.post("/console/rule_sets", page(ruleSets::create));
        app.get("/console/rule_set_markers", page(ruleSets::markers));
        app.get("/console/rule_sets/{id}", page(ruleSets::show));
        app.post("/console/rule_sets/{id}", page(ruleSets::update));
        app.post("/console/rule_sets/{id}/delete", page(ruleSets::delete));
        app.post("/console/rule_sets/{id}/{rules}", page(ruleSets::addRule));
        app.post("/console/rule_sets/{id}/{rules}/{rid}", page(ruleSets::updateRule));
        app.post("/console/rule_sets/{id}/{rules}/{rid}/delete", page(ruleSets::deleteRule));
        app.post("/console/rule_sets/{id}/{rules}/{rid}/enabled", page(ruleSets::toggleRule));
        app.get("/console/rule_sets/{id}/{rules}/{rid}/conflicts", page(ruleSets::conflictPanel));

        app.get("/console/provision", page(policy::provisionPage));
        app.post("/console/provision", page(policy::provision));
        app.post("/console/provision/revert", page(policy::revert));
        app.post("/console/provision/restore/{version}", page(policy::restore));
        app.get("/console/policy_check", page(policy::check));
        app.get("/console/conflicts", page(policy::conflicts));
        app.get("/console/events", page(policy::events));

        app.get("/console/vens", page(vens::list));
        app.post("/console/vens/{id}/status", page(vens::setStatus));
        app.post("/console/vens/{id}/unpair", page(vens::unpair));
        app.post("/console/pairing_profiles", page(vens::createProfile));
        app.post("/console/pairing_profiles/{id}", page(vens::updateProfile));
        app.post("/console/pairing_profiles/{id}/key", page(vens::pairingKey));
        app.post("/console/pairing_profiles/{id}/delete", page(vens::deleteProfile));

        app.get("/console/traffic", page(explorer::show));
        app.get("/console/traffic/csv", page(explorer::csv));
        app.get("/console/map", page(map::show));
        app.get("/console/map/panel", page(map::panel));
        app.get("/console/rule_hits", page(hits::show));
        app.get("/console/pick", page(picks::search));

        String fc = "/console/settings/security/firewall_coexistence";
        app.get(fc, page(coexistence::show));
        app.post(fc, page(coexistence::add));
        app.post(fc + "/{index}", page(coexistence::edit));
        app.post(fc + "/{index}/delete", page(coexistence::remove));

        // last, so every page above wins: a GET of an address that is no page (a form's target left in the address
        // bar after an error, a bookmark, a guess) goes to the nearest page instead of the API's JSON 404
        app.get("/console/<rest>", ctx -> ctx.redirect(nearestPage(ctx.path()), HttpStatus.SEE_OTHER));
    }

    /** The pages of daily work (issue 15): dashboard, workload detail, users and keys, pairing, generator, readiness. */
    private void dailyWork(Javalin app) {
        Dashboard dashboard = new Dashboard(Clock.systemUTC());
        WorkloadDetail workload = new WorkloadDetail(Clock.systemUTC());
        Users users = new Users();
        Pairing pairing = new Pairing();
        PolicyGenerator generator = new PolicyGenerator(Clock.systemUTC());
        Readiness readiness = new Readiness(Clock.systemUTC());
        app.get("/console/dashboard", page(dashboard::show));
        app.get("/console/workloads/{id}", page(workload::show));
        app.get("/console/users", page(users::show));
        app.post("/console/users", page(users::createUser));
        app.post("/console/users/api_keys", page(users::createKey));
        app.post("/console/users/{user}/api_keys/{key}/delete", page(users::deleteKey));
        app.post("/console/permissions/{id}/delete", page(users::deleteGrant));
        app.get("/console/pairing", page(pairing::show));
        app.post("/console/pairing", page(pairing::generate));
        app.get("/console/generator", page(generator::show));
        app.post("/console/generator", page(generator::apply));
        app.get("/console/readiness", page(readiness::show));
        app.post("/console/readiness/enforce", page(readiness::enforce));
    }

    private static final java.util.Set<String> SECTIONS = java.util.Set.of("workloads", "labels", "label_groups",
            "ip_lists", "services", "rule_sets", "provision", "policy_check", "conflicts", "events", "vens", "traffic", "map",
            "rule_hits", "dashboard", "users", "pairing", "generator", "readiness");

    /** The page a non-page console address belongs to. */
    static String nearestPage(String path) {
        java.util.regex.Matcher rs = java.util.regex.Pattern.compile("^/console/rule_sets/([^/]+)/.+").matcher(path);
        if (rs.matches()) return "/console/rule_sets/" + rs.group(1);
        if (path.startsWith("/console/settings")) return "/console/settings/security/firewall_coexistence";
        String[] parts = path.split("/");
        if (parts.length > 2) {
            if (parts[2].equals("pairing_profiles")) return "/console/vens";
            if (SECTIONS.contains(parts[2])) return "/console/" + parts[2];
        }
        return SignIn.HOME;
    }

    /** What a console route does for a signed-in caller. */
    @FunctionalInterface
    interface Action {
        void handle(Req r) throws Exception;
    }

    /** What an open route (no session needed) does. */
    @FunctionalInterface
    interface OpenAction {
        void handle(Context ctx) throws Exception;
    }

    private Handler open(OpenAction a) {
        return ctx -> {
            secure(ctx);
            try {
                a.handle(ctx);
            } catch (Exception e) {
                failed(ctx, e);
            }
        };
    }

    private Handler page(Action a) {
        return ctx -> {
            secure(ctx);
            Optional<Sessions.Session> s = sessions.find(ctx);
            if (s.isEmpty()) {
                ctx.redirect("/console/signin" + (ctx.method().name().equals("GET") ? "?next=" + ApiClient.enc(ctx.path()) : ""),
                        HttpStatus.SEE_OTHER);
                return;
            }
            if (ctx.method().name().equals("POST") && !s.get().csrf.equals(csrfOf(ctx))) {
                ctx.status(403).contentType("text/plain; charset=utf-8")
                        .result("This form is stale or came from another site: reload the page and try again.");
                return;
            }
            Req r = new Req(ctx, s.get(), api, config.org());
            try {
                a.handle(r);
            } catch (Unauthorized e) {
                sessions.end(ctx);
                ctx.redirect("/console/signin?expired=1", HttpStatus.SEE_OTHER);
            } catch (ApiClient.ReadFailed e) {
                r.html(e.status == 403 || e.status == 404 ? e.status : 502, Templates.render("error",
                        r.page(e.status == 403 ? "Not permitted" : "Cannot show this page", "").with("message", e.getMessage())));
            } catch (Exception e) {
                failed(ctx, e);
            }
        };
    }

    private static String csrfOf(Context ctx) {
        String h = ctx.header("X-Csrf-Token");
        return h != null ? h : String.valueOf(ctx.formParam("_csrf"));
    }

    private static void failed(Context ctx, Exception e) {
        LOG.error("console: {} {} failed", ctx.method(), ctx.path(), e);
        ctx.status(500).contentType("text/plain; charset=utf-8")
                .result("The console failed to show this page: " + e.getMessage() + "\nThe PCE log has the details.");
    }

    /** Headers every console answer carries: no framing, no inline script, no caching of pages. */
    private static void secure(Context ctx) {
        ctx.header("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self';"
                + " img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        if (ctx.path().startsWith("/console/")) ctx.header("Cache-Control", "no-store");
    }
}
