package dev.cordon.pce.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.console.infra.Form.Field;
import dev.cordon.pce.console.infra.ApiClient;
import dev.cordon.pce.console.infra.Bodies;
import dev.cordon.pce.console.infra.Form;
import dev.cordon.pce.console.infra.Page;
import dev.cordon.pce.console.infra.Req;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Settings › Security › Firewall Coexistence (SPEC §6): the draft {@code firewall_settings.firewall_coexistence}
 * list, shown under the default row (every workload no entry matches is exclusive). Add, edit and remove write the
 * whole list back with one PUT; the change takes effect when provisioned.
 */
public final class Coexistence {
    static final String PATH = "/console/settings/security/firewall_coexistence";
    private static final List<Field> FIELDS = List.of(Field.of("workload_mode", "workload_mode", "enforcement", "mode"),
            Field.of("illumio_primary", "primary"), Field.of("scope", "scope", "reference", "label"));

    public void show(Req r) {
        render(r, null);
    }

    private void render(Req r, Form posted) {
        JsonNode draft = r.read(r.draft("/firewall_settings"));
        JsonNode active = r.read(r.org("/sec_policy/active/firewall_settings"));
        Page p = r.page("Firewall Coexistence", "coexistence").with("entries", draft.path("firewall_coexistence"))
                .with("pending", !draft.path("firewall_coexistence").equals(active.path("firewall_coexistence")));
        String edit = r.ctx.queryParam("edit");
        if (posted != null) {
            p.form(posted).with("editing", posted.id);
        } else if (edit != null && edit.matches("\\d+") && Integer.parseInt(edit) < draft.path("firewall_coexistence").size()) {
            p.form(prefilled(draft.path("firewall_coexistence").get(Integer.parseInt(edit)), "entry-" + edit))
                    .with("editing", "entry-" + edit);
        }
        r.render("coexistence", p);
    }

    public void add(Req r) {
        write(r, r.form("entry"), -1, false);
    }

    public void edit(Req r) {
        int i = Integer.parseInt(r.path("index"));
        write(r, r.form("entry-" + i), i, false);
    }

    public void remove(Req r) {
        int i = Integer.parseInt(r.path("index"));
        write(r, r.form("entries"), i, true);
    }

    private void write(Req r, Form f, int index, boolean remove) {
        JsonNode current = r.read(r.draft("/firewall_settings")).path("firewall_coexistence");
        ArrayNode entries = ApiClient.array();
        current.forEach(entries::add);
        if (index >= entries.size()) {
            f.error(Form.FORM_LEVEL, "That entry no longer exists (someone changed the list): look again.");
            r.refused(() -> render(r, f));
            return;
        }
        if (remove) {
            entries.remove(index);
        } else {
            ObjectNode e = Bodies.object();
            e.put("illumio_primary", r.param("illumio_primary").equals("yes"));
            e.set("scope", Bodies.refs(dev.cordon.pce.console.infra.Picked.hrefs(r, f, "scope",
                    dev.cordon.pce.console.infra.Picked.LABELS)));
            if (f.hasErrors()) {
                r.refused(() -> render(r, f));
                return;
            }
            if (!r.param("workload_mode").isEmpty()) e.put("workload_mode", r.param("workload_mode"));
            if (index < 0) entries.add(e);
            else entries.set(index, e);
        }
        ObjectNode body = Bodies.object();
        body.set("firewall_coexistence", entries);
        String what = remove ? "removed" : index < 0 ? "added" : "saved";
        r.outcome(r.api.put(r.key(), r.draft("/firewall_settings"), body), f, FIELDS,
                "Coexistence entry " + what + " in the draft: provision to apply it.", PATH, () -> render(r, f));
    }

    private static Form prefilled(JsonNode entry, String id) {
        List<String> scope = new ArrayList<>();
        entry.path("scope").forEach(s -> scope.add(s.path("href").asText()));
        return new Form(id, Map.of("scope", scope,
                "workload_mode", List.of(entry.path("workload_mode").asText("")),
                "illumio_primary", List.of(entry.path("illumio_primary").asBoolean() ? "yes" : "no")));
    }
}
