package dev.cordon.pce.console.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.console.infra.Page;

/**
 * The provision review's words for a value: the same names the console's other pages use (labels as key=value,
 * IP lists, services and groups by name, ports as "tcp 443"), through the page's lookups.
 */
public final class DiffText implements PolicyDiff.Describe {
    private static final String NONE = "—";
    private final Page names;

    public DiffText(Page names) {
        this.names = names;
    }

    @Override
    public String value(String collection, String field, JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) return NONE;
        String text = switch (field) {
            case "providers", "consumers", "actors" -> names.actors(v);
            case "ingress_services" -> names.services(v);
            case "scopes" -> names.scopes(v);
            case "ip_ranges" -> names.ranges(v);
            case "service_ports" -> names.ports(v);
            case "statements" -> Page.statementsText(v);
            case "labels", "sub_groups" -> String.join(", ", names.labelNames(v));
            case "enabled" -> v.asBoolean(true) ? "enabled" : "disabled";
            case "firewall_coexistence" -> coexistence(v);
            default -> v.isValueNode() ? v.asText() : v.toString();
        };
        return text.isEmpty() ? NONE : text;
    }

    @Override
    public String rule(String collection, JsonNode rule) {
        String kind = switch (collection) {
            case "deny_rules" -> rule.path("override").asBoolean() ? "override deny" : "deny";
            case "ip_tables_rules" -> "custom iptables";
            default -> "allow";
        };
        if (collection.equals("ip_tables_rules")) {
            return kind + " · " + names.actors(rule.path("actors")) + " · " + Page.statementsText(rule.path("statements"));
        }
        return kind + " · " + names.actors(rule.path("consumers")) + " → " + names.actors(rule.path("providers")) + " · "
                + names.services(rule.path("ingress_services"));
    }

    /** Each coexistence entry: "primary|not primary for SCOPE (MODE)". */
    private String coexistence(JsonNode entries) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode e : Page.items(entries)) {
            if (sb.length() > 0) sb.append("; ");
            sb.append(e.path("illumio_primary").asBoolean() ? "primary" : "not primary").append(" for ");
            java.util.List<String> scope = names.labelNames(e.path("scope"));
            sb.append(scope.isEmpty() ? "all workloads" : String.join(" & ", scope));
            if (e.hasNonNull("workload_mode")) sb.append(" (").append(e.path("workload_mode").asText()).append(')');
        }
        return sb.toString();
    }
}
