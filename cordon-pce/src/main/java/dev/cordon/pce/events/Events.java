package dev.cordon.pce.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.store.Store;
import dev.cordon.pce.store.EventRow;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The org's audit log. Every write records an event in the same transaction as the change (so there is no change
 * without its event), naming who did it and, in {@code resource_changes}, the object before and after.
 */
public final class Events {
    public static final Set<String> SEVERITIES = Set.of("info", "warning", "err");
    private final Store store;
    private final Clock clock;

    public Events(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** One change to one object, for {@code resource_changes}. */
    public record Change(String href, String changeType, JsonNode before, JsonNode after) {}

    public static Change created(String href, JsonNode after) {
        return new Change(href, "create", null, after);
    }

    public static Change updated(String href, JsonNode before, JsonNode after) {
        return new Change(href, "update", before, after);
    }

    public static Change deleted(String href, JsonNode before) {
        return new Change(href, "delete", before, null);
    }

    /** Records an event; joins the caller's write transaction when there is one. */
    public ObjectNode record(int org, String type, String severity, String status, JsonNode createdBy,
                             List<Change> changes, JsonNode info) {
        return store.write(() -> {
            long seq = store.counters().next(org, "event");
            String ts = Json.now(clock);
            ObjectNode e = Json.object();
            String href = "/orgs/" + org + "/events/" + UUID.randomUUID();
            e.put("href", href);
            e.put("event_type", type);
            e.put("severity", severity);
            e.put("status", status);
            e.put("timestamp", ts);
            e.set("created_by", createdBy);
            ArrayNode rc = e.putArray("resource_changes");
            for (Change c : changes) {
                ObjectNode n = rc.addObject();
                n.putObject("resource").put("href", c.href());
                n.put("change_type", c.changeType());
                n.set("before", c.before() == null ? Json.MAPPER.nullNode() : c.before());
                n.set("after", c.after() == null ? Json.MAPPER.nullNode() : c.after());
            }
            e.set("info", info == null ? Json.object() : info);
            store.events().insert(org, seq, href, type, severity, ts, e.toString());
            return e;
        });
    }

    public EventRow.Page query(int org, String type, String severity, String from, String to, int limit) {
        if (severity != null && !SEVERITIES.contains(severity)) {
            throw ApiException.invalid("invalid_severity", "Unknown severity '" + severity
                    + "': use one of info, warning, err.");
        }
        return store.events().page(org, type, severity, instant(from, "timestamp[gte]"), instant(to, "timestamp[lte]"), limit);
    }

    /** {@code GET /orgs/{org}/events/{uuid}}. */
    public JsonNode get(int org, String href) {
        return Json.parse(store.events().get(org, href).orElseThrow(() -> ApiException.notFound("No event " + href
                + ": GET /orgs/" + org + "/events lists them, newest first.")));
    }

    /**
     * A filter bound in the stored form (RFC 3339 UTC with milliseconds, which sorts as text in time order). Any
     * RFC 3339 time is accepted, with or without fractions, in any offset; anything else is a 406.
     */
    static String instant(String param, String name) {
        if (param == null) return null;
        try {
            return Json.format(java.time.OffsetDateTime.parse(param.trim()).toInstant());
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.invalid("invalid_timestamp", name + " '" + param + "' is not an RFC 3339 time:"
                    + " write it like 2026-12-01T07:35:59Z or 2026-12-01T08:35:59.000+01:00.");
        }
    }
}
