package dev.cordon.pce.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.console.infra.ApiClient;
import dev.cordon.pce.console.infra.ApiClient.Response;
import dev.cordon.pce.console.infra.Form.Field;
import dev.cordon.pce.console.infra.Bodies;
import dev.cordon.pce.console.infra.Form;
import dev.cordon.pce.console.infra.Page;
import dev.cordon.pce.console.infra.Req;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** VENs (status, conditions, suspend and resume) and pairing profiles (create, pairing keys, remove). */
public final class Vens {
    private static final List<Field> PROFILE = List.of(Field.of("key_lifespan", "lifespan"),
            Field.of("allowed_uses_per_key", "allowed_uses", "uses"), Field.of("ven_type", "ven_type"),
            Field.of("enforcement_mode", "enforcement", "mode"), Field.of("labels", "label", "reference"),
            Field.of("name", "name"));
    private static final List<Field> STATUS = List.of(Field.of("status", "status"));
    private static final List<Field> UNPAIR = List.of(Field.of("firewall_restore", "firewall_restore", "restore"));

    public void list(Req r) {
        show(r, null);
    }

    private void show(Req r, Form posted) {
        dev.cordon.pce.console.infra.ListPage lp = dev.cordon.pce.console.infra.Lister.load(r,
                new dev.cordon.pce.console.infra.Lister.Spec(r.org("/vens"), q -> Map.of("hostname", q), Map.of(
                        "hostname", v -> v.path("hostname").asText(), "status", v -> v.path("status").asText(),
                        "heartbeat", v -> v.path("last_heartbeat_on").asText("")))
                        .paged(Map.of("hostname", "hostname")), Map.of());
        List<JsonNode> vens = lp.rows();
        // the policy sync state is the workload's: found by hostname for the VENs shown (an org may hold 100,000)
        Map<String, JsonNode> syncByVen = new HashMap<>();
        for (JsonNode v : vens) {
            String host = v.path("hostname").asText();
            var found = r.api.get(r.key(), r.org("/workloads" + ApiClient.query(Map.of("hostname", host, "max_results", "50"))));
            if (!found.ok()) continue;
            for (JsonNode w : found.items()) {
                if (w.path("ven").path("href").asText().equals(v.path("href").asText())) syncByVen.put(v.path("href").asText(), w.path("agent").path("status"));
            }
        }
        Page p = r.page("VENs", "vens").with("vens", vens).with("sync", syncByVen).with("list", lp)
                .with("profiles", r.list(r.org("/pairing_profiles?max_results=100000")));
        if (posted != null) p.form(posted);
        r.render("vens", p);
    }

    public void setStatus(Req r) {
        Form f = r.form("vens");
        ObjectNode body = Bodies.object().put("status", r.param("status"));
        r.outcome(r.api.put(r.key(), r.org("/vens/" + r.path("id")), body), f, STATUS,
                "VEN " + (r.param("status").equals("suspended") ? "suspended." : "active again."), "/console/vens",
                () -> show(r, f));
    }

    /** Unpairs one VEN (PUT /vens/unpair): its workload goes away and the VEN restores its firewall as chosen. */
    public void unpair(Req r) {
        Form f = r.form("vens");
        String restore = r.param("firewall_restore") == null ? "default" : r.param("firewall_restore");
        ObjectNode body = Bodies.object().put("firewall_restore", restore);
        body.putArray("vens").addObject().put("href", r.org("/vens/" + r.path("id")));
        r.outcome(r.api.put(r.key(), r.org("/vens/unpair"), body), f, UNPAIR, "VEN unpaired: it restores its"
                + " firewall (" + restore + ") and stops at its next contact.", "/console/vens", () -> show(r, f));
    }

    /** A pairing profile's name, labels and enforcement mode (what the VENs it pairs from now on get). */
    public void updateProfile(Req r) {
        String id = r.path("id");
        Form f = r.form("profile-" + id);
        ObjectNode body = Bodies.object().put("name", r.param("name")).put("enforcement_mode", r.param("enforcement_mode"));
        body.set("labels", Bodies.refs(dev.cordon.pce.console.infra.Picked.hrefs(r, f, "labels",
                dev.cordon.pce.console.infra.Picked.LABELS)));
        if (f.hasErrors()) {
            r.refused(() -> show(r, f));
            return;
        }
        r.outcome(r.api.put(r.key(), r.org("/pairing_profiles/" + id), body), f, PROFILE,
                "Pairing profile '" + r.param("name") + "' saved.", "/console/vens", () -> show(r, f));
    }

    public void createProfile(Req r) {
        Form f = r.form("profile");
        ObjectNode body = Bodies.object().put("name", r.param("name"))
                .put("enforcement_mode", r.param("enforcement_mode")).put("ven_type", r.param("ven_type"));
        body.set("labels", Bodies.refs(dev.cordon.pce.console.infra.Picked.hrefs(r, f, "labels",
                dev.cordon.pce.console.infra.Picked.LABELS)));
        if (f.hasErrors()) {
            r.refused(() -> show(r, f));
            return;
        }
        limit(body, "key_lifespan", r.param("key_lifespan"));
        limit(body, "allowed_uses_per_key", r.param("allowed_uses_per_key"));
        r.outcome(r.api.post(r.key(), r.org("/pairing_profiles"), body), f, PROFILE,
                "Pairing profile '" + r.param("name") + "' added.", "/console/vens", () -> show(r, f));
    }

    /** A pairing key: with htmx only the code is swapped into the profile's row; without, the page shows it. */
    public void pairingKey(Req r) {
        Response resp = r.api.post(r.key(), r.org("/pairing_profiles/" + r.path("id") + "/pairing_key"), Bodies.object());
        String text = resp.ok() ? resp.body().path("activation_code").asText() : resp.errors().get(0).message();
        if (r.ctx.header("HX-Request") != null) {
            r.render("pairing_key", r.page("Pairing key", "vens").with("ok", resp.ok()).with("text", text));
            return;
        }
        Form f = r.form("profiles");
        r.outcome(resp, f, List.of(), "Activation code (shown once): " + text, "/console/vens", () -> show(r, f));
    }

    public void deleteProfile(Req r) {
        Form f = r.form("profiles");
        r.outcome(r.api.delete(r.key(), r.org("/pairing_profiles/" + r.path("id"))), f, List.of(),
                "Pairing profile removed.", "/console/vens", () -> show(r, f));
    }

    /** "unlimited" (or empty) stays a word; anything else goes as a number when it is one, so the API can judge it. */
    private static void limit(ObjectNode body, String field, String value) {
        if (value.isEmpty() || value.equals("unlimited")) {
            body.put(field, "unlimited");
        } else if (value.matches("-?\\d{1,9}")) {
            body.put(field, Integer.parseInt(value));
        } else {
            body.put(field, value);
        }
    }
}
