package dev.cordon.pce.console.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every rule of one policy version by href, to name the rules a conflict or a verdict refers to: "rule set
 * 'shop' · override deny · IP list Any → role=db · tcp/22".
 */
public final class Rules {
    private final Map<String, JsonNode> rules = new HashMap<>();
    private final Map<String, JsonNode> ruleSetOf = new HashMap<>();
    private final Page names;

    public Rules(Req r, String version) {
        for (JsonNode rs : r.list(r.org("/sec_policy/" + ApiClient.enc(version) + "/rule_sets?max_results=100000"))) {
            for (String k : List.of("rules", "deny_rules", "ip_tables_rules")) {
                for (JsonNode rule : rs.path(k)) {
                    String h = rule.path("href").asText();
                    rules.put(h, rule);
                    ruleSetOf.put(h, rs);
                }
            }
        }
        this.names = r.page("", "");
    }

    public String kind(String href) {
        JsonNode rule = rules.get(href);
        if (href.contains("/sec_rules/")) return rule != null && rule.path("stateless").asBoolean() ? "allow (stateless)" : "allow";
        if (href.contains("/ip_tables_rules/")) return "custom iptables";
        return rule != null && rule.path("override").asBoolean() ? "override deny" : "deny";
    }

    public String ruleSetName(String href) {
        JsonNode rs = ruleSetOf.get(href);
        return rs == null ? "?" : rs.path("name").asText();
    }

    /** The console page of the rule's rule set, anchored at the rule. */
    public String link(String href) {
        String draft = href.replaceFirst("/sec_policy/(active|\\d+)/", "/sec_policy/draft/");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(".*/rule_sets/([^/]+)/(\\w+)/([^/]+)$").matcher(draft);
        return m.matches() ? "/console/rule_sets/" + m.group(1) + "#" + m.group(2) + "-" + m.group(3) : "/console/rule_sets";
    }

    /** "consumers → providers · services". */
    public String summary(String href) {
        JsonNode rule = rules.get(href);
        if (rule == null) return href;
        if (href.contains("/ip_tables_rules/")) return names.actors(rule.path("actors")) + " · " + Page.statementsText(rule.path("statements"));
        return names.actors(rule.path("consumers")) + " → " + names.actors(rule.path("providers")) + " · "
                + names.services(rule.path("ingress_services"));
    }
}
