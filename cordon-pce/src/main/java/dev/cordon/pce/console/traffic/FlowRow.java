package dev.cordon.pce.console.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One flow of an Explorer answer, kept small (a console view holds thousands): both ends, the service, the
 * connections, the decision the VEN reported with its deciding rule, and the draft policy's decision and rule.
 */
public record FlowRow(End src, End dst, int proto, Integer port, Integer icmpType, long connections, String decision,
                      String reason, String direction, String state, String firstSeen, String lastSeen, String rule,
                      String draftDecision, String draftRule) {

    /** One end: its address, and when a workload has it the workload's href, name, labels and enforcement mode. */
    public record End(String ip, String workload, String name, List<Label> labels, String mode, List<String> ipLists) {
        public boolean isWorkload() {
            return workload != null;
        }

        /** The workload's name, else its address. */
        public String display() {
            return name != null ? name : ip;
        }

        /** The value of the label with this key, or null. */
        public String label(String key) {
            for (Label l : labels) if (l.key().equals(key)) return l.value();
            return null;
        }

        static End of(JsonNode n) {
            JsonNode w = n.path("workload");
            List<Label> labels = new ArrayList<>();
            for (JsonNode l : w.path("labels")) {
                if (l.has("key")) labels.add(new Label(l.path("href").asText(), l.path("key").asText(), l.path("value").asText()));
            }
            List<String> lists = new ArrayList<>();
            for (JsonNode l : n.path("ip_lists")) lists.add(l.path("name").asText(l.path("href").asText()));
            String name = null;
            if (w.isObject()) name = w.path("name").asText(w.path("hostname").asText(""));
            if (name != null && name.isEmpty()) name = w.path("hostname").asText(null);
            boolean managed = w.path("managed").asBoolean(false);
            return new End(n.path("ip").asText(), w.isObject() ? w.path("href").asText() : null, name, List.copyOf(labels),
                    w.isObject() ? (managed ? w.path("enforcement_mode").asText("idle") : "unmanaged") : null,
                    List.copyOf(lists));
        }
    }

    public record Label(String href, String key, String value) {
        public String text() {
            return key + "=" + value;
        }
    }

    public static FlowRow of(JsonNode f) {
        JsonNode svc = f.path("service");
        return new FlowRow(End.of(f.path("src")), End.of(f.path("dst")), svc.path("proto").asInt(),
                svc.hasNonNull("port") ? svc.get("port").asInt() : null,
                f.hasNonNull("icmp_type") ? f.get("icmp_type").asInt() : null, f.path("num_connections").asLong(),
                f.path("policy_decision").asText(), f.path("decision_reason").asText(null),
                f.path("flow_direction").asText(), f.path("state").asText(null),
                f.path("timestamp_range").path("first_detected").asText(), f.path("timestamp_range").path("last_detected").asText(),
                f.path("rule").path("href").asText(null), f.path("draft_policy_decision").asText(null),
                f.path("draft_rule").path("href").asText(null));
    }

    /** "tcp/443", "udp/53", "icmp", "proto 47". */
    public String service() {
        String name = switch (proto) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1 -> "icmp";
            case 58 -> "icmpv6";
            default -> "proto " + proto;
        };
        if (port != null) return name + "/" + port;
        if (icmpType != null) return name + " type " + icmpType;
        return name;
    }

    /** The decision of the chosen view: the reported one, or the draft policy's (the reported one when not computed). */
    public String decision(boolean draft) {
        return draft && draftDecision != null ? draftDecision : decision;
    }

    /** The deciding rule of the chosen view. */
    public String rule(boolean draft) {
        return draft && draftDecision != null ? draftRule : rule;
    }

    /** True when the draft policy decides differently from what the VEN reported. */
    public boolean draftDiffers() {
        return draftDecision != null && !draftDecision.equals(decision);
    }
}
