package dev.cordon.pce.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.console.infra.ApiClient.Response;
import dev.cordon.pce.console.infra.Form.Field;
import dev.cordon.pce.console.infra.ApiClient;
import dev.cordon.pce.console.infra.Bodies;
import dev.cordon.pce.console.infra.Form;
import dev.cordon.pce.console.infra.Page;
import dev.cordon.pce.console.infra.Req;
import dev.cordon.pce.console.infra.Rules;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Provisioning (pending changes, provision, revert, versions, restore), policy check, conflicts and events. */
public final class Policy {
    private static final List<Field> PROVISION = List.of(Field.of("update_description", "description"));
    private static final List<Field> CHECK = List.of(Field.of("from", "src"), Field.of("to", "dst"),
            Field.of("port", "port"), Field.of("protocol", "protocol"), Field.of("version", "version", "pversion"));
    private static final List<Field> EVENTS = List.of(Field.of("event_type", "event_type"), Field.of("severity", "severity"),
            Field.of("since", "timestamp"));
    private static final Pattern IP = Pattern.compile("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*");

    // ---- provision ----

    public void provisionPage(Req r) {
        showProvision(r, null);
    }

    private void showProvision(Req r, Form posted) {
        JsonNode pending = r.read(r.org("/sec_policy/pending"));
        Page p = r.page("Provision", "provision")
                .with("pending", pending)
                .with("versions", r.list(r.org("/sec_policy?max_results=50")));
        // the review: each pending object's draft beside its active version, field by field and rule by rule
        p.with("review", dev.cordon.pce.console.policy.ProvisionReview.of(r, pending, p));
        if (posted != null) p.form(posted);
        r.render("provision", p);
    }

    public void provision(Req r) {
        Form f = r.form("provision");
        ObjectNode body = Bodies.object().put("update_description", r.param("update_description"));
        if (r.param("update_description").isEmpty()) {
            f.error("update_description", "Say what this provision changes and why: the description is kept with the"
                    + " version and shown in the versions list and the events.");
        }
        // selective provisioning: the pending changes left ticked, by kind; all ticked means everything pending
        List<String> chosen = r.params("change");
        if (r.param("selective").equals("yes")) {
            if (chosen.isEmpty()) f.error(Form.FORM_LEVEL, "Tick at least one pending change to provision.");
            else if (chosen.size() < Integer.parseInt(r.param("pending_count").isEmpty() ? "0" : r.param("pending_count"))) {
                ObjectNode subset = body.putObject("change_subset");
                for (String c : chosen) {
                    int bar = c.indexOf('|');
                    if (bar > 0) {
                        com.fasterxml.jackson.databind.node.ArrayNode a = subset.has(c.substring(0, bar))
                                ? (com.fasterxml.jackson.databind.node.ArrayNode) subset.get(c.substring(0, bar))
                                : subset.putArray(c.substring(0, bar));
                        a.addObject().put("href", c.substring(bar + 1));
                    }
                }
            }
        }
        if (f.hasErrors()) {
            r.refused(() -> showProvision(r, f));
            return;
        }
        Response resp = r.api.post(r.key(), r.org("/sec_policy"), body);
        String notice = resp.ok() ? "Provisioned version " + resp.body().path("version").asText() + " ("
                + resp.body().path("workloads_affected").asText("0") + " workloads affected)." : "";
        r.outcome(resp, f, PROVISION, notice, "/console/provision", () -> showProvision(r, f));
    }

    public void revert(Req r) {
        Form f = r.form("revert");
        r.outcome(r.api.delete(r.key(), r.org("/sec_policy/pending")), f, List.of(),
                "Reverted every pending change: the draft equals the active policy.", "/console/provision",
                () -> showProvision(r, f));
    }

    public void restore(Req r) {
        Form f = r.form("versions");
        String v = r.path("version");
        Response resp = r.api.post(r.key(), r.org("/sec_policy/" + v + "/restore"), Bodies.object());
        String notice = resp.ok() ? "Restored version " + v + " as version " + resp.body().path("version").asText() + "." : "";
        r.outcome(resp, f, List.of(), notice, "/console/provision", () -> showProvision(r, f));
    }

    // ---- policy check ----

    public void check(Req r) {
        Map<String, List<String>> q = r.ctx.queryParamMap();
        Form f = new Form("check", q);
        Page p = r.page("Policy check", "policy_check").form(f);
        boolean submitted = q.containsKey("from") || q.containsKey("to");
        if (submitted && (f.value("from").isEmpty() || f.value("to").isEmpty())) {
            // said in the form's words, not the API's (src_workload / dst_external_ip)
            List<ApiClient.ApiError> missing = new java.util.ArrayList<>();
            if (f.value("from").isEmpty()) missing.add(new ApiClient.ApiError("missing_src", "Give the source: a workload"
                    + " name, hostname or IP address."));
            if (f.value("to").isEmpty()) missing.add(new ApiClient.ApiError("missing_dst", "Give the destination: a"
                    + " workload name, hostname or IP address."));
            f.errors(missing, CHECK);
        } else if (!f.value("from").isEmpty() || !f.value("to").isEmpty()) {
            String version = f.value("version").isEmpty() ? "draft" : f.value("version");
            Map<String, String> params = new LinkedHashMap<>();
            end(params, "src", f.value("from"));
            end(params, "dst", f.value("to"));
            params.put("port", f.value("port"));
            params.put("protocol", f.value("protocol").isEmpty() ? "tcp" : f.value("protocol"));
            Response resp = r.api.get(r.key(), r.org("/sec_policy/" + ApiClient.enc(version) + "/policy_check"
                    + ApiClient.query(params)));
            if (resp.ok()) {
                p.with("result", resp.body());
            } else {
                f.errors(resp.errors(), CHECK);
                r.invalid();
            }
        }
        r.render("policy_check", p);
    }

    /** An address goes as {@code *_external_ip}, anything else as {@code *_workload} (href, name or hostname). */
    private static void end(Map<String, String> params, String side, String value) {
        if (value.isEmpty()) return;
        params.put(side + (IP.matcher(value).matches() ? "_external_ip" : "_workload"), value);
    }

    // ---- conflicts ----

    public void conflicts(Req r) {
        String version = r.ctx.queryParam("version") == null || r.ctx.queryParam("version").isBlank() ? "draft"
                : r.ctx.queryParam("version");
        List<JsonNode> conflicts = r.list(r.org("/sec_policy/" + ApiClient.enc(version) + "/rule_conflicts"));
        Rules rules = new Rules(r, version);
        r.render("conflicts", r.page("Conflicts", "conflicts").with("conflicts", conflicts).with("rules", rules)
                .with("version", version));
    }

    // ---- events ----

    public void events(Req r) {
        Map<String, List<String>> q = r.ctx.queryParamMap();
        Form f = new Form("events", q);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("event_type", f.value("event_type"));
        params.put("severity", f.value("severity"));
        params.put("timestamp[gte]", f.value("since"));
        Page p = r.page("Events", "events").form(f);
        try {
            // newest first as the API answers; the filters are the API's, and q searches the event type too
            dev.cordon.pce.console.infra.ListPage lp = dev.cordon.pce.console.infra.Lister.load(r,
                    new dev.cordon.pce.console.infra.Lister.Spec(r.org("/events"), text -> Map.of("event_type", text), Map.of(
                            "type", e -> e.path("event_type").asText() + " " + e.path("timestamp").asText(),
                            "severity", e -> e.path("severity").asText() + " " + e.path("timestamp").asText())), params);
            p.with("events", lp.rows()).with("list", lp);
        } catch (ApiClient.ReadFailed e) {
            // a filter is a query, not a change: the page answers 200 with the message beside the field, so htmx
            // swaps it in (it ignores 4xx answers)
            Response resp = r.api.get(r.key(), r.org("/events" + ApiClient.query(params)));
            f.errors(resp.errors(), EVENTS);
        }
        r.render("events", p);
    }
}
