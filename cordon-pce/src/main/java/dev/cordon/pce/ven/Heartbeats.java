package dev.cordon.pce.ven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.cluster.Change;
import dev.cordon.pce.cluster.Cluster;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.store.ParsedRows;
import dev.cordon.pce.store.Row;
import dev.cordon.pce.store.Store;
import dev.cordon.protocol.Wire;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VEN heartbeats: taking them in, the VEN status the API shows (stored fields plus this node's last heartbeat), and
 * the sweep that marks VENs silent for longer than the heartbeat timeout.
 *
 * <p>Write-through, not write-every-time: a heartbeat lives in {@link #last} and reaches the database when it
 * differs from the previous one, when its VEN is marked as missing heartbeats, and at least every half heartbeat
 * timeout, so that every PCE node sharing the database sees recent heartbeats (a VEN talks to one node at a time)
 * while 10,000 VENs beating unchanged cost few writes. A node shows its own in-memory heartbeat unless the database
 * holds a newer one (the VEN moved to another node).
 *
 * <p>The heartbeats that reach the database are written in groups ({@link HeartbeatWrites}): those that arrive
 * while one group is written share the next transaction and its sync, each answered once it is durable.
 *
 * <p>Threads and what guards what: {@link #last}, {@link #persistedAt} and {@link #missed} are concurrent
 * collections written by request threads (heartbeats), the sweep thread {@link #sweeper} ({@link #missed}) and the
 * cluster listener ({@link #changed}). The sweep re-reads each VEN inside its write transaction (the cluster-wide
 * write lock), so two nodes never mark one silence twice. Two heartbeats of one VEN at once are not ordered: the VEN
 * sends one at a time.
 */
public final class Heartbeats implements AutoCloseable {
    /**
     * The VEN object's field for the dataplane backend its VEN enforces with (Cordon's own: Illumio's VEN object has
     * none), from activation and every heartbeat.
     */
    public static final String BACKEND = "cordon_dataplane_backend";
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final Store store;
    private final Events events;
    private final Clock clock;
    private final Duration timeout;
    private final Cluster cluster;
    private final Function<String, String> lastServed;
    private final OfflineSweep offline;
    private final Map<String, Heartbeat> last = new ConcurrentHashMap<>();
    /** When this node last wrote each VEN's heartbeat to the database. */
    private final Map<String, Instant> persistedAt = new ConcurrentHashMap<>();
    /** VENs marked as missing heartbeats (here or on another node): the next heartbeat is written at once. */
    private final Set<String> missed = ConcurrentHashMap.newKeySet();
    private volatile HeartbeatAnswers answers = HeartbeatAnswers.NONE;
    private final HeartbeatWrites<Write> writes;
    /** The sweep's VENs, parsed again only when their stored text changed (read-only trees). */
    private final ParsedRows<JsonNode> storedVens = new ParsedRows<>(Json::parse);
    private final ScheduledExecutorService sweeper =
            Executors.newSingleThreadScheduledExecutor(PolicyLongPoll.daemon("cordon-ven-heartbeats"));

    /** The last heartbeat of a VEN; {@code backend} null when no heartbeat or activation of this node named one. */
    record Heartbeat(Instant at, String appliedHash, String syncState, JsonNode health, String backend) {}

    /**
     * {@code lastServed}: the hash of the policy this node last sent a VEN, or null ({@link PolicyLongPoll}), to show
     * a VEN that reports "applied" but has not yet applied what it was sent as "syncing".
     */
    public Heartbeats(Store store, Events events, Clock clock, Duration timeout, Cluster cluster,
                      Function<String, String> lastServed) {
        this(store, events, clock, timeout, cluster, lastServed, null);
    }

    /** {@code offline}: the offline sweep this node runs (null: none), fed this node's heartbeats. */
    public Heartbeats(Store store, Events events, Clock clock, Duration timeout, Cluster cluster,
                      Function<String, String> lastServed, OfflineSweep offline) {
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.timeout = timeout;
        this.cluster = cluster;
        this.lastServed = lastServed;
        this.offline = offline;
        this.writes = new HeartbeatWrites<>(store, this::writeOne);
        if (offline != null) offline.start(this::lastHeard, missed::add);
        long every = Math.max(1, Math.min(30, timeout.toSeconds() / 4));
        sweeper.scheduleWithFixedDelay(this::checkQuietly, every, every, TimeUnit.SECONDS);
    }

    /**
     * {@code {"applied_hash","sync_state":"applied|error|syncing","health":[{"type","severity","message"}],
     * "dataplane_backend"}} ({@link dev.cordon.protocol.Heartbeat}); a heartbeat without a backend (a VEN from before
     * it was reported) keeps the one the PCE knew.
     */
    public dev.cordon.protocol.Heartbeat heartbeat(Agent agent, JsonNode body) {
        dev.cordon.protocol.Heartbeat sent = VenInputs.heartbeat(body);
        Heartbeat prev = last.get(agent.venHref());
        String backend = sent.dataplaneBackend() != null ? sent.dataplaneBackend()
                : prev != null ? prev.backend() : null;
        Heartbeat next = new Heartbeat(clock.instant(), sent.appliedHash(), sent.syncState(), Wire.tree(sent.health()),
                backend);
        last.put(agent.venHref(), next);
        Instant persisted = persistedAt.get(agent.venHref());
        if (prev == null || !Objects.equals(prev.appliedHash(), next.appliedHash())
                || !prev.syncState().equals(next.syncState()) || !prev.health().equals(next.health())
                || !Objects.equals(prev.backend(), next.backend())
                || missed.contains(agent.venHref()) || persisted == null
                || Duration.between(persisted, next.at()).compareTo(persistWithin(agent.venHref())) >= 0) {
            persist(agent, next);
        }
        return sent;
    }

    /**
     * Takes the heartbeat in ({@link #heartbeat}) and says what to answer: empty is {@code 204}, else {@code 200}
     * with the answer ({@link HeartbeatAnswers}, set by the server's wiring).
     */
    public Optional<dev.cordon.protocol.HeartbeatAnswer> heartbeatAnswered(Agent agent, JsonNode body) {
        return answers.answer(agent, heartbeat(agent, body));
    }

    /** Who answers heartbeats beyond taking them in (traffic reporting settings); {@link HeartbeatAnswers#NONE} by default. */
    public void answerWith(HeartbeatAnswers a) {
        this.answers = a;
    }

    /**
     * How stale the stored heartbeat may get: half the heartbeat timeout, or half the VEN's offline timer when that
     * is shorter (another node's offline sweep judges the VEN by the database).
     */
    private Duration persistWithin(String venHref) {
        Duration half = timeout.dividedBy(2);
        Duration offlineBound = offline == null ? null : offline.persistWithin(venHref);
        return offlineBound != null && offlineBound.compareTo(half) < 0 ? offlineBound : half;
    }

    /** One heartbeat to write: the VEN's stored object takes its fields. */
    private record Write(Agent agent, Heartbeat hb) {}

    private void persist(Agent agent, Heartbeat hb) {
        boolean back = writes.write(new Write(agent, hb));
        persistedAt.put(agent.venHref(), hb.at());
        missed.remove(agent.venHref());
        if (back) offline.returned();
    }

    /** Inside the group's write transaction ({@link HeartbeatWrites}); true when the workload came back online. */
    private boolean writeOne(Write w) {
        Agent agent = w.agent();
        Heartbeat hb = w.hb();
        return store.objects().get(agent.org(), VenKinds.VEN, agent.venHref()).map(b -> {
            ObjectNode ven = (ObjectNode) Json.parse(b);
            ven.put("last_heartbeat_on", Json.format(hb.at()));
            ven.put("security_policy_sync_state", hb.syncState());
            ven.put("applied_hash", hb.appliedHash());
            ven.set("agent_health", hb.health());
            if (hb.backend() != null) ven.put(BACKEND, hb.backend());
            ven.putArray("conditions");
            Goodbyes.ended(ven); // a VEN that said goodbye is back
            store.objects().put(agent.org(), VenKinds.VEN, agent.venHref(), ven, null);
            // an offline workload is back with this heartbeat (OfflineSweep), in the same transaction
            return offline != null && offline.backOnline(agent.org(), agent.venHref(), ven);
        }).orElse(false);
    }

    /** The VEN's last heartbeat: this node's, or the stored one when newer, else its activation. */
    Instant lastHeard(String venHref, JsonNode stored) {
        Heartbeat hb = newest(last.get(venHref), stored);
        String text = hb != null ? Json.format(hb.at())
                : Optional.ofNullable(Json.text(stored, "last_heartbeat_on")).orElse(Json.text(stored, "created_at"));
        return text == null ? null : Instant.parse(text);
    }

    /** The heartbeat groups this node has written so far ({@link HeartbeatWrites}): for the benchmark's breakdown. */
    public dev.cordon.pce.store.GroupWrites.Stats writeStats() {
        return writes.stats();
    }

    /** The offline sweep this node runs, or null. */
    public OfflineSweep offline() {
        return offline;
    }

    /**
     * The VEN's reported state, except that "applied" becomes "syncing" while this node has served it a policy it
     * has not yet reported applied (a provision it is fetching or applying right now).
     */
    private String syncState(String venHref, Heartbeat hb) {
        String sent = lastServed.apply(venHref);
        if ("applied".equals(hb.syncState()) && sent != null && !sent.equals(hb.appliedHash())) return "syncing";
        return hb.syncState();
    }

    /** The computed {@code agent} of a managed workload: sync state, last heartbeat, health. */
    public ObjectNode agentStatus(int org, String venHref) {
        ObjectNode agent = Json.object();
        ObjectNode status = agent.putObject("status");
        JsonNode ven = store.objects().get(org, VenKinds.VEN, venHref).map(Json::parse).orElse(Json.object());
        Heartbeat hb = newest(last.get(venHref), ven);
        status.put("status", Json.text(ven, "status"));
        if (hb != null) {
            status.put("security_policy_sync_state", syncState(venHref, hb));
            status.put("last_heartbeat_on", Json.format(hb.at()));
            status.set("agent_health", hb.health());
        } else {
            status.put("security_policy_sync_state", Optional.ofNullable(Json.text(ven, "security_policy_sync_state")).orElse("syncing"));
            status.set("last_heartbeat_on", ven.path("last_heartbeat_on").isMissingNode() ? Json.MAPPER.nullNode() : ven.get("last_heartbeat_on"));
            status.set("agent_health", ven.has("agent_health") ? ven.get("agent_health") : Json.array());
        }
        status.set("conditions", ven.has("conditions") ? ven.get("conditions") : Json.array());
        return agent;
    }

    /** A VEN as the API shows it: stored fields plus the in-memory last heartbeat. */
    public ObjectNode view(int org, JsonNode stored) {
        ObjectNode v = ((ObjectNode) stored).deepCopy();
        Heartbeat hb = newest(last.get(Json.text(v, "href")), stored);
        if (hb != null) {
            v.put("last_heartbeat_on", Json.format(hb.at()));
            v.put("security_policy_sync_state", syncState(Json.text(v, "href"), hb));
            v.put("applied_hash", hb.appliedHash());
            v.set("agent_health", hb.health());
            if (hb.backend() != null) v.put(BACKEND, hb.backend());
        }
        if (!v.has(BACKEND)) v.putNull(BACKEND); // a VEN activated before the backend was reported
        Goodbyes.show(v);
        return v;
    }

    /**
     * This node's in-memory heartbeat, unless the database holds a newer one (the VEN now talks to another node);
     * null when the database's is newer, so callers show the stored fields.
     */
    private static Heartbeat newest(Heartbeat inMemory, JsonNode stored) {
        if (inMemory == null) return null;
        String storedAt = Json.text(stored, "last_heartbeat_on");
        if (storedAt != null && Instant.parse(storedAt).isAfter(inMemory.at())) return null;
        return inMemory;
    }

    /** Forgets the VEN's last heartbeat (it was unpaired, here or on another node). */
    void forget(String venHref) {
        last.remove(venHref);
    }

    /** Another node's change: a VEN changed or unpaired, marked as missing heartbeats, or anything. */
    public void changed(Change c) {
        switch (c.type()) {
            case VEN -> forget(c.href());
            case MISSED -> missed.add(c.href());
            case ALL -> last.clear();
            default -> { }
        }
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn("heartbeat check failed: {}", e.getMessage());
        }
    }

    /**
     * Marks active VENs silent for longer than the timeout with a condition and one event per episode. A VEN that
     * said goodbye is not missing heartbeats: it stopped on purpose (its goodbye timer is {@link OfflineSweep}'s).
     */
    public int check() {
        Instant now = clock.instant();
        int marked = 0;
        List<Row> rows = store.objects().all(1, VenKinds.VEN);
        List<JsonNode> parsed = storedVens.of(1, rows);
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            JsonNode ven = parsed.get(i); // read-only: the write below re-reads the VEN
            if (!"active".equals(Json.text(ven, "status")) || ven.path("conditions").size() > 0) continue;
            if (Goodbyes.inEffect(ven) != null) continue;
            Heartbeat hb = newest(last.get(r.href()), ven);
            String lastText = hb != null ? Json.format(hb.at())
                    : Optional.ofNullable(Json.text(ven, "last_heartbeat_on")).orElse(Json.text(ven, "created_at"));
            Instant lastAt = Instant.parse(lastText);
            if (Duration.between(lastAt, now).compareTo(timeout) <= 0) continue;
            boolean marks = store.write(() -> {
                // another PCE node may have marked it, or heard from it, since the read above
                ObjectNode current = store.objects().get(1, VenKinds.VEN, r.href()).map(b -> (ObjectNode) Json.parse(b)).orElse(null);
                if (current == null || !"active".equals(Json.text(current, "status")) || current.path("conditions").size() > 0
                        || Goodbyes.inEffect(current) != null) {
                    return false;
                }
                String storedAt = Json.text(current, "last_heartbeat_on");
                if (storedAt != null && Instant.parse(storedAt).isAfter(lastAt)) return false;
                ObjectNode cond = Json.object().put("type", "agent.missed_heartbeats")
                        .put("first_reported_timestamp", Json.format(now)).put("last_heartbeat_on", lastText);
                current.putArray("conditions").add(cond);
                store.objects().put(1, VenKinds.VEN, r.href(), current, null);
                missed.add(r.href());
                ObjectNode actor = Json.object();
                actor.putObject("agent").put("href", r.href()).put("hostname", Json.text(current, "hostname"));
                events.record(1, "agent.missed_heartbeats", "warning", "failure", actor, List.of(),
                        Json.object().put("last_heartbeat_on", lastText).put("timeout_seconds", timeout.toSeconds()));
                return true;
            });
            if (marks) {
                marked++;
                cluster.publish(Change.missed(r.href()));
            }
        }
        return marked;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        if (offline != null) offline.close();
    }
}
