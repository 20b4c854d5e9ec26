package dev.cordon.pce.console.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.console.infra.ApiClient.Response;
import dev.cordon.pce.console.infra.Form;
import dev.cordon.pce.console.infra.Form.Field;
import dev.cordon.pce.console.infra.Page;
import dev.cordon.pce.console.infra.Req;
import dev.cordon.pce.traffic.generator.Proposal;
import dev.cordon.pce.traffic.generator.RuleGenerator;
import java.io.IOException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Policy › Policy Generator: for an app group (a label scope), the allow rules that would cover its observed flows
 * which the draft does not allow yet ({@link RuleGenerator}, from one Explorer query with the draft decision), with
 * the coverage before and after. Nothing is written until the user confirms: then the IP lists and one rule set
 * scoped to the group are created in the draft, through the API, and the user provisions as usual.
 */
public final class PolicyGenerator {
    static final List<String> RANGES = List.of("1h", "24h", "7d", "30d");
    private static final List<Field> FIELDS = List.of(Field.of("scope", "scope", "label"), Field.of("plan", "rule", "ip_list",
            "ip_ranges", "providers", "consumers", "ingress_services", "name"));
    private final Clock clock;

    public PolicyGenerator(Clock clock) {
        this.clock = clock;
    }

    public void show(Req r) {
        AppGroupForm g = AppGroupForm.read(r, "generator");
        String range = r.ctx.queryParam("range") != null && RANGES.contains(r.ctx.queryParam("range")) ? r.ctx.queryParam("range") : "7d";
        Page p = r.page("Policy Generator", "generator").form(g.form).with("range", range).with("picks", g.labels);
        if (g.given() && g.valid()) {
            try {
                List<FlowRow> rows = Observed.window(r, clock.instant(), range, f -> g.contains(f.src()) || g.contains(f.dst()));
                Proposal proposal = RuleGenerator.propose(g.group(), rows.stream().map(Observed::toGenerator).toList());
                String stamp = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", "");
                p.with("proposal", proposal).with("plan", GeneratorPlan.of(proposal, g.group().labels(), stamp).toString())
                        .with("flows", rows.size());
            } catch (TrafficRuns.Refused e) {
                p.with("error", e.getMessage());
            }
        } else if (!g.valid()) {
            r.invalid();
        }
        r.render("generator", p);
    }

    /** The user confirmed: the proposal's IP lists, then its rule set, go into the draft. */
    public void apply(Req r) {
        Form f = r.form("generator");
        JsonNode plan;
        try {
            plan = GeneratorPlan.JSON.readTree(r.param("plan"));
        } catch (IOException e) {
            f.error("plan", "The proposal could not be read back: run the generator again.");
            r.refused(() -> r.render("generator", r.page("Policy Generator", "generator").form(f).with("range", "7d")));
            return;
        }
        List<String> hrefs = new ArrayList<>();
        for (JsonNode list : plan.path("ip_lists")) {
            Response created = r.api.post(r.key(), r.draft("/ip_lists"), list);
            if (!created.ok()) {
                refused(r, f, created, hrefs);
                return;
            }
            hrefs.add(created.body().path("href").asText());
        }
        ObjectNode ruleSet = GeneratorPlan.ruleSet(plan, hrefs);
        Response created = r.api.post(r.key(), r.draft("/rule_sets"), ruleSet);
        if (!created.ok()) {
            refused(r, f, created, hrefs);
            return;
        }
        String href = created.body().path("href").asText();
        r.outcome(created, f, FIELDS, "Rule set '" + ruleSet.path("name").asText() + "' added to the draft with "
                + ruleSet.path("rules").size() + " rules" + (hrefs.isEmpty() ? "" : " and " + hrefs.size() + " IP lists")
                + ": review it, then provision to enforce it.", "/console/rule_sets/" + href.substring(href.lastIndexOf('/') + 1),
                () -> { });
    }

    /** The API refused part of the proposal: what was created already is removed again, the errors are shown. */
    private static void refused(Req r, Form f, Response resp, List<String> created) {
        for (String h : created) r.api.delete(r.key(), h);
        f.errors(resp.errors(), FIELDS);
        r.refused(() -> r.render("generator", r.page("Policy Generator", "generator").form(f).with("range", "7d")));
    }

    /** A proposed actor as people read it. */
    public static String actor(Page p, Proposal proposal, Proposal.Actor a) {
        return switch (a.kind()) {
            case "ip_list" -> "IP list '" + proposal.ipLists().get(Integer.parseInt(a.ref())).name() + "'";
            case "workload" -> "workload " + p.name(a.ref());
            default -> p.name(a.ref());
        };
    }

    public static String actors(Page p, Proposal proposal, List<Proposal.Actor> actors) {
        return String.join(" AND ", actors.stream().map(a -> actor(p, proposal, a)).toList());
    }

    public static String kindText(String kind) {
        return switch (kind) {
            case "intra_scope" -> "intra-scope";
            case "extra_scope" -> "extra-scope (from other app groups)";
            case "unmanaged_consumers" -> "from unmanaged addresses";
            default -> "to unmanaged addresses";
        };
    }
}
