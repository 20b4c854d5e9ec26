package dev.cordon.pce.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The org's workload settings ({@code GET|PUT /orgs/{org}/settings/workloads}, Illumio's shape): the offline timers
 * and the settings Cordon accepts but does not act on. This class only stores and validates them; what a timer does
 * to a silent VEN is the VEN lifecycle's, which reads them through {@link #timers(int)}.
 */
public final class WorkloadSettings {
    static final String KIND = "workload_settings";
    public static final String DISCONNECTED = "workload_disconnected_timeout_seconds";
    public static final String GOODBYE = "workload_goodbye_timeout_seconds";
    /** Illumio's other workload settings: accepted, validated for shape, stored and returned; no effect in Cordon. */
    static final List<String> NO_EFFECT = List.of("workload_disconnected_notification_seconds",
            "ven_uninstall_timeout_hours");

    /** Cordon's defaults, used until the first PUT: offline after an hour of silence, 15 minutes after a goodbye. */
    static final long DEFAULT_DISCONNECTED = 3600;
    static final long DEFAULT_GOODBYE = 900;

    private final Store store;
    private final Events events;
    private final Clock clock;

    public WorkloadSettings(Store store, Events events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    public static String href(int org) {
        return "/orgs/" + org + "/settings/workloads";
    }

    /** The settings as the API shows them. */
    public ObjectNode read(int org) {
        return store.objects().get(org, KIND, href(org)).map(b -> (ObjectNode) Json.parse(b)).orElseGet(() -> defaults(org));
    }

    /** The offline timers, for the code that decides when a silent VEN's workload is offline. */
    public Timers timers(int org) {
        ObjectNode s = read(org);
        return new Timers(SettingsChecks.timers(s.get(DISCONNECTED)), SettingsChecks.timers(s.get(GOODBYE)));
    }

    /** A partial update (fields not sent stay), validated whole; records {@code workload_settings.update}. */
    public void update(int org, JsonNode body, Principal by) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("invalid_body", "The workload settings must be a JSON object.");
        }
        ObjectNode patch = ((ObjectNode) body).deepCopy();
        patch.remove(List.of("href", "created_at", "updated_at", "created_by", "updated_by"));
        store.writeVoid(() -> {
            ObjectNode old = read(org);
            ObjectNode merged = old.deepCopy();
            patch.fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue()));
            SettingsChecks.check(store, org, merged);
            merged.put("updated_at", Json.now(clock));
            merged.set("updated_by", by.ref());
            store.objects().put(org, KIND, href(org), merged, null);
            events.record(org, "workload_settings.update", "info", "success", by.eventActor(),
                    List.of(Events.updated(href(org), old, merged)), null);
        });
    }

    private static ObjectNode defaults(int org) {
        ObjectNode n = Json.object().put("href", href(org));
        n.set(DISCONNECTED, defaultList(DEFAULT_DISCONNECTED));
        n.set(GOODBYE, defaultList(DEFAULT_GOODBYE));
        return n;
    }

    private static ArrayNode defaultList(long seconds) {
        ArrayNode a = Json.array();
        a.addObject().put("value", seconds).putArray("scope");
        return a;
    }

    static List<String> fields() {
        List<String> all = new ArrayList<>(List.of("href", DISCONNECTED, GOODBYE, "updated_at", "updated_by"));
        all.addAll(NO_EFFECT);
        return all;
    }
}
