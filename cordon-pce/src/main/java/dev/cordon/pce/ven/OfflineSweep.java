package dev.cordon.pce.ven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.cluster.Change;
import dev.cordon.pce.cluster.Cluster;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.core.Workloads;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.store.ParsedRows;
import dev.cordon.pce.store.Row;
import dev.cordon.pce.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offline workloads (SPEC §10): a managed workload whose VEN has been silent for longer than its disconnected timer
 * ({@link OfflineTimers}) is marked offline — {@code "online": false} stored on the workload, an event
 * {@code workload.offline} — and its addresses leave every peer's compiled policy: the live-workload reader gives
 * the engine an offline workload without interfaces ({@link Workloads#inPolicy}), so rules still name it but select
 * no address of it. Storing the state on the workload moves the workload write stamps in the same transaction, so
 * every engine cache on every node sharing the database follows; {@code liveChanged} then wakes this node's long
 * polls and tells the other nodes ({@code cordon_changes}). The workload's own VEN is not cut off: it keeps what it
 * enforces, and its next heartbeat ({@link Heartbeats}, through {@link #backOnline}) brings the workload back, with
 * an event {@code workload.online} and peers told at once.
 *
 * <p>A VEN that said goodbye ({@link Goodbyes}: it stopped gracefully) is judged by its goodbye timer instead, counted
 * from the goodbye: the workload stays in policy until then, and goes offline the same way (event with
 * {@code "cause": "goodbye"}). A goodbye timer of never keeps it online however long it stays away; 0 takes it out
 * at the first pass after the goodbye, which {@link #soon()} runs at once. The heartbeat that ends the goodbye brings
 * the workload back as any heartbeat does.
 *
 * <p>Threads and what guards what: the sweep runs on {@link #sweeper} only; it re-reads the VEN and its workload
 * inside its write transaction (the cluster-wide write lock), so two nodes never mark one silence twice and a
 * heartbeat that reached the database first wins. {@link #timerSeconds} (each VEN's disconnected timer as of the
 * last pass, read by heartbeat threads to bound how stale a persisted heartbeat may get) is a concurrent map;
 * {@link #generation} (which scheduled pass counts) is guarded by {@code this}, as {@link #soon()} supersedes the
 * scheduled pass from request threads; one chain of passes runs at any time.
 */
public final class OfflineSweep implements AutoCloseable {
    public static final String OFFLINE = "workload.offline";
    public static final String ONLINE = "workload.online";
    private static final Logger LOG = LoggerFactory.getLogger(OfflineSweep.class);

    private final Store store;
    private final Events events;
    private final Clock clock;
    private final OfflineTimers timers;
    private final Cluster cluster;
    private final Runnable liveChanged;
    private final Map<String, Long> timerSeconds = new ConcurrentHashMap<>();
    /** The shortest goodbye timer of a VEN whose goodbye is in effect, as of the last pass; -1: none. */
    private volatile long shortestGoodbye = -1;
    /** The scheduled pass that counts: an older one that fires finds it superseded and does nothing. */
    private long generation;
    private final ScheduledExecutorService sweeper =
            Executors.newSingleThreadScheduledExecutor(PolicyLongPoll.daemon("cordon-ven-offline"));
    private volatile BiFunction<String, JsonNode, Instant> lastHeard;
    /**
     * Each pass reads every workload and VEN; only those whose stored text changed since the last pass are parsed
     * again (at 25,000 VENs per node, parsing all of them every pass was about 30 % of a node's CPU). Read-only trees.
     */
    private final ParsedRows<JsonNode> workloads = new ParsedRows<>(Json::parse);
    private final ParsedRows<JsonNode> vens = new ParsedRows<>(Json::parse);
    private volatile Consumer<String> missed;

    /**
     * {@code liveChanged}: what a live workload change calls so that compiled policy follows, here and on the other
     * nodes (the policy service's {@code liveChanged}).
     */
    public OfflineSweep(Store store, Events events, Clock clock, OfflineTimers timers, Cluster cluster,
                        Runnable liveChanged) {
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.timers = timers;
        this.cluster = cluster;
        this.liveChanged = liveChanged;
    }

    /**
     * Starts the sweep: {@code lastHeard} gives a VEN's last heartbeat (this node's or the stored one, else its
     * activation), {@code missed} makes the VEN's next heartbeat on this node reach the database at once.
     */
    void start(BiFunction<String, JsonNode, Instant> lastHeard, Consumer<String> missed) {
        this.lastHeard = lastHeard;
        this.missed = missed;
        schedule(1000);
    }

    private synchronized void schedule(long delayMs) {
        if (sweeper.isShutdown()) return;
        long g = ++generation;
        try {
            sweeper.schedule(() -> sweepAndReschedule(g), delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: no more passes
        }
    }

    private synchronized boolean current(long g) {
        return g == generation;
    }

    /**
     * A VEN said goodbye: a pass now (after the one running, if any), and the passes after it paced by its goodbye
     * timer, which may be shorter than any disconnected timer, even 0.
     */
    void soon() {
        schedule(0);
    }

    private void sweepAndReschedule(long g) {
        if (!current(g)) return; // superseded by soon(): that pass runs instead
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("offline sweep failed: {}", e.getMessage());
        }
        // a quarter of the shortest timer, 1 s to 30 s: a 3 s timer is met within about a second; with no timer
        // known yet (no VEN, or only never timers) every 5 s, so a newly paired VEN's short timer is soon known
        long shortest = timerSeconds.values().stream().filter(s -> s > 0).min(Long::compare).orElse(20L);
        if (shortestGoodbye >= 0) shortest = Math.min(shortest, Math.max(1, shortestGoodbye));
        long delayMs = Math.max(1000, Math.min(30_000, shortest * 250));
        synchronized (this) {
            if (current(g)) schedule(delayMs); // else soon() scheduled the next pass meanwhile
        }
    }

    /** One pass: marks offline every online managed workload whose VEN is silent past its timer; returns how many. */
    public int sweep() {
        int org = 1; // as the heartbeat sweep: Cordon has one org
        Instant now = clock.instant();
        OfflineTimers.Org orgTimers = timers.forOrg(org);
        Map<String, JsonNode> workloads = new HashMap<>();
        List<Row> workloadRows = store.objects().all(org, Kind.WORKLOAD.kind());
        List<JsonNode> parsedWorkloads = this.workloads.of(org, workloadRows);
        for (int i = 0; i < workloadRows.size(); i++) workloads.put(workloadRows.get(i).href(), parsedWorkloads.get(i));
        Set<String> present = new HashSet<>();
        int marked = 0;
        long goodbyeMin = -1;
        List<Row> venRows = store.objects().all(org, VenKinds.VEN);
        List<JsonNode> parsedVens = vens.of(org, venRows);
        for (int i = 0; i < venRows.size(); i++) {
            Row r = venRows.get(i);
            present.add(r.href());
            JsonNode ven = parsedVens.get(i);
            String workloadHref = ven.path("workload").path("href").asText(null);
            JsonNode w = workloadHref == null ? null : workloads.get(workloadHref);
            if (w == null) continue;
            Set<String> labels = labels(w);
            String type = venType(ven, w);
            long disconnected = orgTimers.disconnectedSeconds(labels, type);
            timerSeconds.put(r.href(), disconnected);
            Instant bye = Goodbyes.inEffect(ven);
            long seconds = bye == null ? disconnected : orgTimers.goodbyeSeconds(labels, type);
            if (seconds < 0 || Workloads.isOffline(w)) continue;
            if (bye != null) goodbyeMin = goodbyeMin < 0 ? seconds : Math.min(goodbyeMin, seconds);
            Instant heard = lastHeard.apply(r.href(), ven);
            Instant from = bye != null ? bye : heard;
            // past the timer; a goodbye timer of 0 is due at the goodbye itself
            boolean due = from != null && (seconds == 0 ? !now.isBefore(from) : now.isAfter(from.plusSeconds(seconds)));
            if (!due) continue;
            if (markOffline(org, r.href(), workloadHref, heard, bye, seconds)) marked++;
        }
        shortestGoodbye = goodbyeMin;
        timerSeconds.keySet().retainAll(present);
        if (marked > 0) liveChanged.run();
        return marked;
    }

    /** {@code bye}: when the VEN said the goodbye whose timer ran out, or null when its disconnected timer did. */
    private boolean markOffline(int org, String venHref, String workloadHref, Instant heard, Instant bye, long seconds) {
        boolean marks = store.write(() -> {
            // another node may have marked it, or heard from the VEN, since the reads above
            JsonNode ven = store.objects().get(org, VenKinds.VEN, venHref).map(Json::parse).orElse(null);
            ObjectNode w = store.objects().get(org, Kind.WORKLOAD.kind(), workloadHref)
                    .map(b -> (ObjectNode) Json.parse(b)).orElse(null);
            if (ven == null || w == null || Workloads.isOffline(w)) return false;
            if (bye != null && !bye.equals(Goodbyes.inEffect(ven))) return false; // a heartbeat ended the goodbye
            String storedAt = Json.text(ven, "last_heartbeat_on");
            if (bye == null && storedAt != null && heard != null && Instant.parse(storedAt).isAfter(heard)) return false;
            ObjectNode after = w.deepCopy().put(Workloads.ONLINE, false);
            store.objects().put(org, Kind.WORKLOAD.kind(), workloadHref, after, null);
            ObjectNode info = Json.object().put("workload", workloadHref).put("ven", venHref)
                    .put("cause", bye == null ? "disconnected" : "goodbye")
                    .put("last_heartbeat_on", heard == null ? null : Json.format(heard)).put("timeout_seconds", seconds);
            if (bye != null) info.put("last_goodbye_at", Json.format(bye));
            events.record(org, OFFLINE, "warning", "success", system(), List.of(Events.updated(workloadHref, w, after)),
                    info);
            return true;
        });
        if (marks) {
            // the VEN's next heartbeat, on whichever node, is written at once and brings the workload back
            missed.accept(venHref);
            cluster.publish(Change.missed(venHref));
            if (bye == null) {
                LOG.info("workload {} offline: VEN {} silent since {} (timer {} s)", workloadHref, venHref, heard, seconds);
            } else {
                LOG.info("workload {} offline: VEN {} said goodbye at {} (goodbye timer {} s)", workloadHref, venHref,
                        bye, seconds);
            }
        }
        return marks;
    }

    /** The goodbye timer of the VEN's workload as it stands; {@link OfflineTimers#NEVER} when it has no workload. */
    long goodbyeSeconds(int org, JsonNode ven) {
        String workloadHref = ven.path("workload").path("href").asText(null);
        JsonNode w = workloadHref == null ? null
                : store.objects().get(org, Kind.WORKLOAD.kind(), workloadHref).map(Json::parse).orElse(null);
        return w == null ? OfflineTimers.NEVER : timers.forOrg(org).goodbyeSeconds(labels(w), venType(ven, w));
    }

    /**
     * Inside the write that persists a heartbeat: brings the VEN's workload back online when it is offline (with an
     * event). True when it did; the caller then calls {@link #returned()} after the commit.
     */
    boolean backOnline(int org, String venHref, JsonNode ven) {
        String workloadHref = ven.path("workload").path("href").asText(null);
        if (workloadHref == null) return false;
        ObjectNode w = store.objects().get(org, Kind.WORKLOAD.kind(), workloadHref)
                .map(b -> (ObjectNode) Json.parse(b)).orElse(null);
        if (w == null || !Workloads.isOffline(w)) return false;
        ObjectNode after = w.deepCopy().put(Workloads.ONLINE, true);
        store.objects().put(org, Kind.WORKLOAD.kind(), workloadHref, after, null);
        events.record(org, ONLINE, "info", "success", system(), List.of(Events.updated(workloadHref, w, after)),
                Json.object().put("workload", workloadHref).put("ven", venHref));
        LOG.info("workload {} online again: VEN {} heartbeat", workloadHref, venHref);
        return true;
    }

    /** After the commit of a {@link #backOnline} that returned true: compiled policy follows, here and elsewhere. */
    void returned() {
        liveChanged.run();
    }

    /**
     * How stale this VEN's persisted heartbeat may get: half its timer as of the last pass (another node's sweep
     * reads the database), or null when it has none (never offline, or not swept yet).
     */
    Duration persistWithin(String venHref) {
        Long s = timerSeconds.get(venHref);
        return s == null || s < 0 ? null : Duration.ofMillis(s * 500);
    }

    private static Set<String> labels(JsonNode workload) {
        Set<String> out = new HashSet<>();
        for (JsonNode l : workload.path("labels")) if (l.path("href").isTextual()) out.add(l.path("href").asText());
        return out;
    }

    private static String venType(JsonNode ven, JsonNode workload) {
        String t = workload.path("ven").path("ven_type").asText(null);
        if (t == null) t = ven.path("ven_type").asText(null);
        return t == null ? "server" : t;
    }

    private static ObjectNode system() {
        ObjectNode actor = Json.object();
        actor.set("system", Json.object());
        return actor;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
