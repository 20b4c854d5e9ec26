package dev.cordon.pce.traffic.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.policy.PolicyHrefs;
import dev.cordon.policy.Engine;
import dev.cordon.policy.decide.Decision;
import dev.cordon.policy.decide.EndDecision;
import dev.cordon.policy.decide.Flow;
import dev.cordon.policy.model.IpList;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes one aggregated row as Illumio's flow record ({@code src}/{@code dst} with ip, workload and ip_lists;
 * {@code service}; {@code num_connections}, {@code policy_decision}, {@code flow_direction}, {@code state},
 * {@code timestamp_range}, {@code dst_bi}, {@code dst_bo}; {@code icmp_type}/{@code icmp_code} for ICMP) plus
 * Cordon's {@code rule} (the deciding rule, in the form of the policy version the VEN enforced),
 * {@code decision_reason} and, when asked, {@code draft_policy_decision} with {@code draft_rule}, which the draft
 * engine computes for this flow at the reporting end. Hrefs of versioned objects are written in active form.
 */
final class FlowRecords {
    private final Map<String, String> ipListNames = new HashMap<>();
    private final Engine draft;

    /** {@code draft} null: no draft decision is computed. */
    FlowRecords(Iterable<IpList> ipLists, Engine draft) {
        for (IpList l : ipLists) ipListNames.put(l.href(), l.name());
        this.draft = draft;
    }

    void write(ResultSet rs, JsonGenerator g) throws SQLException, IOException {
        String direction = rs.getString("flow_direction");
        String srcIp = rs.getString("src_ip");
        String dstIp = rs.getString("dst_ip");
        int proto = rs.getInt("proto");
        Integer port = (Integer) rs.getObject("port", Integer.class);
        Integer icmpType = (Integer) rs.getObject("icmp_type", Integer.class);
        Integer icmpCode = (Integer) rs.getObject("icmp_code", Integer.class);
        g.writeStartObject();
        end(g, "src", srcIp, rs.getString("sd"), rs.getString("sl"));
        end(g, "dst", dstIp, rs.getString("dd"), rs.getString("dl"));
        g.writeObjectFieldStart("service");
        if (port != null) g.writeNumberField("port", port);
        g.writeNumberField("proto", proto);
        g.writeEndObject();
        if (icmpType != null) g.writeNumberField("icmp_type", icmpType);
        if (icmpCode != null) g.writeNumberField("icmp_code", icmpCode);
        g.writeNumberField("num_connections", rs.getLong("conns"));
        String decision = rs.getString("policy_decision");
        g.writeStringField("policy_decision", decision);
        String reason = rs.getString("decision_reason");
        if (reason != null) g.writeStringField("decision_reason", reason);
        g.writeStringField("flow_direction", direction);
        String state = rs.getString("state");
        // Illumio spells it with a space (the SDK's TrafficState)
        if (state != null) g.writeStringField("state", state.equals("timed_out") ? "timed out" : state);
        g.writeObjectFieldStart("timestamp_range");
        g.writeStringField("first_detected", Instant.ofEpochMilli(rs.getLong("first_seen_min")).toString());
        g.writeStringField("last_detected", Instant.ofEpochMilli(rs.getLong("last_seen_max")).toString());
        g.writeEndObject();
        g.writeNumberField("dst_bi", rs.getLong("bi"));
        g.writeNumberField("dst_bo", rs.getLong("bo"));
        g.writeStringField("transmission", "unicast");
        String rule = rs.getString("rule_href");
        Long version = (Long) rs.getObject("policy_version", Long.class);
        if (rule != null) {
            g.writeObjectFieldStart("rule");
            g.writeStringField("href", PolicyHrefs.rewrite(rule, version == null ? "active" : Long.toString(version)));
            g.writeEndObject();
        } else {
            g.writeNullField("rule");
        }
        if (version != null) g.writeNumberField("policy_version", version);
        if (draft != null) draft(g, direction, srcIp, dstIp, proto, port != null ? port : icmpType);
        g.writeEndObject();
    }

    private void draft(JsonGenerator g, String direction, String src, String dst, int proto, Integer port) throws IOException {
        Decision d = draft.explain(new Flow(src, dst, proto, port));
        EndDecision at = direction.equals("inbound") ? d.destination() : d.source();
        String decision = switch (at.verdict()) {
            case ALLOWED -> "allowed";
            case BLOCKED -> "blocked";
            case POTENTIALLY_BLOCKED -> "potentially_blocked";
            case NOT_ENFORCED -> "unknown";
        };
        g.writeStringField("draft_policy_decision", decision);
        if (at.rule() != null && at.rule().href() != null) {
            g.writeObjectFieldStart("draft_rule");
            g.writeStringField("href", at.rule().href());
            g.writeEndObject();
        } else {
            g.writeNullField("draft_rule");
        }
    }

    private void end(JsonGenerator g, String field, String ip, String detail, String lists) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeStringField("ip", ip);
        if (detail != null) {
            g.writeFieldName("workload");
            JsonNode w = Json.parse(detail);
            g.writeTree(w);
        }
        g.writeArrayFieldStart("ip_lists");
        if (lists != null) {
            for (String href : lists.split(",")) {
                if (href.isEmpty()) continue;
                g.writeStartObject();
                g.writeStringField("href", PolicyHrefs.rewrite(href, "active"));
                String name = ipListNames.get(href);
                if (name != null) g.writeStringField("name", name);
                g.writeEndObject();
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
