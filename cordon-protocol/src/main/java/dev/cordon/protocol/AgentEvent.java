package dev.cordon.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One event a VEN reports ({@code POST /api/v2/ven/events} takes a list): {@code agent.tampering} or
 * {@code agent.refresh_policy}, status {@code success|failure}, a severity, when it happened on the host (RFC 3339),
 * and what happened ({@code info}, a JSON object the PCE stores as it is; left out when there is nothing to say).
 */
@JsonPropertyOrder({"event_type", "status", "severity", "timestamp", "info"})
public record AgentEvent(
        @JsonProperty("event_type") String eventType,
        @JsonProperty("status") String status,
        @JsonProperty("severity") String severity,
        @JsonProperty("timestamp") String timestamp,
        @JsonProperty("info") @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode info) {
    public static final String TAMPERING = "agent.tampering";
    public static final String REFRESH_POLICY = "agent.refresh_policy";

    /** An event that happened at {@code at}. */
    public AgentEvent(String eventType, String status, String severity, Instant at, JsonNode info) {
        this(eventType, status, severity, at == null ? null : at.toString(), info);
    }
}
