package dev.cordon.pce.console.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.traffic.generator.PortRange;
import dev.cordon.pce.traffic.generator.Proposal;
import java.util.List;

/**
 * A Policy Generator proposal as the API bodies that put it in the draft: the IP lists to create, then one rule set
 * scoped to the app group with the proposed rules. IP lists are named in the rules as {@code "#index"} until they
 * exist; {@link #ruleSet} puts their hrefs in.
 */
final class GeneratorPlan {
    static final ObjectMapper JSON = new ObjectMapper();

    private GeneratorPlan() {}

    /** {"ip_lists":[{name, ip_ranges}], "rule_set":{name, scopes, rules}} for this proposal. */
    static ObjectNode of(Proposal p, List<String> scopeLabels, String stamp) {
        ObjectNode plan = JSON.createObjectNode();
        ArrayNode lists = plan.putArray("ip_lists");
        for (Proposal.IpList l : p.ipLists()) {
            ObjectNode n = lists.addObject().put("name", l.name() + " (generated " + stamp + ")");
            ArrayNode ranges = n.putArray("ip_ranges");
            for (String a : l.addresses()) ranges.addObject().put("from_ip", a);
        }
        ObjectNode rs = plan.putObject("rule_set").put("name", "Generated: " + p.group().name() + " " + stamp);
        ArrayNode scope = rs.putArray("scopes").addArray();
        for (String l : scopeLabels) scope.addObject().putObject("label").put("href", l);
        ArrayNode rules = rs.putArray("rules");
        for (Proposal.Rule r : p.rules()) {
            ObjectNode n = rules.addObject();
            n.set("providers", actors(r.providers()));
            n.set("consumers", actors(r.consumers()));
            ArrayNode services = n.putArray("ingress_services");
            for (PortRange s : r.services()) {
                ObjectNode sv = services.addObject().put("proto", s.proto());
                if (s.from() != null) sv.put("port", s.from());
                if (s.from() != null && !s.single()) sv.put("to_port", s.to());
            }
            n.put("unscoped_consumers", r.unscopedConsumers());
        }
        return plan;
    }

    private static ArrayNode actors(List<Proposal.Actor> actors) {
        ArrayNode out = JSON.createArrayNode();
        for (Proposal.Actor a : actors) {
            out.addObject().putObject(a.kind()).put("href", a.kind().equals("ip_list") ? "#" + a.ref() : a.ref());
        }
        return out;
    }

    /** The rule set body with the created IP lists' hrefs in place of their indexes. */
    static ObjectNode ruleSet(JsonNode plan, List<String> ipListHrefs) {
        ObjectNode rs = plan.path("rule_set").deepCopy();
        for (JsonNode rule : rs.path("rules")) {
            for (String side : List.of("providers", "consumers")) {
                for (JsonNode a : rule.path(side)) {
                    if (a.has("ip_list")) {
                        String ref = a.path("ip_list").path("href").asText();
                        if (ref.startsWith("#")) {
                            int i = Integer.parseInt(ref.substring(1));
                            ((ObjectNode) a.get("ip_list")).put("href", i < ipListHrefs.size() ? ipListHrefs.get(i) : ref);
                        }
                    }
                }
            }
        }
        return rs;
    }
}
