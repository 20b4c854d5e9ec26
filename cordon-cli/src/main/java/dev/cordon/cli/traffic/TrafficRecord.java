package dev.cordon.cli.traffic;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One flow record of an Explorer download, as the table shows it: both ends (address and, for a workload, its
 * name), the service, which end reported it ({@code flow_direction}), the decision there with its deciding rule
 * (null: the enforcement mode's default decided) or, for {@code unknown}, the reason, connections and last seen.
 */
public record TrafficRecord(String srcIp, String srcName, String dstIp, String dstName, Integer port, int proto,
                            Integer icmpType, Integer icmpCode, String direction, String decision, String ruleHref,
                            String reason, long connections, String lastSeen, String state) {

    public static TrafficRecord of(JsonNode f) {
        return new TrafficRecord(f.at("/src/ip").asText(), name(f.path("src")), f.at("/dst/ip").asText(),
                name(f.path("dst")), integer(f.at("/service/port")), f.at("/service/proto").asInt(),
                integer(f.path("icmp_type")), integer(f.path("icmp_code")), f.path("flow_direction").asText(),
                f.path("policy_decision").asText(), text(f.at("/rule/href")), text(f.path("decision_reason")),
                f.path("num_connections").asLong(), text(f.at("/timestamp_range/last_detected")), text(f.path("state")));
    }

    private static String name(JsonNode end) {
        JsonNode w = end.path("workload");
        if (w.isMissingNode() || w.isNull()) return null;
        String n = text(w.path("name"));
        return n != null ? n : text(w.path("hostname"));
    }

    private static Integer integer(JsonNode n) {
        return n.isIntegralNumber() ? n.asInt() : null;
    }

    private static String text(JsonNode n) {
        return n.isTextual() ? n.asText() : null;
    }

    /** {@code 5432/tcp}, {@code 53/udp}, {@code icmp 8/0}, {@code proto 47}. */
    public String service() {
        String p = switch (proto) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1 -> "icmp";
            case 58 -> "icmpv6";
            case 132 -> "sctp";
            default -> null;
        };
        if (proto == 1 || proto == 58) {
            return p + (icmpType == null ? "" : " " + icmpType + (icmpCode == null ? "" : "/" + icmpCode));
        }
        if (p == null) return "proto " + proto + (port == null ? "" : " port " + port);
        return port == null ? p : port + "/" + p;
    }
}
