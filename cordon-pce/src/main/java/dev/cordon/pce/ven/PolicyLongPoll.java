package dev.cordon.pce.ven;

import dev.cordon.pce.cluster.Change;
import dev.cordon.pce.policy.ActiveEngine;
import dev.cordon.policy.Engine;
import dev.cordon.policy.compile.CompiledOrg.PolicyBasis;
import dev.cordon.policy.compile.Endpoint;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.WorkloadRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy long poll ({@code GET /api/v2/ven/policy}): the answer to a VEN's poll, the parked polls of VENs that
 * hold the current policy, and waking them when their policy changes.
 *
 * <p>Long polls hold no thread: a poll whose VEN already has the current policy parks a {@link CompletableFuture}
 * in {@link #waiting} (bounded by {@link ParkedPolls}); {@link #timers} completes it with "no change" when its wait
 * ends. Every change that may alter compiled policy (provision, restore, label or workload write: {@link
 * #policyChanged}) queues one re-check pass on {@link #recheck}; passes coalesce, so a burst of changes costs one
 * pass. Each pass takes the active {@link Engine} (cached per active version and live generation; {@code compileAll}
 * is cached inside it) and completes every waiter whose policy hash changed. Compiled policies with the control
 * plane added are cached per (engine, workload, endpoint) in {@link #compiled}, and so is the body of the response
 * that carries one, built from a part serialised once per policy class and endpoint ({@link PolicyResponses}).
 *
 * <p>Threads and what guards what:
 * <ul>
 *   <li>{@link #waiting}, {@link #served}: concurrent maps; request threads add (poll), the completing thread
 *       (timer, waker, request thread of a superseding poll) removes through the future's completion callback.
 *   <li>{@link #compiled}, {@link #responses}, {@link #compiledFor}: read by request and waker threads; replacing
 *       the engine (clearing both caches) happens under {@code synchronized (compiled)}, so a cache never mixes
 *       engines; an entry built for an engine that was replaced meanwhile is not stored.
 *   <li>{@link #recheckQueued}: the coalescing flag; set by whoever reports a change, cleared by the recheck thread
 *       before its pass, so a change during a pass queues one more.
 *   <li>{@link #wakers}: completing a waiter writes its HTTP response on the completing thread, so a provision that
 *       wakes 10,000 polls spreads them over this pool instead of the single recheck thread.
 * </ul>
 */
public final class PolicyLongPoll implements AutoCloseable {
    public static final int DEFAULT_MAX_PARKED_POLLS = 20_000;
    public static final int DEFAULT_MAX_PARKED_POLLS_PER_VEN = 2;
    private static final Logger LOG = LoggerFactory.getLogger(PolicyLongPoll.class);

    private final ActiveEngine policy;
    private final List<Endpoint> advertised;
    private final ParkedPolls parked;
    private final Map<Waiter, Boolean> waiting = new ConcurrentHashMap<>();
    /** The hash of the last policy this node sent each VEN (a 200 answer), to tell "applied" from "fetching". */
    private final Map<String, String> served = new ConcurrentHashMap<>();
    private final Map<String, Compiled> compiled = new ConcurrentHashMap<>();
    private final PolicyResponses responses = new PolicyResponses();
    private volatile Engine compiledFor;
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1, daemon("cordon-ven-timer"));
    private final ExecutorService recheck = Executors.newSingleThreadExecutor(daemon("cordon-ven-recheck"));
    private final ExecutorService wakers = Executors.newFixedThreadPool(
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), daemon("cordon-ven-wake"));
    private final AtomicBoolean recheckQueued = new AtomicBoolean();
    /** How many changes {@link #policyChanged} has been told of; a poll compares it around registering. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

    /** A parked poll; {@code basis} is what its known hash was computed from (name and class body digest). */
    private record Waiter(Agent agent, String knownHash, Endpoint endpoint, PolicyBasis basis,
                          CompletableFuture<byte[]> future) {}

    /**
     * A workload's policy from one engine as a VEN sees it: its hash and basis, and the response body once one
     * needed it. No {@link FirewallPolicy} is built per workload: the hash comes from the basis ({@link
     * FirewallPolicy#hashOf}) and the body from the class's shared bytes ({@link PolicyResponses}), so 12,500 woken
     * VENs of one class cost one policy build and 12,500 small hashes.
     */
    private static final class Compiled {
        final Engine engine;
        final WorkloadRef workload;
        final long version;
        final List<Endpoint> controlPlane;
        final String hash;
        final PolicyBasis basis;
        volatile byte[] json;

        Compiled(Engine engine, WorkloadRef workload, long version, List<Endpoint> controlPlane, PolicyBasis basis) {
            this.engine = engine;
            this.workload = workload;
            this.version = version;
            this.controlPlane = controlPlane;
            this.basis = basis;
            this.hash = FirewallPolicy.hashOf(workload, basis.bodyDigest(), controlPlane);
        }
    }

    /**
     * {@code advertised}: the PCE endpoints every VEN's policy lets it reach (operator-given, the same on every
     * node); empty: the endpoint each request arrived on. {@code maxParked}, {@code maxParkedPerVen}: the bounds of
     * parked long polls ({@link ParkedPolls}).
     */
    public PolicyLongPoll(ActiveEngine policy, List<Endpoint> advertised, int maxParked, int maxParkedPerVen) {
        this.policy = policy;
        this.advertised = List.copyOf(advertised);
        this.parked = new ParkedPolls(maxParked, maxParkedPerVen);
    }

    /**
     * The body of the VEN's policy response ({@code FirewallPolicy} JSON) now; completes with null when the known
     * hash is current and the wait ends.
     */
    public CompletableFuture<byte[]> poll(Agent agent, String knownHash, int waitSeconds, Endpoint endpoint) {
        long seen = changes.get(); // before the first look-up: a change reported after it moves the count
        Compiled now = compiledFor(agent, endpoint);
        if (!now.hash.equals(knownHash) || waitSeconds <= 0) {
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
        // a change between the first check and registering must not be missed. Every change that may alter compiled
        // policy is reported through policyChanged, which moves the count before it queues a pass; a change reported
        // after registering finds this waiter in that pass. So only a moved count needs the second look-up, which on a
        // node sharing PostgreSQL reads the live stamps again: 25,000 VENs parking after a provision made 50,000
        // such reads instead of 25,000, and exhausted the pool of 10 connections under load.
        if (changes.get() != seen) {
            Compiled again = compiledFor(agent, endpoint);
            byte[] changed = answer(agent, again, knownHash);
            if (changed != null) w.future().complete(changed);
        }
        return w.future();
    }

    /**
     * The workload's compiled policy from the active version; its control plane is the advertised endpoints, or
     * (none advertised) the endpoint the request arrived on.
     */
    public FirewallPolicy policyFor(Agent agent, Endpoint endpoint) {
        Compiled c = compiledFor(agent, endpoint);
        return c.engine.compile(c.workload.href(), c.version, c.controlPlane);
    }

    /** How many policy polls are parked on this node (tests, benchmarks). */
    public int parkedPolls() {
        return parked.total();
    }

    public int waitingCount() {
        return waiting.size();
    }

    /**
     * How many engines of versions provisioned on another node this node took built before the commit instead of
     * building them after it ({@code policy.Prebuilds}; tests, benchmarks).
     */
    public long prebuiltEngines() {
        return policy.prebuiltTaken();
    }

    /** The hash of the policy this node last sent the VEN, or null (the heartbeat view tells "syncing" by it). */
    public String lastServed(String venHref) {
        return served.get(venHref);
    }

    /** Forgets what this node sent the VEN (it was suspended, reactivated or unpaired). */
    void forget(String venHref) {
        served.remove(venHref);
    }

    /** Answers the parked long polls of these VENs at once ("no change"), so their next request learns their status. */
    void release(Set<String> venHrefs) {
        for (Waiter w : waiting.keySet()) {
            if (venHrefs.contains(w.agent().venHref())) w.future().complete(null);
        }
    }

    /** Another node suspended, reactivated or unpaired a VEN: forget what was sent it and answer its polls. */
    public void changed(Change c) {
        if (c.type() == Change.Type.VEN) {
            forget(c.href());
            release(Set.of(c.href()));
        }
    }

    /** Compiled policy may have changed (a provision, restore, label or workload write): re-check the waiters. */
    public void policyChanged() {
        changes.incrementAndGet();
        if (recheckQueued.compareAndSet(false, true)) {
            recheck.execute(() -> {
                recheckQueued.set(false);
                recheckWaiters();
            });
        }
    }

    private Compiled compiledFor(Agent agent, Endpoint endpoint) {
        return compiledFor(agent, endpoint, policy.activeEngine(agent.org()), null);
    }

    /**
     * The workload's compiled policy from {@code engine} (the active one, as taken by the caller); {@code basis}: its
     * basis in that engine if the caller has it, else null.
     */
    private Compiled compiledFor(Agent agent, Endpoint endpoint, Engine engine, PolicyBasis basis) {
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
            List<Endpoint> controlPlane = advertised.isEmpty() ? List.of(endpoint) : advertised;
            PolicyBasis b = basis != null ? basis : engine.compileAll().basisOf(agent.workloadHref());
            if (b == null) {
                // unmanaged or unknown here: compiling says which, with its token
                engine.compile(agent.workloadHref(), version, controlPlane);
                throw new IllegalStateException("no policy basis for " + agent.workloadHref());
            }
            c = new Compiled(engine, new WorkloadRef(agent.workloadHref(), b.name()), version, controlPlane, b);
            if (engine == compiledFor) compiled.put(key, c);
        }
        return c;
    }

    /**
     * The body to send a VEN that holds {@code knownHash}, or null when {@code c} is what it holds; what is sent is
     * remembered (the sync state tells "served, not yet applied" from "applied").
     */
    private byte[] answer(Agent agent, Compiled c, String knownHash) {
        if (c.hash.equals(knownHash)) return null;
        served.put(agent.venHref(), c.hash);
        return json(c);
    }

    /** The response body of a compiled policy, built on first need (most polls answer "no change" and need none). */
    private byte[] json(Compiled c) {
        byte[] j = c.json;
        if (j == null) {
            j = responses.json(c.workload, c.version, c.hash, c.basis.bodyDigest(), c.controlPlane,
                    () -> c.engine.compile(c.workload.href(), c.version, c.controlPlane));
            c.json = j;
        }
        return j;
    }

    /**
     * One pass over the parked polls, in slices on the waker pool. A slice first finds the new response body of each
     * of its waiters whose policy changed, then answers them all: finding is CPU work without I/O, answering is one
     * write each, and kept apart neither waits behind the other on a shared core. A waiter whose workload kept its
     * name and class body digest (the usual case after one relabel) is skipped without building its policy.
     */
    private void recheckWaiters() {
        List<Waiter> all = new ArrayList<>(waiting.keySet());
        // the active engine is taken once per org for the whole pass: on a node sharing PostgreSQL every look-up
        // reads the live stamps from the database, and 12,500 waiters made 25,000 queries per pass. A change after
        // this point queues another pass, which takes the newer engine.
        Map<Integer, Engine> engines = new ConcurrentHashMap<>();
        int slices = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        List<Future<?>> done = new ArrayList<>();
        for (int s = 0; s < slices; s++) {
            int from = s;
            done.add(wakers.submit(() -> {
                List<Waiter> changed = new ArrayList<>();
                List<byte[]> answers = new ArrayList<>();
                for (int i = from; i < all.size(); i += slices) {
                    Waiter w = all.get(i);
                    byte[] answer = changedAnswer(w, engines);
                    if (answer != null) {
                        changed.add(w);
                        answers.add(answer);
                    }
                }
                for (int i = 0; i < changed.size(); i++) changed.get(i).future().complete(answers.get(i));
            }));
        }
        for (Future<?> f : done) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                LOG.warn("recheck failed: {}", e.getCause().toString());
            }
        }
    }

    /** The response body for a waiter whose policy hash changed, or null when it did not. */
    private byte[] changedAnswer(Waiter w, Map<Integer, Engine> engines) {
        try {
            Engine engine = engines.computeIfAbsent(w.agent().org(), policy::activeEngine);
            PolicyBasis now = engine.compileAll().basisOf(w.agent().workloadHref());
            if (w.basis().equals(now)) return null;
            Compiled c = compiledFor(w.agent(), w.endpoint(), engine, now);
            return answer(w.agent(), c, w.knownHash());
        } catch (RuntimeException e) {
            LOG.warn("cannot compile policy for {}: {}", w.agent().workloadHref(), e.getMessage());
            return null;
        }
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops the threads and answers every parked poll "no change" (the node is stopping). */
    @Override
    public void close() {
        timers.shutdownNow();
        recheck.shutdownNow();
        wakers.shutdownNow();
        waiting.keySet().forEach(w -> w.future().complete(null));
    }
}
