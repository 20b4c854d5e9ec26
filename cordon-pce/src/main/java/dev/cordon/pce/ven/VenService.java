package dev.cordon.pce.ven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.objects.WorkloadChecks;
import dev.cordon.pce.core.Workloads;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.objects.ObjectService;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.auth.Secrets;
import dev.cordon.pce.cluster.Change;
import dev.cordon.pce.cluster.Cluster;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.provision.PolicyService;
import dev.cordon.pce.store.Store;
import dev.cordon.pce.store.Row;
import dev.cordon.policy.Engine;
import dev.cordon.policy.compile.CompiledOrg.PolicyBasis;
import dev.cordon.policy.compile.Endpoint;
import dev.cordon.policy.compile.FirewallPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VEN side of the PCE: pairing keys, activation, agent tokens, the policy long poll, heartbeats, agent events,
 * VEN status, and the missed-heartbeat housekeeping.
 *
 * <p>Long polls hold no thread: a poll whose VEN already has the current policy parks a {@link CompletableFuture}
 * in {@link #waiting}; a scheduler completes it with "no change" when its wait ends. Every change that may alter
 * compiled policy (provision, restore, label or workload write) triggers one re-check pass on a single thread; passes
 * coalesce, so a burst of changes costs one pass. Each pass takes the active {@link Engine} (cached per active
 * version and live generation; {@code compileAll} is cached inside it) and completes every waiter whose policy hash
 * changed. Compiled policies with the control plane added are cached per (engine, workload, endpoint), and so is
 * the body of the response that carries one, built from a part serialised once per policy class and endpoint
 * ({@link PolicyResponses}); a waiter is completed with those bytes.
 *
 * <p>Agent tokens are {@code <id>.<secret>}; only a salted hash is stored. A verified token is remembered in memory
 * until its VEN is suspended or unpaired, so thousands of polling VENs do not each cost a database read. Heartbeat
 * state lives in memory and reaches the database when it changes, and at least every half heartbeat timeout, so
 * that every PCE node sharing the database sees recent heartbeats (a VEN talks to one node at a time).
 *
 * <p>With several PCE nodes, suspending or unpairing a VEN and marking it as missing heartbeats are told to the
 * other nodes through the {@link Cluster}: they forget the VEN's cached token, or expect its next heartbeat to clear
 * the condition.
 */
public final class VenService implements AutoCloseable {
    public static final Kind PAIRING_PROFILE =
            new Kind("pairing_profile", "pairing_profiles", PairingProfile.class, "pairing profile", false, false);
    public static final String VEN = "ven";
    static final String PAIRING_KEY = "pairing_key";
    static final String AGENT_TOKEN = "agent_token";
    /** The 401 token an unpaired VEN gets, followed by its firewall_restore ({@code saved} or {@code default}). */
    public static final String UNPAIRED_TOKEN = "ven_unpaired_";
    private static final Set<String> UNPAIR_RESTORES = Set.of("saved", "default");
    private static final int MAX_UNPAIR = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(VenService.class);

    private final Store store;
    private final Events events;
    private final PolicyService policy;
    private final Clock clock;
    private final Duration heartbeatTimeout;
    private final Map<String, Agent> tokens = new ConcurrentHashMap<>();
    private final Map<Waiter, Boolean> waiting = new ConcurrentHashMap<>();
    private final ParkedPolls parked;
    public static final int DEFAULT_MAX_PARKED_POLLS = 20_000;
    public static final int DEFAULT_MAX_PARKED_POLLS_PER_VEN = 2;
    private final Map<String, Heartbeat> heartbeats = new ConcurrentHashMap<>();
    /** The hash of the last policy this node sent each VEN (a 200 answer), to tell "applied" from "fetching". */
    private final Map<String, String> served = new ConcurrentHashMap<>();
    private final Set<String> missed = ConcurrentHashMap.newKeySet();
    private final Map<String, Compiled> compiled = new ConcurrentHashMap<>();
    private final PolicyResponses responses = new PolicyResponses();
    private volatile Engine compiledFor;
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1, daemon("cordon-ven-timer"));
    private final ExecutorService recheck = Executors.newSingleThreadExecutor(daemon("cordon-ven-recheck"));
    /**
     * Completing a waiter writes its HTTP response on the completing thread, so a provision that wakes 10,000 long
     * polls must not complete them one by one on the recheck thread: they are spread over this pool.
     */
    private final ExecutorService wakers = Executors.newFixedThreadPool(
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), daemon("cordon-ven-wake"));
    private final AtomicBoolean recheckQueued = new AtomicBoolean();
    private final Cluster cluster;
    private final List<Endpoint> advertised;
    /** When this node last wrote each VEN's heartbeat to the database. */
    private final Map<String, Instant> persistedAt = new ConcurrentHashMap<>();

    /** An authenticated VEN. */
    public record Agent(int org, String venHref, String workloadHref, String hostname) {}

    /** A parked poll; {@code basis} is what its known hash was computed from (name and class body digest). */
    private record Waiter(Agent agent, String knownHash, Endpoint endpoint, PolicyBasis basis,
                          CompletableFuture<byte[]> future) {}

    /** A workload's policy from one engine, with its basis; the response body once one needed it. */
    private static final class Compiled {
        final FirewallPolicy policy;
        final PolicyBasis basis;
        volatile byte[] json;

        Compiled(FirewallPolicy policy, PolicyBasis basis) {
            this.policy = policy;
            this.basis = basis;
        }
    }

    /** The last heartbeat of a VEN. */
    record Heartbeat(Instant at, String appliedHash, String syncState, JsonNode health) {}

    public VenService(Store store, Events events, PolicyService policy, ObjectService objects, Clock clock,
                      Duration heartbeatTimeout) {
        this(store, events, policy, objects, clock, heartbeatTimeout, Cluster.local());
    }

    public VenService(Store store, Events events, PolicyService policy, ObjectService objects, Clock clock,
                      Duration heartbeatTimeout, Cluster cluster) {
        this(store, events, policy, objects, clock, heartbeatTimeout, cluster, List.of());
    }

    /**
     * {@code advertised}: the PCE endpoints every VEN's policy lets it reach (operator-given, the same on every
     * node); empty: the endpoint each request arrived on.
     */
    public VenService(Store store, Events events, PolicyService policy, ObjectService objects, Clock clock,
                      Duration heartbeatTimeout, Cluster cluster, List<Endpoint> advertised) {
        this(store, events, policy, objects, clock, heartbeatTimeout, cluster, advertised,
                DEFAULT_MAX_PARKED_POLLS, DEFAULT_MAX_PARKED_POLLS_PER_VEN);
    }

    /** {@code maxParked}, {@code maxParkedPerVen}: the bounds of parked long polls ({@link ParkedPolls}). */
    public VenService(Store store, Events events, PolicyService policy, ObjectService objects, Clock clock,
                      Duration heartbeatTimeout, Cluster cluster, List<Endpoint> advertised, int maxParked,
                      int maxParkedPerVen) {
        this.parked = new ParkedPolls(maxParked, maxParkedPerVen);
        this.advertised = List.copyOf(advertised);
        this.cluster = cluster;
        cluster.subscribe(this::changedElsewhere);
        this.store = store;
        this.events = events;
        this.policy = policy;
        this.clock = clock;
        this.heartbeatTimeout = heartbeatTimeout;
        objects.register(PAIRING_PROFILE, new PairingProfileChecks(store));
        policy.onChange(this::policyChanged);
        long every = Math.max(1, Math.min(30, heartbeatTimeout.toSeconds() / 4));
        timers.scheduleWithFixedDelay(this::checkHeartbeatsQuietly, every, every, TimeUnit.SECONDS);
    }

    private void changedElsewhere(Change c) {
        switch (c.type()) {
            case VEN -> {
                forget(c.href());
                heartbeats.remove(c.href());
                release(Set.of(c.href()));
            }
            case MISSED -> missed.add(c.href());
            case ALL -> {
                tokens.clear();
                heartbeats.clear();
            }
            default -> { }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        timers.shutdownNow();
        recheck.shutdownNow();
        wakers.shutdownNow();
        waiting.keySet().forEach(w -> w.future().complete(null));
    }

    // ---- pairing keys and activation ----

    /** {@code POST /orgs/{org}/pairing_profiles/{id}/pairing_key} → {@code {"activation_code"}}. */
    public ObjectNode pairingKey(int org, String profileHref, Principal by) {
        return store.write(() -> {
            JsonNode p = Json.parse(store.objects().get(org, PAIRING_PROFILE.kind(), profileHref)
                    .orElseThrow(() -> ApiException.notFound("No pairing profile " + profileHref + ".")));
            if (!p.path("enabled").asBoolean(true)) {
                throw ApiException.invalid("pairing_profile_disabled", "Pairing profile " + profileHref
                        + " is disabled: enable it (PUT {\"enabled\": true}) to generate keys.");
            }
            String code = Secrets.random(24);
            String href = profileHref + "/pairing_keys/" + store.counters().next(org, PAIRING_KEY);
            ObjectNode key = Json.object().put("href", href).put("pairing_profile", profileHref)
                    .put("created_at", Json.now(clock));
            JsonNode life = p.get("key_lifespan");
            if (life != null && life.isIntegralNumber()) {
                key.put("expires_at", Json.format(clock.instant().plusSeconds(life.asLong())));
            }
            JsonNode uses = p.get("allowed_uses_per_key");
            if (uses != null && uses.isIntegralNumber()) key.put("uses_left", uses.asInt());
            store.objects().put(org, PAIRING_KEY, href, key, Secrets.hash("activation", code));
            events.record(org, "pairing_profile.create_pairing_key", "info", "success", by.eventActor(),
                    List.of(Events.created(href, key)), Json.object().put("pairing_profile", profileHref));
            return Json.object().put("activation_code", code);
        });
    }

    /** {@code POST /api/v2/ven/activate}: a managed workload and its VEN, with the profile's labels and mode. */
    public ObjectNode activate(JsonNode body, String srcIp) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("invalid_body", "Activation takes a JSON object with activation_code and hostname.");
        }
        ArrayNode interfaces = VenInputs.activation(body); // types and field paths; the workload check follows
        String code = Json.text(body, "activation_code");
        String hostname = Json.text(body, "hostname");
        if (code == null) {
            throw ApiException.badCredential(ApiException.Failure.UNKNOWN_KEY,
                    "Missing activation_code: generate a pairing key first.");
        }
        if (hostname == null || hostname.isBlank()) {
            throw ApiException.invalid("hostname_required", "Activation needs the host's hostname.");
        }
        String token;
        ObjectNode result;
        // a 401 is throttled and recorded by the caller (auth.throttle), once per source and interval
        Activated a = store.write(() -> doActivate(code, hostname, interfaces, body));
        token = a.token();
        result = a.result();
        policy.liveChanged();
        result.put("agent_token", token);
        return result;
    }

    private record Activated(ObjectNode result, String token) {}

    private Activated doActivate(String code, String hostname, ArrayNode interfaces, JsonNode body) {
        Optional<Row> keyRow = store.objects().findByLookup(PAIRING_KEY, Secrets.hash("activation", code));
        if (keyRow.isEmpty()) {
            throw ApiException.badCredential(ApiException.Failure.UNKNOWN_KEY,
                    "Unknown activation code: generate a new pairing key.");
        }
        ObjectNode key = (ObjectNode) Json.parse(keyRow.get().body());
        String keyHref = keyRow.get().href();
        int org = Integer.parseInt(keyHref.split("/")[2]);
        String expires = Json.text(key, "expires_at");
        if (expires != null && expires.compareTo(Json.now(clock)) < 0) {
            throw ApiException.unauthorized("This activation code expired at " + expires + ": generate a new pairing key.");
        }
        if (key.has("uses_left") && key.get("uses_left").asInt() <= 0) {
            throw ApiException.unauthorized("This activation code has been used as often as its pairing profile"
                    + " allows: generate a new pairing key.");
        }
        JsonNode profile = Json.parse(store.objects().get(org, PAIRING_PROFILE.kind(), Json.text(key, "pairing_profile"))
                .orElseThrow(() -> ApiException.unauthorized("The pairing profile of this code was deleted.")));
        if (!profile.path("enabled").asBoolean(true)) {
            throw ApiException.unauthorized("The pairing profile of this activation code is disabled.");
        }
        if (key.has("uses_left")) key.put("uses_left", key.get("uses_left").asInt() - 1);
        store.objects().put(org, PAIRING_KEY, keyHref, key, Secrets.hash("activation", code));

        String now = Json.now(clock);
        String venHref = "/orgs/" + org + "/vens/" + UUID.randomUUID();
        String workloadHref = "/orgs/" + org + "/workloads/" + UUID.randomUUID();
        String venType = Optional.ofNullable(Json.text(body, "ven_type")).orElse(Json.text(profile, "ven_type"));
        if (!"server".equals(venType) && !"endpoint".equals(venType)) {
            throw ApiException.invalid("invalid_ven_type", "ven_type is server or endpoint, not '" + venType + "'.");
        }
        ObjectNode by = Json.ref(venHref);
        ObjectNode w = Json.object().put("href", workloadHref)
                .put("name", Optional.ofNullable(Json.text(body, "name")).orElse(hostname)).put("hostname", hostname);
        w.set("labels", profile.has("labels") ? profile.get("labels") : Json.array());
        w.set("interfaces", interfaces);
        w.put("enforcement_mode", Json.text(profile, "enforcement_mode"));
        w.put("managed", true);
        w.set("ven", Json.ref(venHref).put("ven_type", venType));
        w.put("os_type", Optional.ofNullable(Json.text(body, "os_type")).orElse("linux"));
        w.put("created_at", now).put("updated_at", now);
        w.set("created_by", by);
        w.set("updated_by", by);
        dev.cordon.policy.model.Workload parsed = Json.convert(w, dev.cordon.policy.model.Workload.class, "workload");
        // what POST /workloads refuses, activation refuses too (the transaction then stores nothing)
        var problems = Workloads.problems(parsed, WorkloadChecks.labelsOf(store, org, parsed));
        if (!problems.isEmpty()) throw ApiException.invalid(problems);
        store.objects().put(org, Kind.WORKLOAD.kind(), workloadHref, w, null);

        ObjectNode ven = Json.object().put("href", venHref).put("name", hostname).put("hostname", hostname)
                .put("status", "active").put("ven_type", venType).put("version", Json.text(body, "version"))
                .put("os_type", w.get("os_type").asText());
        ven.set("workload", Json.ref(workloadHref));
        ven.set("pairing_profile", Json.ref(Json.text(key, "pairing_profile")));
        ven.putNull("last_heartbeat_on");
        ven.putArray("conditions");
        ven.put("created_at", now).put("updated_at", now);
        ven.set("created_by", by);
        ven.set("updated_by", by);
        store.objects().put(org, VEN, venHref, ven, null);

        String tokenId = Secrets.random(8);
        String secret = Secrets.random(32);
        String salt = Secrets.random(16);
        store.objects().put(org, AGENT_TOKEN, venHref + "/token", Json.object().put("ven", venHref).put("salt", salt)
                .put("hash", Secrets.hash(salt, secret)), tokenId);

        ObjectNode actor = Json.object();
        actor.putObject("agent").put("href", venHref).put("hostname", hostname);
        events.record(org, "agent.activate", "info", "success", actor,
                List.of(Events.created(venHref, ven), Events.created(workloadHref, w)),
                Json.object().put("pairing_key", keyHref));
        ObjectNode result = Json.object();
        result.set("ven", Json.ref(venHref));
        result.set("workload", Json.ref(workloadHref));
        return new Activated(result, tokenId + "." + secret);
    }

    // ---- agent authentication ----

    /** Authenticates {@code Authorization: Bearer <agent_token>}; 401 for unknown, suspended or unpaired VENs. */
    public Agent authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.badCredential(ApiException.Failure.UNKNOWN_KEY,
                    "VEN requests carry Authorization: Bearer <agent_token> from activation.");
        }
        String token = authorization.substring(7).trim();
        Agent known = tokens.get(token);
        if (known != null) return known;
        int dot = token.indexOf('.');
        Optional<Row> row = dot <= 0 ? Optional.empty() : store.objects().findByLookup(AGENT_TOKEN, token.substring(0, dot));
        if (row.isEmpty()) {
            throw ApiException.badCredential(ApiException.Failure.UNKNOWN_KEY,
                    "Unknown agent token: the VEN is not paired; activate it again.");
        }
        JsonNode t = Json.parse(row.get().body());
        if (!Secrets.matches(Json.text(t, "salt"), token.substring(dot + 1), Json.text(t, "hash"))) {
            throw ApiException.badCredential(ApiException.Failure.WRONG_SECRET, "Wrong agent token: activate the VEN again.");
        }
        String venHref = Json.text(t, "ven");
        JsonNode unpaired = t.path("unpaired");
        if (unpaired.isObject()) {
            String restore = Json.text(unpaired, "firewall_restore");
            throw new ApiException(401, List.of(new dev.cordon.policy.validate.ValidationError(UNPAIRED_TOKEN + restore,
                    "This VEN was unpaired at " + Json.text(unpaired, "at") + " (firewall_restore " + restore + "): it"
                            + " takes Cordon's rules away, restores the firewall (" + restore + "), forgets its pairing"
                            + " and stops. To enforce again, activate it with a new pairing key.")));
        }
        int org = Integer.parseInt(venHref.split("/")[2]);
        JsonNode ven = Json.parse(store.objects().get(org, VEN, venHref)
                .orElseThrow(() -> ApiException.unauthorized("This VEN was unpaired: activate it again.")));
        if (!"active".equals(Json.text(ven, "status"))) {
            throw ApiException.unauthorized("This VEN is " + Json.text(ven, "status") + ": an admin must set its status"
                    + " to active (PUT " + venHref + ").");
        }
        Agent a = new Agent(org, venHref, ven.path("workload").path("href").asText(), Json.text(ven, "hostname"));
        tokens.put(token, a);
        return a;
    }

    // ---- policy long poll ----

    /**
     * The body of the VEN's policy response ({@code FirewallPolicy} JSON) now; completes with null when the known
     * hash is current and the wait ends.
     */
    public CompletableFuture<byte[]> poll(Agent agent, String knownHash, int waitSeconds, Endpoint endpoint) {
        Compiled now = compiledFor(agent, endpoint);
        if (!now.policy.hash().equals(knownHash) || waitSeconds <= 0) {
            return CompletableFuture.completedFuture(answer(agent, now, knownHash));
        }
        Waiter w = new Waiter(agent, knownHash, endpoint, now.basis, new CompletableFuture<>());
        CompletableFuture<byte[]> superseded = parked.park(agent.venHref(), w.future());
        waiting.put(w, Boolean.TRUE);
        w.future().whenComplete((p, e) -> {
            waiting.remove(w);
            parked.release(agent.venHref(), w.future());
        });
        if (superseded != null) superseded.complete(null);
        timers.schedule(() -> w.future().complete(null), waitSeconds, TimeUnit.SECONDS);
        // a change between the first check and registering must not be missed
        Compiled again = compiledFor(agent, endpoint);
        byte[] changed = answer(agent, again, knownHash);
        if (changed != null) w.future().complete(changed);
        return w.future();
    }

    /** How many policy polls are parked on this node (tests, benchmarks). */
    public int parkedPolls() {
        return parked.total();
    }

    /**
     * The workload's compiled policy from the active version; its control plane is the advertised endpoints, or
     * (none advertised) the endpoint the request arrived on.
     */
    public FirewallPolicy policyFor(Agent agent, Endpoint endpoint) {
        return compiledFor(agent, endpoint).policy;
    }

    private Compiled compiledFor(Agent agent, Endpoint endpoint) {
        Engine engine = policy.activeEngine(agent.org());
        if (engine != compiledFor) {
            synchronized (compiled) {
                if (engine != compiledFor) {
                    compiled.clear();
                    responses.clear();
                    compiledFor = engine;
                }
            }
        }
        String key = advertised.isEmpty() ? agent.workloadHref() + "|" + endpoint.address() + "|" + endpoint.port()
                : agent.workloadHref();
        Compiled c = compiled.get(key);
        if (c == null) {
            long version = policy.activeVersion(agent.org());
            FirewallPolicy p = engine.compile(agent.workloadHref(), version,
                    advertised.isEmpty() ? List.of(endpoint) : advertised);
            c = new Compiled(p, engine.compileAll().basisOf(p.workload().href()));
            if (engine == compiledFor) compiled.put(key, c);
        }
        return c;
    }

    /**
     * The body to send a VEN that holds {@code knownHash}, or null when {@code c} is what it holds; what is sent is
     * remembered (the sync state tells "served, not yet applied" from "applied").
     */
    private byte[] answer(Agent agent, Compiled c, String knownHash) {
        if (c.policy.hash().equals(knownHash)) return null;
        served.put(agent.venHref(), c.policy.hash());
        return json(c);
    }

    /** The response body of a compiled policy, built on first need (most polls answer "no change" and need none). */
    private byte[] json(Compiled c) {
        byte[] j = c.json;
        if (j == null) {
            j = responses.json(c.policy, c.basis.bodyDigest());
            c.json = j;
        }
        return j;
    }

    private void policyChanged() {
        if (recheckQueued.compareAndSet(false, true)) {
            recheck.execute(() -> {
                recheckQueued.set(false);
                recheckWaiters();
            });
        }
    }

    /**
     * One pass over the parked polls, in slices on the waker pool. A slice first finds the new response body of each
     * of its waiters whose policy changed, then answers them all: finding is CPU work without I/O, answering is one
     * write each, and kept apart neither waits behind the other on a shared core. A waiter whose workload kept its
     * name and class body digest (the usual case after one relabel) is skipped without building its policy.
     */
    private void recheckWaiters() {
        List<Waiter> all = new java.util.ArrayList<>(waiting.keySet());
        int slices = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        for (int s = 0; s < slices; s++) {
            int from = s;
            done.add(wakers.submit(() -> {
                List<Waiter> changed = new java.util.ArrayList<>();
                List<byte[]> answers = new java.util.ArrayList<>();
                for (int i = from; i < all.size(); i += slices) {
                    Waiter w = all.get(i);
                    byte[] answer = changedAnswer(w);
                    if (answer != null) {
                        changed.add(w);
                        answers.add(answer);
                    }
                }
                for (int i = 0; i < changed.size(); i++) changed.get(i).future().complete(answers.get(i));
            }));
        }
        for (java.util.concurrent.Future<?> f : done) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.warn("recheck failed: {}", e.getCause().toString());
            }
        }
    }

    /** The response body for a waiter whose policy hash changed, or null when it did not. */
    private byte[] changedAnswer(Waiter w) {
        try {
            PolicyBasis now = policy.activeEngine(w.agent().org()).compileAll().basisOf(w.agent().workloadHref());
            if (w.basis().equals(now)) return null;
            Compiled c = compiledFor(w.agent(), w.endpoint());
            return answer(w.agent(), c, w.knownHash());
        } catch (RuntimeException e) {
            LOG.warn("cannot compile policy for {}: {}", w.agent().workloadHref(), e.getMessage());
            return null;
        }
    }

    public int waitingCount() {
        return waiting.size();
    }

    // ---- heartbeats and agent events ----

    /** {@code {"applied_hash","sync_state":"applied|error|syncing","health":[{"type","severity","message"}]}}. */
    public void heartbeat(Agent agent, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("invalid_body", "A heartbeat is a JSON object with applied_hash, sync_state, health.");
        }
        Json.onlyFields(body, Set.of("applied_hash", "sync_state", "health"), "heartbeat");
        VenInputs.health(body);
        String state = Optional.ofNullable(Json.text(body, "sync_state")).orElse("syncing");
        if (!Set.of("applied", "error", "syncing").contains(state)) {
            throw ApiException.invalid("invalid_sync_state", "sync_state is applied, error or syncing, not '" + state + "'.");
        }
        if (body.has("health") && !body.get("health").isArray() && !body.get("health").isNull()) {
            throw ApiException.invalid("invalid_health", "health is a list of {type, severity, message}, not "
                    + body.get("health").getNodeType().name().toLowerCase() + ".");
        }
        JsonNode health = body.has("health") && body.get("health").isArray() ? body.get("health") : Json.array();
        Heartbeat next = new Heartbeat(clock.instant(), Json.text(body, "applied_hash"), state, health);
        Heartbeat prev = heartbeats.put(agent.venHref(), next);
        Instant persisted = persistedAt.get(agent.venHref());
        if (prev == null || !java.util.Objects.equals(prev.appliedHash(), next.appliedHash())
                || !prev.syncState().equals(next.syncState()) || !prev.health().equals(next.health())
                || missed.contains(agent.venHref()) || persisted == null
                || Duration.between(persisted, next.at()).compareTo(heartbeatTimeout.dividedBy(2)) >= 0) {
            persistStatus(agent, next);
        }
    }

    private void persistStatus(Agent agent, Heartbeat hb) {
        store.writeVoid(() -> store.objects().get(agent.org(), VEN, agent.venHref()).ifPresent(b -> {
            ObjectNode ven = (ObjectNode) Json.parse(b);
            ven.put("last_heartbeat_on", Json.format(hb.at()));
            ven.put("security_policy_sync_state", hb.syncState());
            ven.put("applied_hash", hb.appliedHash());
            ven.set("agent_health", hb.health());
            ven.putArray("conditions");
            store.objects().put(agent.org(), VEN, agent.venHref(), ven, null);
        }));
        persistedAt.put(agent.venHref(), hb.at());
        missed.remove(agent.venHref());
    }

    /** {@code [{"event_type","status","severity"?,"info"}]} from the VEN into the org's events. */
    public void agentEvents(Agent agent, JsonNode body) {
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

    /**
     * The VEN's reported state, except that "applied" becomes "syncing" while this node has served it a policy it
     * has not yet reported applied (a provision it is fetching or applying right now).
     */
    private String syncState(String venHref, Heartbeat hb) {
        String sent = served.get(venHref);
        if ("applied".equals(hb.syncState()) && sent != null && !sent.equals(hb.appliedHash())) return "syncing";
        return hb.syncState();
    }

    /** The computed {@code agent} of a managed workload: sync state, last heartbeat, health. */
    public ObjectNode agentStatus(int org, String venHref) {
        ObjectNode agent = Json.object();
        ObjectNode status = agent.putObject("status");
        JsonNode ven = store.objects().get(org, VEN, venHref).map(Json::parse).orElse(Json.object());
        Heartbeat hb = newest(heartbeats.get(venHref), ven);
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
        Heartbeat hb = newest(heartbeats.get(Json.text(v, "href")), stored);
        if (hb != null) {
            v.put("last_heartbeat_on", Json.format(hb.at()));
            v.put("security_policy_sync_state", syncState(Json.text(v, "href"), hb));
            v.put("applied_hash", hb.appliedHash());
            v.set("agent_health", hb.health());
        }
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

    // ---- admin operations on VENs ----

    /** {@code PUT /orgs/{org}/vens/{uuid}} {@code {"status": "active"|"suspended"}}. */
    public void update(int org, String venHref, JsonNode body, Principal by) {
        if (body == null || !body.isObject()) throw ApiException.invalid("invalid_body", "Send {\"status\": \"suspended\"}.");
        Json.onlyFields(body, Set.of("status", "name", "description"), "VEN");
        String status = Json.text(body, "status");
        if (status != null && !status.equals("active") && !status.equals("suspended")) {
            throw ApiException.invalid("invalid_ven_status", "A VEN's status is active or suspended, not '" + status + "'.");
        }
        store.writeVoid(() -> {
            ObjectNode before = (ObjectNode) Json.parse(store.objects().get(org, VEN, venHref)
                    .orElseThrow(() -> ApiException.notFound("No VEN " + venHref + ".")));
            ObjectNode after = before.deepCopy();
            body.fields().forEachRemaining(e -> after.set(e.getKey(), e.getValue()));
            after.put("updated_at", Json.now(clock));
            after.set("updated_by", by.ref());
            store.objects().put(org, VEN, venHref, after, null);
            events.record(org, "ven.update", "info", "success", by.eventActor(),
                    List.of(Events.updated(venHref, before, after)), null);
        });
        forget(venHref);
        release(Set.of(venHref));
        cluster.publish(Change.ven(venHref));
    }

    /**
     * Unpairs VENs ({@code PUT /orgs/{org}/vens/unpair}, and {@code DELETE /orgs/{org}/vens/{uuid}} with
     * {@code default}): each VEN and its managed workload go away at once, in one transaction (all or none). The
     * agent token is kept as a tombstone: the VEN's next request (a parked long poll is answered at once) gets
     * {@code 401} with the token {@code ven_unpaired_saved|default}, and the VEN then restores its firewall that way,
     * forgets its pairing and stops. A VEN that is offline learns it when it comes back.
     */
    public void unpair(int org, List<String> venHrefs, String firewallRestore, Principal by) {
        if (!UNPAIR_RESTORES.contains(firewallRestore)) {
            throw ApiException.invalid("invalid_firewall_restore", "firewall_restore is 'saved' (the firewall as it was"
                    + " before activation) or 'default' (Cordon's rules removed, the host open), not '" + firewallRestore + "'.");
        }
        if (venHrefs.isEmpty()) throw ApiException.invalid("vens_required", "Name the VENs to unpair: {\"vens\": [{\"href\": ...}]}.");
        if (venHrefs.size() > MAX_UNPAIR) {
            throw ApiException.invalid("too_many_vens", "At most " + MAX_UNPAIR + " VENs per unpair request, not "
                    + venHrefs.size() + ": split the list.");
        }
        String at = Json.now(clock);
        store.writeVoid(() -> {
            List<dev.cordon.policy.validate.ValidationError> problems = new java.util.ArrayList<>();
            for (String venHref : new LinkedHashSet<>(venHrefs)) {
                Optional<String> venText = store.objects().get(org, VEN, venHref);
                if (venText.isEmpty()) {
                    problems.add(new dev.cordon.policy.validate.ValidationError("ven_not_found", "No VEN " + venHref
                            + " in org " + org + " (already unpaired?): GET /orgs/" + org + "/vens lists them."));
                    continue;
                }
                JsonNode ven = Json.parse(venText.get());
                String workload = ven.path("workload").path("href").asText();
                List<String> users = dev.cordon.pce.objects.PolicyObjectChecks.usersOf(store, policy, org, workload);
                if (!users.isEmpty()) {
                    problems.add(new dev.cordon.policy.validate.ValidationError("workload_in_use", "The workload of VEN "
                            + venHref + " is named by " + String.join(", ", users) + ": remove those references first."));
                    continue;
                }
                store.objects().delete(org, VEN, venHref);
                String tokenHref = venHref + "/token";
                store.objects().get(org, AGENT_TOKEN, tokenHref).ifPresent(text -> {
                    ObjectNode tomb = (ObjectNode) Json.parse(text);
                    tomb.putObject("unpaired").put("firewall_restore", firewallRestore).put("at", at);
                    store.objects().put(org, AGENT_TOKEN, tokenHref, tomb, store.objects().lookupOf(org, AGENT_TOKEN, tokenHref).orElse(null));
                });
                JsonNode w = store.objects().get(org, Kind.WORKLOAD.kind(), workload).map(Json::parse).orElse(null);
                store.objects().delete(org, Kind.WORKLOAD.kind(), workload);
                events.record(org, "ven.unpair", "info", "success", by.eventActor(),
                        List.of(Events.deleted(venHref, ven), Events.deleted(workload, w)),
                        Json.object().put("firewall_restore", firewallRestore));
            }
            if (!problems.isEmpty()) throw ApiException.invalid(problems);
        });
        for (String venHref : venHrefs) {
            forget(venHref);
            heartbeats.remove(venHref);
            cluster.publish(Change.ven(venHref));
        }
        release(Set.copyOf(venHrefs));
        policy.liveChanged();
    }

    /** Answers the parked long polls of these VENs at once ("no change"), so their next request learns their status. */
    private void release(Set<String> venHrefs) {
        for (Waiter w : waiting.keySet()) {
            if (venHrefs.contains(w.agent().venHref())) w.future().complete(null);
        }
    }

    private void forget(String venHref) {
        served.remove(venHref);
        tokens.values().removeIf(a -> a.venHref().equals(venHref));
    }

    // ---- housekeeping ----

    private void checkHeartbeatsQuietly() {
        try {
            checkHeartbeats();
        } catch (RuntimeException e) {
            LOG.warn("heartbeat check failed: {}", e.getMessage());
        }
    }

    /** Marks active VENs silent for longer than the timeout with a condition and one event per episode. */
    public int checkHeartbeats() {
        Instant now = clock.instant();
        int marked = 0;
        for (Row r : store.objects().all(1, VEN)) {
            ObjectNode ven = (ObjectNode) Json.parse(r.body());
            if (!"active".equals(Json.text(ven, "status")) || ven.path("conditions").size() > 0) continue;
            Heartbeat hb = newest(heartbeats.get(r.href()), ven);
            String lastText = hb != null ? Json.format(hb.at())
                    : Optional.ofNullable(Json.text(ven, "last_heartbeat_on")).orElse(Json.text(ven, "created_at"));
            Instant last = Instant.parse(lastText);
            if (Duration.between(last, now).compareTo(heartbeatTimeout) <= 0) continue;
            boolean marks = store.write(() -> {
                // another PCE node may have marked it, or heard from it, since the read above
                ObjectNode current = store.objects().get(1, VEN, r.href()).map(b -> (ObjectNode) Json.parse(b)).orElse(null);
                if (current == null || !"active".equals(Json.text(current, "status")) || current.path("conditions").size() > 0) {
                    return false;
                }
                String storedAt = Json.text(current, "last_heartbeat_on");
                if (storedAt != null && Instant.parse(storedAt).isAfter(last)) return false;
                ObjectNode cond = Json.object().put("type", "agent.missed_heartbeats")
                        .put("first_reported_timestamp", Json.format(now)).put("last_heartbeat_on", lastText);
                current.putArray("conditions").add(cond);
                store.objects().put(1, VEN, r.href(), current, null);
                missed.add(r.href());
                ObjectNode actor = Json.object();
                actor.putObject("agent").put("href", r.href()).put("hostname", Json.text(current, "hostname"));
                events.record(1, "agent.missed_heartbeats", "warning", "failure", actor, List.of(),
                        Json.object().put("last_heartbeat_on", lastText)
                                .put("timeout_seconds", heartbeatTimeout.toSeconds()));
                return true;
            });
            if (marks) {
                marked++;
                cluster.publish(Change.missed(r.href()));
            }
        }
        return marked;
    }
}
