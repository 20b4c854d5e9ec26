package dev.cordon.pce.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.store.Store;
import dev.cordon.pce.store.Filter;
import dev.cordon.pce.store.Page;
import dev.cordon.pce.store.Row;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Create, read, update and delete for every stored object kind, the same way for all: strip server-owned fields,
 * merge a partial update over the stored object (fields not sent stay), let the model record check names and types
 * (unknown fields are 406), run the kind's business rules ({@link Checks}), keep (external_data_set,
 * external_data_reference) unique per kind, stamp created/updated, store, and record the event in the same
 * transaction. Versioned kinds are only ever written here in their draft form.
 */
public final class ObjectService {
    /** Server-owned fields, ignored in request bodies. */
    public static final Set<String> SERVER_FIELDS = Set.of("href", "created_at", "updated_at", "created_by", "updated_by");

    /** A kind's business rules; each hook may throw {@link ApiException}. */
    public interface Checks {
        /** Normalises a body (after merge, before the model check): defaults, nested hrefs, read-only fields. */
        default void prepare(int org, ObjectNode node, JsonNode old, Principal by) {}

        /** Rules on the whole object; {@code old} is null on create. */
        default void validate(int org, Object obj, Object old, Principal by) {}

        /** Refuses a delete (e.g. the object is in use). */
        default void beforeDelete(int org, Object old, Principal by) {}
    }

    private final Store store;
    private final Events events;
    private final Clock clock;
    private final Runnable onLiveChange;
    private final Map<Kind, Checks> checks = new HashMap<>();

    public ObjectService(Store store, Events events, Clock clock, Runnable onLiveChange) {
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.onLiveChange = onLiveChange;
    }

    public void register(Kind kind, Checks c) {
        checks.put(kind, c);
    }

    private Checks checks(Kind k) {
        return checks.getOrDefault(k, new Checks() {});
    }

    public ObjectNode get(int org, Kind k, String href) {
        return (ObjectNode) Json.parse(store.objects().get(org, k.kind(), href)
                .orElseThrow(() -> ApiException.notFound("No " + k.what() + " " + href + ".")));
    }

    public Object model(int org, Kind k, String href) {
        return Json.convert(get(org, k, href), k.model(), k.what());
    }

    public Page list(int org, Kind k, Filter f, int limit) {
        return store.objects().list(org, k.kind(), f, limit);
    }

    public ObjectNode create(int org, Kind k, JsonNode body, Principal by) {
        ObjectNode node = objectBody(body, k);
        ObjectNode created = store.write(() -> {
            String href;
            do { // imported documents may already use numeric hrefs
                String id = k.uuidIds() ? UUID.randomUUID().toString() : Long.toString(store.counters().next(org, k.kind()));
                href = k.base(org) + "/" + id;
            } while (store.objects().get(org, k.kind(), href).isPresent());
            node.put("href", href);
            String now = Json.now(clock);
            node.put("created_at", now).put("updated_at", now);
            node.set("created_by", by.ref());
            node.set("updated_by", by.ref());
            return save(org, k, node, null, by, k.event() + ".create");
        });
        afterCommit(k);
        return created;
    }

    public void update(int org, Kind k, String href, JsonNode body, Principal by) {
        ObjectNode patch = objectBody(body, k);
        store.writeVoid(() -> {
            ObjectNode old = get(org, k, href);
            ObjectNode merged = old.deepCopy();
            patch.fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue()));
            merged.put("updated_at", Json.now(clock));
            merged.set("updated_by", by.ref());
            save(org, k, merged, old, by, k.event() + ".update");
        });
        afterCommit(k);
    }

    public void delete(int org, Kind k, String href, Principal by) {
        store.writeVoid(() -> {
            ObjectNode old = get(org, k, href);
            checks(k).beforeDelete(org, Json.convert(old, k.model(), k.what()), by);
            store.objects().delete(org, k.kind(), href);
            events.record(org, k.event() + ".delete", "info", "success", by.eventActor(),
                    List.of(Events.deleted(href, old)), null);
        });
        afterCommit(k);
    }

    /**
     * Checks and stores a complete object (create or update) and records the event; the low-level path that nested
     * rule endpoints also use. Must run inside {@link Store#write}.
     */
    public ObjectNode save(int org, Kind k, ObjectNode node, ObjectNode old, Principal by, String eventType) {
        Checks c = checks(k);
        ReferenceShapes.normalise(org, k, node);
        c.prepare(org, node, old, by);
        Object obj = Json.convert(node, k.model(), k.what());
        Object oldObj = old == null ? null : Json.convert(old, k.model(), k.what());
        c.validate(org, obj, oldObj, by);
        ObjectNode canonical = Json.tree(obj);
        uniqueExternalData(org, k, canonical);
        String href = canonical.get("href").asText();
        store.objects().put(org, k.kind(), href, canonical, null);
        events.record(org, eventType, "info", "success", by.eventActor(),
                List.of(old == null ? Events.created(href, canonical) : Events.updated(href, old, canonical)), null);
        return canonical;
    }

    private void afterCommit(Kind k) {
        if (!k.versioned()) onLiveChange.run();
    }

    private static ObjectNode objectBody(JsonNode body, Kind k) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("invalid_body", "The " + k.what() + " must be a JSON object.");
        }
        ObjectNode n = ((ObjectNode) body).deepCopy();
        n.remove(SERVER_FIELDS);
        return n;
    }

    private void uniqueExternalData(int org, Kind k, ObjectNode n) {
        String set = Json.text(n, "external_data_set");
        String ref = Json.text(n, "external_data_reference");
        if (set == null || ref == null) return;
        String href = n.get("href").asText();
        for (Row r : store.objects().list(org, k.kind(), new Filter(null, null, null, null, set, ref), 10).rows()) {
            if (!r.href().equals(href)) {
                throw ApiException.invalid("external_data_reference_in_use", "Another " + k.what() + " (" + r.href()
                        + ") already has external_data_set '" + set + "' and external_data_reference '" + ref
                        + "': the pair is unique per object type; update that one or use another reference.");
            }
        }
    }
}
