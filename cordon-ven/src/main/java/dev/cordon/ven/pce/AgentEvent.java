package dev.cordon.ven.pce;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One event for {@code POST /api/v2/ven/events}: {@code agent.tampering} or {@code agent.refresh_policy}, status
 * {@code success} or {@code failure}, a severity, when it happened on the host, and what happened ({@code info}).
 */
public record AgentEvent(String eventType, String status, String severity, Instant timestamp, JsonNode info) {
    public static final String TAMPERING = "agent.tampering";
    public static final String REFRESH_POLICY = "agent.refresh_policy";
}
