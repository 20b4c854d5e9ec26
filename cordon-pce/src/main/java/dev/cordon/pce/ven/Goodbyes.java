package dev.cordon.pce.ven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.cluster.Change;
import dev.cordon.pce.cluster.Cluster;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.store.Store;
import dev.cordon.protocol.Goodbye;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * VEN goodbyes ({@code POST /api/v2/ven/goodbye}, {@link Goodbye}): a VEN that stops gracefully says so, and from
 * then on its workload is judged by the goodbye timer ({@code workload_goodbye_timeout_seconds}) rather than the
 * disconnected timer, as Illumio's PCE does: the workload stays in peers' policy until the goodbye timer has passed
 * since the goodbye, then {@link OfflineSweep} marks it offline (isolation, event, VENs told); the VEN's next
 * heartbeat ends the goodbye and brings the workload back.
 *
 * <p>The state is stored on the VEN, so every node sharing the database reads it the same way: Illumio's
 * {@value #LAST_GOODBYE_AT} (when, shown) and {@value #PENDING} (that no heartbeat came since, not shown:
 * {@link Heartbeats} clears it when it writes the next heartbeat). A flag rather than comparing the two times: a
 * heartbeat and a goodbye may carry the same millisecond. Recording a goodbye writes the VEN, records {@value #EVENT}
 * (Illumio's "agent disconnected") and makes the VEN's next heartbeat, on any node, reach the database at once.
 * Holds no state: request threads only.
 */
public final class Goodbyes {
    public static final String EVENT = "agent.goodbye";
    /** The VEN object's field: when its VEN last said goodbye (null: never). */
    public static final String LAST_GOODBYE_AT = "last_goodbye_at";
    /** The VEN object's hidden field: its goodbye is in effect (no heartbeat since). */
    static final String PENDING = "cordon_goodbye_pending";

    private final Store store;
    private final Events events;
    private final Clock clock;
    private final Cluster cluster;
    private final Heartbeats heartbeats;

    public Goodbyes(Store store, Events events, Clock clock, Cluster cluster, Heartbeats heartbeats) {
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.cluster = cluster;
        this.heartbeats = heartbeats;
    }

    /** {@code {"reason": "shutdown", "applied_hash": <hash or null>}} from the agent's VEN. */
    public void goodbye(Agent agent, JsonNode body) {
        Goodbye said = VenInputs.goodbye(body);
        Instant now = clock.instant();
        OfflineSweep offline = heartbeats.offline();
        boolean recorded = store.write(() -> store.objects().get(agent.org(), VenKinds.VEN, agent.venHref()).map(b -> {
            ObjectNode ven = (ObjectNode) Json.parse(b);
            ven.put(LAST_GOODBYE_AT, Json.format(now)).put(PENDING, true);
            store.objects().put(agent.org(), VenKinds.VEN, agent.venHref(), ven, null);
            ObjectNode actor = Json.object();
            actor.putObject("agent").put("href", agent.venHref()).put("hostname", agent.hostname());
            ObjectNode info = Json.object().put("reason", said.reason()).put("applied_hash", said.appliedHash())
                    .put("workload", agent.workloadHref());
            if (offline != null) info.put("goodbye_timeout_seconds", offline.goodbyeSeconds(agent.org(), ven));
            events.record(agent.org(), EVENT, "info", "success", actor, List.of(), info);
            return true;
        }).orElse(false));
        if (!recorded) return; // unpaired meanwhile: its token answers 401 from now on
        // the VEN's next heartbeat ends the goodbye: written at once, here and on the other nodes
        heartbeats.changed(Change.missed(agent.venHref()));
        cluster.publish(Change.missed(agent.venHref()));
        if (offline != null) offline.soon();
    }

    /** When the stored VEN said the goodbye that is still in effect (no heartbeat since), or null when none is. */
    public static Instant inEffect(JsonNode ven) {
        String text = Json.text(ven, LAST_GOODBYE_AT);
        return text == null || !ven.path(PENDING).asBoolean(false) ? null : Instant.parse(text);
    }

    /** Inside the write of a heartbeat: the goodbye, if any, is over. */
    static void ended(ObjectNode ven) {
        ven.remove(PENDING);
    }

    /** The VEN as the API shows it: {@value #LAST_GOODBYE_AT} always there (null: never), the flag not. */
    static void show(ObjectNode ven) {
        ven.remove(PENDING);
        if (!ven.has(LAST_GOODBYE_AT)) ven.putNull(LAST_GOODBYE_AT);
    }
}
