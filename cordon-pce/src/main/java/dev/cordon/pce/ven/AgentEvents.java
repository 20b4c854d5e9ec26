package dev.cordon.pce.ven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.store.Store;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The events a VEN reports ({@code POST /api/v2/ven/events}: tampering, policy refreshes) into its org's events,
 * checked first and then recorded all in one transaction. Holds no state: request threads only.
 */
public final class AgentEvents {
    private final Store store;
    private final Events events;

    public AgentEvents(Store store, Events events) {
        this.store = store;
        this.events = events;
    }

    /** {@code [{"event_type","status","severity"?,"info"}]} from the VEN into the org's events. */
    public void record(Agent agent, JsonNode body) {
        if (body == null || !body.isArray()) {
            throw ApiException.invalid("invalid_body", "Agent events are a JSON array of {event_type, status, info}.");
        }
        for (int i = 0; i < body.size(); i++) {
            JsonNode e = body.get(i);
            VenInputs.event(e, i);
            Json.onlyFields(e, Set.of("event_type", "status", "severity", "info", "timestamp"), "agent event");
            String type = Json.text(e, "event_type");
            if (type == null || !type.startsWith("agent.")) {
                throw ApiException.invalid("invalid_event_type", "Agent event types start with 'agent.' (e.g."
                        + " agent.tampering, agent.refresh_policy); got '" + type + "'.");
            }
            String status = Optional.ofNullable(Json.text(e, "status")).orElse("success");
            if (!status.equals("success") && !status.equals("failure")) {
                throw ApiException.invalid("invalid_status", "An agent event's status is success or failure.");
            }
            if (e.has("info") && !e.get("info").isObject() && !e.get("info").isNull()) {
                throw ApiException.invalid("invalid_event_info", "An agent event's info is a JSON object, not "
                        + e.get("info").getNodeType().name().toLowerCase() + ".");
            }
        }
        ObjectNode actor = Json.object();
        actor.putObject("agent").put("href", agent.venHref()).put("hostname", agent.hostname());
        store.writeVoid(() -> {
            for (JsonNode e : body) {
                String status = Optional.ofNullable(Json.text(e, "status")).orElse("success");
                String severity = Optional.ofNullable(Json.text(e, "severity"))
                        .orElse(status.equals("failure") || Json.text(e, "event_type").equals("agent.tampering") ? "err" : "info");
                if (!Events.SEVERITIES.contains(severity)) severity = "info";
                events.record(agent.org(), Json.text(e, "event_type"), severity, status, actor, List.of(), e.get("info"));
            }
        });
    }
}
