package dev.cordon.pce.ven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.store.Store;
import dev.cordon.protocol.AgentEvent;
import java.util.List;
import java.util.Optional;

/**
 * The events a VEN reports ({@code POST /api/v2/ven/events}: tampering, policy refreshes) into its org's events,
 * all checked first ({@link VenInputs#events}) and then recorded in one transaction. Holds no state: request threads
 * only.
 */
public final class AgentEvents {
    private final Store store;
    private final Events events;

    public AgentEvents(Store store, Events events) {
        this.store = store;
        this.events = events;
    }

    /** {@code [{"event_type","status","severity"?,"timestamp","info"}]} from the VEN into the org's events. */
    public void record(Agent agent, JsonNode body) {
        List<AgentEvent> sent = VenInputs.events(body);
        ObjectNode actor = Json.object();
        actor.putObject("agent").put("href", agent.venHref()).put("hostname", agent.hostname());
        store.writeVoid(() -> {
            for (AgentEvent e : sent) {
                String status = Optional.ofNullable(e.status()).orElse("success");
                String severity = Optional.ofNullable(e.severity())
                        .orElse(status.equals("failure") || e.eventType().equals(AgentEvent.TAMPERING) ? "err" : "info");
                if (!Events.SEVERITIES.contains(severity)) severity = "info";
                events.record(agent.org(), e.eventType(), severity, status, actor, List.of(), e.info());
            }
        });
    }
}
