package dev.cordon.pce.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.console.infra.Form.Field;
import dev.cordon.pce.console.infra.ApiClient;
import dev.cordon.pce.console.infra.Bodies;
import dev.cordon.pce.console.infra.Form;
import dev.cordon.pce.console.infra.ListPage;
import dev.cordon.pce.console.infra.Lister;
import dev.cordon.pce.console.infra.Page;
import dev.cordon.pce.console.infra.Picked;
import dev.cordon.pce.console.infra.Ports;
import dev.cordon.pce.console.infra.Req;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Workloads, labels, label groups, IP lists and services: list, add, change, remove, all through the API. */
public final class Inventory {
    private static final List<Field> WORKLOAD = List.of(Field.of("hostname", "hostname"),
            Field.of("address", "interface", "address"), Field.of("labels", "label"),
            Field.of("enforcement_mode", "enforcement", "mode"), Field.of("name", "name"));
    private static final List<Field> LABEL = List.of(Field.of("value", "value", "unique"), Field.of("key", "key"));
    private static final List<Field> LABEL_GROUP = List.of(Field.of("key", "key_required", "key"),
            Field.of("sub_groups", "sub_group"), Field.of("labels", "label", "reference"), Field.of("name", "name"));
    private static final List<Field> IP_LIST = List.of(Field.of("ip_ranges", "ip_range", "range", "ip", "address"),
            Field.of("name", "name"));
    private static final List<Field> SERVICE = List.of(Field.of("service_ports", "port", "proto", "icmp"),
            Field.of("name", "name"));
    private static final List<Field> REMOVE = List.of();

    // ---- workloads ----

    public void workloads(Req r) {
        showWorkloads(r, null);
    }

    private static Lister.Spec workloadList(Req r) {
        return new Lister.Spec(r.org("/workloads"), Lister.byName(), Map.of(
                "name", w -> w.path("name").asText(w.path("hostname").asText()),
                "hostname", w -> w.path("hostname").asText(),
                "enforcement", w -> w.path("managed").asBoolean() ? w.path("enforcement_mode").asText() : "~unmanaged"))
                // name and hostname are sorted and paged by the API (100,000 workloads); enforcement here, when few
                .paged(Map.of("name", "name", "hostname", "hostname"));
    }

    private void showWorkloads(Req r, Form posted) {
        ListPage lp = Lister.load(r, workloadList(r), Map.of());
        // the labels the page names, read at once (not the org's every label)
        r.lookups.prefetch(dev.cordon.pce.console.infra.Lookups.refs(lp.rows(), "labels"));
        Page p = r.page("Workloads", "workloads").with("list", lp).with("workloads", lp.rows());
        if (posted != null) p.form(posted);
        r.render("workloads", p);
    }

    public void createWorkload(Req r) {
        Form f = r.form("workload");
        ObjectNode body = Bodies.object().put("name", r.param("name")).put("hostname", r.param("hostname"));
        if (!r.param("address").isEmpty()) {
            body.putArray("interfaces").addObject().put("name", "eth0").put("address", r.param("address"));
        }
        body.set("labels", Bodies.refs(Picked.hrefs(r, f, "labels", Picked.LABELS)));
        if (f.hasErrors()) {
            r.refused(() -> showWorkloads(r, f));
            return;
        }
        r.outcome(r.api.post(r.key(), r.org("/workloads"), body), f, WORKLOAD, "Workload '" + r.param("name") + "' added.",
                "/console/workloads", () -> showWorkloads(r, f));
    }

    public void updateWorkload(Req r) {
        String id = r.path("id");
        Form f = r.form("workload-" + id);
        ObjectNode body = Bodies.object();
        body.set("labels", Bodies.refs(Picked.hrefs(r, f, "labels", Picked.LABELS)));
        if (!r.param("enforcement_mode").isEmpty()) body.put("enforcement_mode", r.param("enforcement_mode"));
        if (r.ctx.formParam("interfaces") != null) body.set("interfaces", interfaces(r.param("interfaces")));
        if (f.hasErrors()) {
            r.refused(() -> showWorkloads(r, f));
            return;
        }
        r.outcome(r.api.put(r.key(), r.org("/workloads/" + id), body), f, WORKLOAD, "Workload updated.",
                "/console/workloads", () -> showWorkloads(r, f));
    }

    public void deleteWorkload(Req r) {
        Form f = r.form("workloads");
        r.outcome(r.api.delete(r.key(), r.org("/workloads/" + r.path("id"))), f, REMOVE, "Workload removed.",
                "/console/workloads", () -> showWorkloads(r, f));
    }

    /**
     * The workloads chosen in the list: remove them, or add and take away labels on each (the rest of each
     * workload's labels stay). One API call per workload, so each refusal is reported with the workload's name.
     */
    public void bulkWorkloads(Req r) {
        Form f = r.form("bulk");
        List<String> ids = r.params("ids");
        List<String> add = dev.cordon.pce.console.infra.Picked.hrefs(r, f, "add_labels", dev.cordon.pce.console.infra.Picked.LABELS);
        List<String> drop = dev.cordon.pce.console.infra.Picked.hrefs(r, f, "remove_labels", dev.cordon.pce.console.infra.Picked.LABELS);
        boolean remove = r.param("action").equals("remove");
        if (ids.isEmpty()) f.error(Form.FORM_LEVEL, "Choose the workloads first: tick them in the list.");
        if (!remove && add.isEmpty() && drop.isEmpty()) f.error("add_labels", "Choose labels to add or to take away.");
        if (f.hasErrors()) {
            r.refused(() -> showWorkloads(r, f));
            return;
        }
        int done = 0;
        for (String id : ids) {
            String href = r.org("/workloads/" + id);
            var got = r.api.get(r.key(), href);
            String name = got.ok() ? got.body().path("name").asText(got.body().path("hostname").asText(id)) : id;
            var resp = remove ? r.api.delete(r.key(), href) : r.api.put(r.key(), href, relabelled(got, add, drop));
            if (!got.ok()) resp = got;
            if (resp.ok()) done++;
            else for (var e : resp.errors()) f.error(Form.FORM_LEVEL, "Workload '" + name + "': " + e.message());
        }
        String notice = (remove ? "Removed " : "Relabelled ") + done + " of " + ids.size() + " workloads.";
        if (f.hasErrors()) {
            f.error(Form.FORM_LEVEL, notice);
            r.refused(() -> showWorkloads(r, f));
            return;
        }
        r.done(notice, back(r, "/console/workloads"));
    }

    private static ObjectNode relabelled(ApiClient.Response got, List<String> add, List<String> drop) {
        List<String> labels = new ArrayList<>();
        if (got.ok()) got.body().path("labels").forEach(l -> labels.add(l.path("href").asText()));
        labels.removeAll(drop);
        for (String a : add) if (!labels.contains(a)) labels.add(a);
        ObjectNode body = Bodies.object();
        body.set("labels", Bodies.refs(labels));
        return body;
    }

    /** The list address the bulk form came from (search, sort and page kept), if it is that list's. */
    private static String back(Req r, String list) {
        String b = r.param("back");
        return b.startsWith(list) && !b.contains("//") ? b : list;
    }

    // ---- labels ----

    /** The labels chosen in the list, removed one by one; each refusal is reported with the label's name. */
    public void bulkLabels(Req r) {
        Form f = r.form("labels");
        List<String> ids = r.params("ids");
        if (ids.isEmpty()) {
            f.error(Form.FORM_LEVEL, "Choose the labels first: tick them in the list.");
            r.refused(() -> showLabels(r, f));
            return;
        }
        int done = 0;
        for (String id : ids) {
            String href = r.org("/labels/" + id);
            JsonNode l = r.lookups.find(href);
            String name = l == null ? href : l.path("key").asText() + "=" + l.path("value").asText();
            var resp = r.api.delete(r.key(), href);
            if (resp.ok()) done++;
            else for (var e : resp.errors()) f.error(Form.FORM_LEVEL, "Label " + name + ": " + e.message());
        }
        String notice = "Removed " + done + " of " + ids.size() + " labels.";
        if (f.hasErrors()) {
            f.error(Form.FORM_LEVEL, notice);
            r.refused(() -> showLabels(r, f));
            return;
        }
        r.done(notice, back(r, "/console/labels"));
    }

    public void labels(Req r) {
        showLabels(r, null);
    }

    private static Lister.Spec labelList(Req r) {
        return new Lister.Spec(r.org("/labels"), Inventory::labelSearch, Map.of(
                "key", l -> l.path("key").asText() + "=" + l.path("value").asText(),
                "value", l -> l.path("value").asText() + "=" + l.path("key").asText()))
                .paged(Map.of("key", "key", "value", "value"));
    }

    /** {@code role=web} searches key role, values containing web; {@code web} values containing web. */
    static Map<String, String> labelSearch(String q) {
        int eq = q.indexOf('=');
        if (eq <= 0) return Map.of("value", q);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("key", q.substring(0, eq).trim());
        m.put("value", q.substring(eq + 1).trim());
        return m;
    }

    private void showLabels(Req r, Form posted) {
        ListPage lp = Lister.load(r, labelList(r), Map.of());
        Page p = r.page("Labels", "labels").with("list", lp).with("labels", lp.rows());
        if (posted != null) p.form(posted);
        r.render("labels", p);
    }

    public void createLabel(Req r) {
        Form f = r.form("label");
        // a custom key typed in wins over the list (leaving the list on "role" while typing a key is common)
        String custom = r.param("custom_key") == null ? "" : r.param("custom_key").trim();
        String key = r.param("key").equals("custom") || !custom.isEmpty() ? custom : r.param("key");
        ObjectNode body = Bodies.object().put("key", key).put("value", r.param("value"));
        r.outcome(r.api.post(r.key(), r.org("/labels"), body), f, LABEL, "Label " + key + "=" + r.param("value") + " added.",
                "/console/labels", () -> showLabels(r, f));
    }

    /** A label's value (its key cannot change: SPEC, labels). */
    public void updateLabel(Req r) {
        String id = r.path("id");
        Form f = r.form("label-" + id);
        ObjectNode body = Bodies.object().put("value", r.param("value"));
        r.outcome(r.api.put(r.key(), r.org("/labels/" + id), body), f, LABEL, "Label saved: " + r.param("key") + "="
                + r.param("value") + ".", back(r, "/console/labels"), () -> showLabels(r, f));
    }

    public void deleteLabel(Req r) {
        Form f = r.form("labels");
        r.outcome(r.api.delete(r.key(), r.org("/labels/" + r.path("id"))), f, REMOVE, "Label removed.",
                "/console/labels", () -> showLabels(r, f));
    }

    // ---- label groups ----

    public void labelGroups(Req r) {
        showLabelGroups(r, null);
    }

    private void showLabelGroups(Req r, Form posted) {
        ListPage lp = Lister.load(r, new Lister.Spec(r.draft("/label_groups"), Lister.byName(), Map.of(
                "name", g -> g.path("name").asText(), "key", g -> g.path("key").asText() + " " + g.path("name").asText())), Map.of());
        r.lookups.prefetch(dev.cordon.pce.console.infra.Lookups.refs(lp.rows(), "labels"));
        Page p = r.page("Label groups", "label_groups").with("list", lp).with("groups", lp.rows());
        if (posted != null) p.form(posted);
        r.render("label_groups", p);
    }

    public void createLabelGroup(Req r) {
        Form f = r.form("label_group");
        ObjectNode body = Bodies.object().put("name", r.param("name")).put("key", r.param("key"));
        body.set("labels", Bodies.refs(Picked.hrefs(r, f, "labels", Picked.LABELS)));
        body.set("sub_groups", Bodies.refs(Picked.hrefs(r, f, "sub_groups", Picked.GROUPS)));
        if (f.hasErrors()) {
            r.refused(() -> showLabelGroups(r, f));
            return;
        }
        r.outcome(r.api.post(r.key(), r.draft("/label_groups"), body), f, LABEL_GROUP,
                "Label group '" + r.param("name") + "' added to the draft.", "/console/label_groups", () -> showLabelGroups(r, f));
    }

    public void updateLabelGroup(Req r) {
        String id = r.path("id");
        Form f = r.form("label_group-" + id);
        ObjectNode body = Bodies.object().put("name", r.param("name"));
        body.set("labels", Bodies.refs(Picked.hrefs(r, f, "labels", Picked.LABELS)));
        body.set("sub_groups", Bodies.refs(Picked.hrefs(r, f, "sub_groups", Picked.GROUPS)));
        if (f.hasErrors()) {
            r.refused(() -> showLabelGroups(r, f));
            return;
        }
        r.outcome(r.api.put(r.key(), r.draft("/label_groups/" + id), body), f, LABEL_GROUP,
                "Label group '" + r.param("name") + "' saved in the draft.", back(r, "/console/label_groups"), () -> showLabelGroups(r, f));
    }

    public void deleteLabelGroup(Req r) {
        Form f = r.form("label_groups");
        r.outcome(r.api.delete(r.key(), r.draft("/label_groups/" + r.path("id"))), f, REMOVE,
                "Label group removed from the draft.", "/console/label_groups", () -> showLabelGroups(r, f));
    }

    // ---- IP lists ----

    public void ipLists(Req r) {
        showIpLists(r, null);
    }

    private void showIpLists(Req r, Form posted) {
        ListPage lp = Lister.load(r, new Lister.Spec(r.draft("/ip_lists"), Lister.byName(), Map.of(
                "name", l -> l.path("name").asText())), Map.of());
        Page p = r.page("IP lists", "ip_lists").with("list", lp).with("ip_lists", lp.rows());
        if (posted != null) p.form(posted);
        r.render("ip_lists", p);
    }

    public void createIpList(Req r) {
        Form f = r.form("ip_list");
        ObjectNode body = Bodies.object().put("name", r.param("name"));
        body.set("ip_ranges", ranges(r.param("ip_ranges")));
        r.outcome(r.api.post(r.key(), r.draft("/ip_lists"), body), f, IP_LIST,
                "IP list '" + r.param("name") + "' added to the draft.", "/console/ip_lists", () -> showIpLists(r, f));
    }

    public void updateIpList(Req r) {
        String id = r.path("id");
        Form f = r.form("ip_list-" + id);
        ObjectNode body = Bodies.object().put("name", r.param("name"));
        body.set("ip_ranges", ranges(r.param("ip_ranges")));
        r.outcome(r.api.put(r.key(), r.draft("/ip_lists/" + id), body), f, IP_LIST,
                "IP list '" + r.param("name") + "' saved in the draft.", back(r, "/console/ip_lists"), () -> showIpLists(r, f));
    }

    public void deleteIpList(Req r) {
        Form f = r.form("ip_lists");
        r.outcome(r.api.delete(r.key(), r.draft("/ip_lists/" + r.path("id"))), f, REMOVE,
                "IP list removed from the draft.", "/console/ip_lists", () -> showIpLists(r, f));
    }

    /** An unmanaged workload's interfaces: {@code eth0=10.0.0.5, eth1=10.1.0.5/24}; a bare address is eth0's. */
    static ArrayNode interfaces(String text) {
        ArrayNode a = ApiClient.array();
        int n = 0;
        for (String part : text.split("[\\n,]")) {
            String s = part.trim();
            if (s.isEmpty()) continue;
            int eq = s.indexOf('=');
            String name = eq > 0 ? s.substring(0, eq).trim() : "eth" + n;
            String address = eq > 0 ? s.substring(eq + 1).trim() : s;
            ObjectNode i = a.addObject().put("name", name);
            int slash = address.indexOf('/');
            if (slash > 0) {
                i.put("address", address.substring(0, slash));
                try {
                    i.put("cidr_block", Integer.parseInt(address.substring(slash + 1)));
                } catch (NumberFormatException e) {
                    i.put("cidr_block", address.substring(slash + 1)); // the API names what is wrong with it
                }
            } else {
                i.put("address", address);
            }
            n++;
        }
        return a;
    }

    /** One range per line: {@code 10.0.0.0/8}, {@code 10.0.0.1-10.0.0.9}, and {@code !} before an exclusion. */
    static ArrayNode ranges(String text) {
        ArrayNode a = ApiClient.array();
        for (String line : text.split("[\\n,]")) {
            String s = line.trim();
            if (s.isEmpty()) continue;
            boolean exclusion = s.startsWith("!");
            if (exclusion) s = s.substring(1).trim();
            ObjectNode n = a.addObject();
            int dash = s.indexOf('-');
            if (dash > 0) {
                n.put("from_ip", s.substring(0, dash).trim()).put("to_ip", s.substring(dash + 1).trim());
            } else {
                n.put("from_ip", s);
            }
            n.put("exclusion", exclusion);
        }
        return a;
    }

    // ---- services ----

    public void services(Req r) {
        showServices(r, null);
    }

    private void showServices(Req r, Form posted) {
        ListPage lp = Lister.load(r, new Lister.Spec(r.draft("/services"), Lister.byName(), Map.of(
                "name", s -> s.path("name").asText())), Map.of());
        Page p = r.page("Services", "services").with("list", lp).with("services", lp.rows());
        if (posted != null) p.form(posted);
        r.render("services", p);
    }

    /** The service form as an API body, or null when its ports cannot be read (the form is shown again with why). */
    private ObjectNode serviceBody(Req r, Form f) {
        ObjectNode body = Bodies.object().put("name", r.param("name"));
        try {
            body.set("service_ports", Ports.parse(r.param("service_ports")));
            return body;
        } catch (Ports.Unreadable e) {
            f.error("service_ports", e.getMessage());
            r.refused(() -> showServices(r, f));
            return null;
        }
    }

    public void createService(Req r) {
        Form f = r.form("service");
        ObjectNode body = serviceBody(r, f);
        if (body == null) return;
        r.outcome(r.api.post(r.key(), r.draft("/services"), body), f, SERVICE,
                "Service '" + r.param("name") + "' added to the draft.", "/console/services", () -> showServices(r, f));
    }

    public void updateService(Req r) {
        String id = r.path("id");
        Form f = r.form("service-" + id);
        ObjectNode body = serviceBody(r, f);
        if (body == null) return;
        r.outcome(r.api.put(r.key(), r.draft("/services/" + id), body), f, SERVICE,
                "Service '" + r.param("name") + "' saved in the draft.", back(r, "/console/services"), () -> showServices(r, f));
    }

    public void deleteService(Req r) {
        Form f = r.form("services");
        r.outcome(r.api.delete(r.key(), r.draft("/services/" + r.path("id"))), f, REMOVE,
                "Service removed from the draft.", "/console/services", () -> showServices(r, f));
    }
}
