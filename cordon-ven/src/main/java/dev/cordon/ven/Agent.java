package dev.cordon.ven;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.dataplane.DataplaneException;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.protocol.ActivationRequest;
import dev.cordon.protocol.AgentEvent;
import dev.cordon.protocol.Goodbye;
import dev.cordon.protocol.Health;
import dev.cordon.protocol.Heartbeat;
import dev.cordon.ven.enforce.AppliedSnapshot;
import dev.cordon.ven.enforce.Enforcer;
import dev.cordon.ven.enforce.FirewallRestore;
import dev.cordon.ven.enforce.TamperChange;
import dev.cordon.ven.flows.FlowService;
import dev.cordon.ven.host.HostInfo;
import dev.cordon.ven.host.LegacySettings;
import dev.cordon.ven.pce.Activation;
import dev.cordon.ven.pce.PceClient;
import dev.cordon.ven.pce.PceException;
import dev.cordon.ven.state.Identity;
import dev.cordon.ven.state.StateDir;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VEN: keeps the host firewall at the policy the PCE computed for this workload, and tells the PCE how that
 * is going.
 *
 * <p><b>Desired vs actual.</b> The desired state is the newest policy the PCE served; the actual state is what the
 * {@link Enforcer} read back after its last apply. The agent never edits the firewall piecemeal: it hands a whole
 * policy to the enforcer, which applies it atomically per table or not at all.
 *
 * <p><b>Invariants.</b>
 * <ol>
 *   <li>Something is always enforced once anything was: a failed apply leaves the last good policy in force (sync
 *       state {@code error}, an {@code agent.refresh_policy} failure event carrying the kernel's message); the
 *       PCE being unreachable changes nothing on the host.</li>
 *   <li>On start the last good policy from the state directory is re-applied <em>before</em> the PCE is contacted,
 *       so a restart never opens the host, even while the PCE is down.</li>
 *   <li>The state directory only ever holds a policy that was applied successfully, written atomically after the
 *       apply; a crash at any instant leaves either the previous or the new file.</li>
 *   <li>The long poll sends the hash of the last policy <em>received</em> (applied or refused), so a refused policy
 *       is not fetched and re-tried in a tight loop; a provision that changes it is fetched at once.</li>
 *   <li>Tampering is checked every {@code tamperInterval} and at once when the kernel announces someone else's
 *       change to the firewall ({@link Enforcer#watch}); a change is repaired by re-applying the snapshot's
 *       policy and reported as one {@code agent.tampering} event naming each change and whether the repair held.</li>
 *   <li>Apply, repair and state writes are serialised by one lock, so the tamper watch never compares against a
 *       snapshot an apply is replacing.</li>
 * </ol>
 *
 * <p><b>Stopping.</b> {@link #stopGracefully()} (what {@code cordon ven} does on SIGTERM, Ctrl-C or the host shutting
 * down) ends the loops and then sends one goodbye, so the PCE applies the goodbye timer rather than the disconnected
 * one; the goodbye goes after the heartbeat loop has ended, so no heartbeat follows it and undoes it. {@link #stop()}
 * ends the loops without a goodbye, which is what a crash or a lost network looks like to the PCE. Neither touches
 * the firewall.
 *
 * <p><b>Threads.</b> {@link #run()} runs the policy sync on the calling thread and starts two daemons: the tamper
 * watch and the reporter (heartbeats and events; woken at once by any state change, otherwise every
 * {@code heartbeatInterval}). Every step is also a public method ({@link #restoreLastGood()},
 * {@link #ensureActivated()}, {@link #syncOnce()}, {@link #watchOnce()}, {@link #reportOnce()}) so tests drive the
 * loop step by step with a fake enforcer and a fake PCE, without root and without sleeping.
 */
public final class Agent {
    /** The version this VEN reports at activation. */
    public static final String VERSION = "0.1.0";
    static final int MAX_QUEUED_EVENTS = 1000;
    static final int EVENTS_PER_UPLOAD = 100;
    static final int MAX_REPAIRS = 3;
    /**
     * How long a graceful stop waits for the PCE to take the goodbye: the host may be shutting down, and a PCE that
     * is away must not hold that up (the shutdown hook waits 10 s for the whole stop).
     */
    public static final Duration GOODBYE_WITHIN = Duration.ofSeconds(3);
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final AgentConfig cfg;
    private final PceClient pce;
    private final Enforcer enforcer;
    private final Supplier<HostInfo> host;
    private final StateDir state;
    private final Sleeper sleeper;
    private final Function<FirewallPolicy, FlowService> flowStarter;
    private volatile FlowService flows;

    private final Object lock = new Object();
    private final Deque<AgentEvent> outbox = new ArrayDeque<>();
    private final Semaphore wake = new Semaphore(0);
    /** Released by the enforcer's change watch: someone changed the firewall, check now. */
    private final Semaphore tamperKick = new Semaphore(0);
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    /** Started by run(), interrupted by stop() from another thread: a copy-on-write list, iterated while run() adds and clears. */
    private final List<Thread> daemons = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Identity identity;
    private volatile FirewallPolicy lastGood;
    private volatile String receivedHash;
    private volatile SyncState sync = SyncState.SYNCING;
    private volatile List<Health> health = List.of();
    private volatile boolean running;
    private volatile Thread runner;
    /** Set by {@link #stopGracefully()}: {@link #run()} says goodbye once its loops have ended. */
    private volatile boolean goodbyeOnStop;
    /** The PCE unpaired this VEN: it has nobody to say goodbye to. */
    private volatile boolean unpaired;
    /** The report daemon (heartbeats), once started: the goodbye waits for it to end. */
    private volatile Thread reporter;
    private boolean legacyChecked;
    private int pceFailures;

    public Agent(AgentConfig cfg, PceClient pce, Enforcer enforcer, Supplier<HostInfo> host, StateDir state,
                 Sleeper sleeper) {
        this(cfg, pce, enforcer, host, state, sleeper, null);
    }

    /**
     * With traffic reporting: {@code flowStarter} starts it (given the policy in force, or null) once the VEN is
     * activated; null means none.
     */
    public Agent(AgentConfig cfg, PceClient pce, Enforcer enforcer, Supplier<HostInfo> host, StateDir state,
                 Sleeper sleeper, Function<FirewallPolicy, FlowService> flowStarter) {
        this.flowStarter = flowStarter;
        this.cfg = cfg;
        this.pce = pce;
        this.enforcer = enforcer;
        this.host = host;
        this.state = state;
        this.sleeper = sleeper;
    }

    // ---- the loop ----

    /**
     * Runs until {@link #stop()}: deprecated-settings notice, last good policy back in force, activation (retried
     * while the PCE is unreachable), then the sync loop here and the tamper and report loops on daemon threads.
     *
     * @throws AgentException when the VEN cannot go on (activation refused, certificate mismatch)
     */
    public void run() {
        running = true;
        runner = Thread.currentThread();
        try {
            checkLegacySettings();
            restoreLastGood();
            activateWithRetry();
            if (!running) return;
            startFlows();
            daemon("cordon-ven-tamper", this::tamperLoop);
            reporter = daemon("cordon-ven-report", this::reportLoop);
            syncLoop();
        } finally {
            running = false;
            stopSignal.countDown();
            wake.release();
            synchronized (lock) {
                // from here on stop() no longer interrupts this thread (it interrupts the runner to end a long
                // poll): the joins and the goodbye below must be able to wait
                runner = null;
                for (Thread t : daemons) t.interrupt();
            }
            boolean interrupted = Thread.interrupted();
            // the goodbye first, as soon as the report loop has ended (so no heartbeat follows it and undoes it):
            // the shutdown hook waits a bounded time for all of this, and the rest may take that long under load
            Thread r = reporter;
            if (r != null) interrupted |= join(r, 5000);
            if (goodbyeOnStop && !unpaired && identity != null) sayGoodbye();
            for (Thread t : daemons) interrupted |= join(t, 5000);
            daemons.clear();
            FlowService f = flows;
            flows = null;
            if (f != null) f.close();
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code ms} for {@code t} to end, also through interrupts; true when one came (to keep it). */
    private static boolean join(Thread t, long ms) {
        boolean interrupted = false;
        long end = System.nanoTime() + ms * 1_000_000L;
        while (t.isAlive()) {
            long left = (end - System.nanoTime()) / 1_000_000L;
            if (left <= 0) break;
            try {
                t.join(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    /**
     * Tells the PCE this VEN is going away on purpose ({@link Goodbye}), waiting at most {@link #GOODBYE_WITHIN};
     * true when the PCE took it. A PCE that is away or refuses only costs a log line: the PCE then judges the
     * silence by the disconnected timer, as after a crash.
     */
    public boolean sayGoodbye() {
        try {
            pce.goodbye(new Goodbye(Goodbye.SHUTDOWN, lastGoodHash()), GOODBYE_WITHIN);
            log.info("said goodbye to the PCE; the firewall stays at policy {}", lastGoodHash());
            return true;
        } catch (PceException e) {
            log.warn("could not say goodbye to the PCE ({}); it will judge this VEN by its disconnected timer",
                    e.getMessage());
            return false;
        }
    }

    /** Traffic reporting is an addition: when it cannot start, enforcement goes on without it. */
    private void startFlows() {
        if (flowStarter == null) return;
        try {
            flows = flowStarter.apply(lastGood);
        } catch (RuntimeException e) {
            log.warn("traffic reporting is off: {}", e.getMessage());
        }
    }

    /**
     * Asks {@link #run()} to return; the firewall stays as it is (stopping the VEN never opens the host). Threads
     * are interrupted only while holding the apply lock: interrupting a thread that is running
     * {@code iptables-restore} would kill the tool and its rollback, so an apply or repair in progress is always
     * allowed to finish first, and none starts once the agent is stopping.
     */
    public void stop() {
        running = false;
        stopSignal.countDown();
        wake.release();
        tamperKick.release();
        synchronized (lock) {
            Thread t = runner;
            if (t != null && t != Thread.currentThread()) t.interrupt();
            for (Thread d : daemons) d.interrupt();
        }
    }

    /**
     * Stops as {@link #stop()} does, then says goodbye to the PCE once the loops have ended ({@link #run()} sends it
     * on its way out). What the shutdown hook of {@code cordon ven} calls.
     */
    public void stopGracefully() {
        goodbyeOnStop = true;
        stop();
    }

    public boolean running() {
        return running;
    }

    private Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name + (cfg.netns() == null ? "" : "-" + cfg.netns()));
        t.setDaemon(true);
        daemons.add(t);
        t.start();
        return t;
    }

    private void activateWithRetry() {
        int failures = 0;
        while (running) {
            try {
                ensureActivated();
                return;
            } catch (PceException e) {
                if (!e.transientFailure()) {
                    throw new AgentException("activation failed: " + e.getMessage(), e);
                }
                failures++;
                Duration d = e.delay(cfg.backoff(failures));
                log.warn("activation: {}; retrying in {} ms", e.getMessage(), d.toMillis());
                if (!pause(d)) return;
            }
        }
    }

    private void syncLoop() {
        while (running) {
            try {
                long t0 = System.nanoTime();
                boolean received = syncOnce().isPresent();
                if (pceFailures > 0) log.info("the PCE answers again after {} failed polls", pceFailures);
                pceFailures = 0;
                // a PCE that answers "no change" at once (no long poll) must not be polled in a tight loop
                if (!received && running && System.nanoTime() - t0 < 100_000_000L && !pause(cfg.backoffMin())) return;
            } catch (PceException e) {
                if (e.kind() == PceException.Kind.UNPAIRED) {
                    unpairAsTold(e);
                    return;
                }
                pceFailures++;
                Duration d = e.delay(cfg.backoff(pceFailures));
                if (!running) return;
                if (e.kind() == PceException.Kind.UNAUTHORIZED || e.kind() == PceException.Kind.CERTIFICATE) {
                    log.error("policy poll refused: {}; still enforcing policy {}; retrying in {} ms",
                            e.getMessage(), lastGoodHash(), d.toMillis());
                } else if (pceFailures == 1 || pceFailures % 10 == 0) {
                    log.warn("policy poll failed ({} in a row): {}; still enforcing policy {}; retrying in {} ms",
                            pceFailures, e.getMessage(), lastGoodHash(), d.toMillis());
                }
                if (!pause(d)) return;
            } catch (RuntimeException e) {
                pceFailures++;
                log.error("policy sync failed unexpectedly; still enforcing policy {}", lastGoodHash(), e);
                if (!pause(cfg.backoff(pceFailures))) return;
            }
        }
    }

    /**
     * Checks every {@code tamperInterval} (the safety poll) and at once when the kernel announces someone else's
     * change ({@link Enforcer#watch}): the check, not the announcement, decides what is tampering.
     */
    private void tamperLoop() {
        AutoCloseable watch = null;
        try {
            watch = enforcer.watch(tamperKick::release);
        } catch (RuntimeException e) {
            log.warn("no change notifications ({}); tampering is found by the {} ms poll", e.getMessage(),
                    cfg.tamperInterval().toMillis());
        }
        try {
            while (running) {
                try {
                    watchOnce();
                } catch (RuntimeException e) {
                    log.warn("tamper check failed: {}", e.getMessage());
                }
                if (!awaitTamperCheck(cfg.tamperInterval())) return;
            }
        } finally {
            if (watch != null) {
                try {
                    watch.close();
                } catch (Exception e) {
                    log.debug("closing the change watch: {}", e.getMessage());
                }
            }
        }
    }

    /** Waits for the next tamper check: the poll interval, or a change notification (real time only). */
    private boolean awaitTamperCheck(Duration d) {
        if (sleeper != Sleeper.REAL) return pause(d);
        try {
            if (tamperKick.tryAcquire(d.toMillis(), TimeUnit.MILLISECONDS)) tamperKick.drainPermits();
        } catch (InterruptedException e) {
            return running;
        }
        return running;
    }

    private void reportLoop() {
        int failures = 0;
        Duration told = null;
        while (running) {
            try {
                reportOnce();
                failures = 0;
            } catch (PceException e) {
                if (e.kind() == PceException.Kind.UNPAIRED) {
                    unpairAsTold(e);
                    return;
                }
                failures++;
                told = e.retryAfter();
                if (failures == 1 || failures % 10 == 0) {
                    log.warn("heartbeat/events failed ({} in a row): {}; {} events queued", failures, e.getMessage(),
                            queuedEvents());
                }
            } catch (RuntimeException e) {
                failures++;
                log.warn("reporting failed unexpectedly", e);
            }
            Duration wait = failures == 0 ? cfg.heartbeatInterval() : cfg.backoff(failures);
            if (failures > 0 && told != null && told.compareTo(wait) > 0) wait = told;
            try {
                if (wake.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Sleeps through the injected sleeper (real time: until stopped); false when the agent was stopped meanwhile. */
    private boolean pause(Duration d) {
        try {
            if (sleeper == Sleeper.REAL) stopSignal.await(d.toMillis(), TimeUnit.MILLISECONDS);
            else sleeper.sleep(d);
        } catch (InterruptedException e) {
            return running;
        }
        return running;
    }

    // ---- the steps ----

    /**
     * The PCE answered that an admin unpaired this VEN: take Cordon's rules away, restore the firewall as asked
     * ({@code saved} falls back to {@code default} when nothing was saved), forget the pairing and stop. Nothing is
     * applied or repaired after this (the agent is stopping before the lock is released). Returns true when the
     * firewall was restored; when the kernel refuses, the last policy stays in force and the agent stops anyway,
     * since the PCE no longer serves it.
     */
    public boolean unpairAsTold(PceException told) {
        FirewallRestore restore = told.firewallRestore() == null ? FirewallRestore.DEFAULT : told.firewallRestore();
        boolean done;
        synchronized (lock) {
            if (stopping()) return false;
            unpaired = true;
            running = false;
            stopSignal.countDown();
            wake.release();
            if (restore == FirewallRestore.SAVED && state.firewallBefore().isEmpty()) {
                log.warn("no firewall was saved in {} before activation; restoring default", state.dir());
                restore = FirewallRestore.DEFAULT;
            }
            String how = restore.name().toLowerCase(java.util.Locale.ROOT);
            try {
                Unpair.perform(enforcer, state, restore);
                lastGood = null;
                receivedHash = null;
                log.warn("the PCE unpaired this VEN: Cordon's rules removed, firewall restored ({}); the VEN stops;"
                        + " activate it again with a new pairing key to enforce policy", how);
                done = true;
            } catch (DataplaneException e) {
                log.error("the PCE unpaired this VEN, but restoring the firewall failed: {}; the last policy stays"
                        + " in force; run `cordon ven --unpair default` to remove it", e.getMessage());
                done = false;
            }
            // ends a long poll in flight; under the lock, so no apply is running (as in stop())
            Thread t = runner;
            if (t != null && t != Thread.currentThread()) t.interrupt();
        }
        return done;
    }

    /** Logs, once per agent, that deprecated per-host coexistence settings are ignored (SPEC §8). */
    public Optional<String> checkLegacySettings() {
        if (legacyChecked) return Optional.empty();
        legacyChecked = true;
        Optional<String> notice = LegacySettings.ignoredNotice(cfg.legacyEnvFiles());
        notice.ifPresent(log::warn);
        return notice;
    }

    /**
     * Re-applies the last good policy from the state directory, before any contact with the PCE. Returns true
     * when one was applied.
     */
    public boolean restoreLastGood() {
        Optional<FirewallPolicy> saved = state.lastGoodPolicy();
        if (saved.isEmpty()) return false;
        FirewallPolicy p = saved.get();
        receivedHash = p.hash();
        synchronized (lock) {
            try {
                AppliedSnapshot snap = enforcer.apply(p);
                state.writeAppliedSnapshot(snap.json());
                lastGood = p;
                setSync(SyncState.APPLIED, List.of());
                log.info("restored the last good policy {} (version {}, {}) from {}", p.hash(), p.version(),
                        p.coexistence().wire(), state.dir());
                return true;
            } catch (DataplaneException e) {
                log.error("cannot restore the last good policy {} from {}: {}", p.hash(), state.dir(), e.getMessage());
                setSync(SyncState.ERROR, List.of(new Health("policy_apply", "error", e.getMessage())));
                enqueue(refreshFailure(p, e));
                return false;
            }
        }
    }

    /**
     * Makes sure this VEN is paired: uses the identity in the state directory, or activates with the activation
     * code (saving the firewall as it was first, for unpair), then stores token and pinned certificate.
     */
    public Identity ensureActivated() {
        Identity known = identity != null ? identity : state.identity().orElse(null);
        if (known != null) {
            if (cfg.pce() != null && !known.pce().equals(cfg.pce().toString())) {
                log.warn("this VEN was activated with the PCE at {}; now talking to {}", known.pce(), cfg.pce());
            }
            pce.useCredentials(known.agentToken(), known.certificateSha256());
            identity = known;
            return known;
        }
        if (cfg.activationCode() == null || cfg.activationCode().isBlank()) {
            throw new AgentException("this VEN is not activated (no " + StateDir.IDENTITY + " in " + state.dir()
                    + "): pass --activation-code CODE from a pairing profile's key");
        }
        HostInfo h = host.get();
        if (h.interfaces().isEmpty()) {
            log.warn("no global address found on {}: the workload will have no interface", h.hostname());
        }
        if (state.firewallBefore().isEmpty()) state.writeFirewallBefore(enforcer.save());
        Activation a = pce.activate(new ActivationRequest(cfg.activationCode(), h.hostname(), h.interfaces(),
                "linux", cfg.venType(), VERSION, null, enforcer.backend()));
        Identity id = new Identity(cfg.pce().toString(), a.venHref(), a.workloadHref(), a.agentToken(),
                a.certificateSha256(), h.hostname(), cfg.clock().instant().toString());
        state.writeIdentity(id);
        pce.useCredentials(a.agentToken(), a.certificateSha256());
        identity = id;
        log.info("activated as {} (workload {}), hostname {}, {} address(es){}", a.venHref(), a.workloadHref(),
                h.hostname(), h.interfaces().size(),
                a.certificateSha256() == null ? "" : ", PCE certificate pinned (SHA-256 " + a.certificateSha256() + ")");
        return id;
    }

    /**
     * One long poll: when the PCE has a policy other than the last one received, apply it. Returns the policy
     * received, if any.
     *
     * @throws PceException when the PCE cannot be asked; nothing on the host changes
     */
    public Optional<FirewallPolicy> syncOnce() {
        Optional<FirewallPolicy> p = pce.fetchPolicy(receivedHash, cfg.pollWait());
        p.ifPresent(this::applyPolicy);
        return p;
    }

    /** Applies a policy; true on success. On failure the last good policy stays in force and the PCE is told. */
    public boolean applyPolicy(FirewallPolicy p) {
        synchronized (lock) {
            if (stopping()) return false;
            receivedHash = p.hash();
            setSync(SyncState.SYNCING, health);
            long t0 = System.nanoTime();
            try {
                AppliedSnapshot snap = enforcer.apply(p);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                state.writeLastGoodPolicy(p);
                state.writeAppliedSnapshot(snap.json());
                lastGood = p;
                FlowService f = flows;
                if (f != null) f.policyApplied(p);
                setSync(SyncState.APPLIED, List.of());
                ObjectNode info = JSON.objectNode().put("policy_version", p.version()).put("policy_hash", p.hash())
                        .put("enforcement_mode", p.enforcementMode().wire())
                        .put("coexistence", p.coexistence().wire()).put("apply_ms", ms);
                enqueue(new AgentEvent(AgentEvent.REFRESH_POLICY, "success", "info", cfg.clock().instant(), info));
                log.info("applied policy {} (version {}, {}) in {} ms", p.hash(), p.version(), p.coexistence().wire(), ms);
                return true;
            } catch (DataplaneException e) {
                setSync(SyncState.ERROR, List.of(new Health("policy_apply", "error", e.getMessage())));
                enqueue(refreshFailure(p, e));
                log.error("cannot apply policy {} (version {}); policy {} stays in force: {}", p.hash(), p.version(),
                        lastGoodHash(), e.getMessage());
                return false;
            }
        }
    }

    /**
     * One tamper check: compares the firewall with the applied snapshot; on a difference, restores it and queues
     * an {@code agent.tampering} event saying what changed and whether the restore held. Returns the changes found.
     */
    public List<TamperChange> watchOnce() {
        synchronized (lock) {
            if (stopping() || enforcer.current().isEmpty()) return List.of();
            List<Health> coexistence = enforcer.coexistenceHealth();
            List<TamperChange> changes = enforcer.check();
            // a foreign firewall that appeared (or went) changes what the PCE must be told at once
            if (!enforcer.coexistenceHealth().equals(coexistence)) wake.release();
            if (changes.isEmpty()) return changes;
            ObjectNode info = JSON.objectNode();
            ArrayNode list = info.putArray("changes");
            for (TamperChange c : changes) {
                list.addObject().put("family", c.family()).put("table", c.table()).put("chain", c.chain())
                        .put("rule", c.rule()).put("kind", c.kind());
            }
            info.put("summary", summary(changes));
            AppliedSnapshot before = enforcer.current().get();
            info.put("policy_hash", before.policyHash()).put("coexistence", before.coexistence());
            boolean restored = false;
            try {
                // The repair's read-back becomes the new snapshot. A change made while the repair ran would be
                // absorbed into it, so the repaired state must equal the state before the tampering; if it does
                // not, repair again (a bounded number of times).
                AppliedSnapshot snap = null;
                for (int attempt = 1; attempt <= MAX_REPAIRS && !restored; attempt++) {
                    snap = enforcer.repair();
                    restored = snap.owned().equals(before.owned()) && enforcer.check().isEmpty();
                    if (!snap.owned().equals(before.owned())) {
                        info.put("changed_during_repair", firstDifference(before.owned(), snap.owned()));
                    }
                    if (attempt > 1) info.put("repairs", attempt);
                }
                state.writeAppliedSnapshot(enforcer.current().map(AppliedSnapshot::json).orElse(snap.json()));
                if (!restored) {
                    info.put("remaining", "the firewall kept changing while it was being restored; the next check"
                            + " compares it with the applied policy again");
                }
            } catch (DataplaneException e) {
                restored = false;
                info.put("repair_error", e.getMessage());
            }
            info.put("tampering_revert_succeeded", restored);
            info.put("restored_state", restored ? "the applied policy " + before.policyHash() + " ("
                    + before.coexistence() + ") is in force again" : "the firewall could not be restored");
            enqueue(new AgentEvent(AgentEvent.TAMPERING, restored ? "success" : "failure", "err",
                    cfg.clock().instant(), info));
            if (restored) {
                log.warn("firewall tampered ({}); restored policy {}", summary(changes), before.policyHash());
            } else {
                log.error("firewall tampered ({}); restore FAILED: {}", summary(changes), info);
                setSync(SyncState.ERROR, List.of(new Health("tampering", "error", "tampering could not be reverted: "
                        + summary(changes))));
            }
            return changes;
        }
    }

    /**
     * Sends a heartbeat (applied hash, sync state, health, and what traffic reporting does when it runs) and uploads
     * queued events, oldest first. Events stay queued until the PCE accepted them. The PCE's answer to a heartbeat
     * with traffic reporting goes to {@link FlowService#settings} (visibility level, faster rate).
     *
     * @throws PceException when the PCE cannot be reached; nothing is lost
     */
    public void reportOnce() {
        pce.heartbeatAnswered(heartbeat()).ifPresent(a -> {
            FlowService f = flows;
            // what the PCE asks of traffic reporting: the workload's visibility level, a faster rate for a while
            if (f != null) f.settings(a.traffic());
        });
        while (true) {
            List<AgentEvent> batch;
            synchronized (outbox) {
                batch = new ArrayList<>(outbox).subList(0, Math.min(EVENTS_PER_UPLOAD, outbox.size()));
                batch = List.copyOf(batch);
            }
            if (batch.isEmpty()) return;
            pce.uploadEvents(batch);
            synchronized (outbox) {
                for (int i = 0; i < batch.size() && !outbox.isEmpty(); i++) outbox.removeFirst();
            }
        }
    }

    // ---- what the agent knows ----

    /** The heartbeat the agent would send now. */
    public Heartbeat heartbeat() {
        Heartbeat hb = new Heartbeat(lastGoodHash(), sync.wire(), health(), enforcer.backend());
        FlowService f = flows;
        return f == null ? hb : hb.withFlowReporting(f.reporting());
    }

    public SyncState syncState() {
        return sync;
    }

    /**
     * The sync health, then what the other firewalls make impossible about the coexistence state in force (SPEC §6:
     * the PCE shows it; the state is never silently weaker).
     */
    public List<Health> health() {
        List<Health> coexistence = enforcer.coexistenceHealth();
        if (coexistence.isEmpty()) return health;
        List<Health> all = new ArrayList<>(health);
        all.addAll(coexistence);
        return List.copyOf(all);
    }

    /** The policy in force (last applied successfully), if any. */
    public Optional<FirewallPolicy> lastGood() {
        return Optional.ofNullable(lastGood);
    }

    public Optional<Identity> identity() {
        return Optional.ofNullable(identity);
    }

    public int queuedEvents() {
        synchronized (outbox) {
            return outbox.size();
        }
    }

    /** A copy of the events not yet accepted by the PCE. */
    public List<AgentEvent> pendingEvents() {
        synchronized (outbox) {
            return List.copyOf(outbox);
        }
    }

    /** True once {@link #stop()} was called while {@link #run()} was running. */
    private boolean stopping() {
        return stopSignal.getCount() == 0;
    }

    private String lastGoodHash() {
        FirewallPolicy p = lastGood;
        return p == null ? null : p.hash();
    }

    private void setSync(SyncState s, List<Health> h) {
        boolean changed = s != sync || !h.equals(health);
        sync = s;
        health = List.copyOf(h);
        if (changed) wake.release();
    }

    private void enqueue(AgentEvent e) {
        synchronized (outbox) {
            if (outbox.size() >= MAX_QUEUED_EVENTS) {
                AgentEvent dropped = outbox.removeFirst();
                log.warn("event queue full ({} events): dropped the oldest, {} of {}", MAX_QUEUED_EVENTS,
                        dropped.eventType(), dropped.timestamp());
            }
            outbox.addLast(e);
        }
        wake.release();
    }

    private AgentEvent refreshFailure(FirewallPolicy p, DataplaneException e) {
        ObjectNode info = JSON.objectNode().put("error", e.getMessage()).put("policy_version", p.version())
                .put("policy_hash", p.hash()).put("command", e.command()).put("stderr", e.stderr().strip());
        if (e.line() > 0) info.put("line", e.line()).put("line_text", e.lineText());
        FirewallPolicy good = lastGood;
        if (good != null) info.put("policy_in_force", good.hash()).put("policy_in_force_version", good.version());
        else info.putNull("policy_in_force");
        return new AgentEvent(AgentEvent.REFRESH_POLICY, "failure", "err", cfg.clock().instant(), info);
    }

    /** The first line where two canonical texts differ, as "was: ... / now: ...". */
    static String firstDifference(String was, String now) {
        String[] a = was.split("\n", -1);
        String[] b = now.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "(nothing)";
            String y = i < b.length ? b[i] : "(nothing)";
            if (!x.equals(y)) return "was: " + x + " / now: " + y;
        }
        return "";
    }

    private static String summary(List<TamperChange> changes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < changes.size() && i < 10; i++) {
            if (i > 0) sb.append("; ");
            sb.append(changes.get(i));
        }
        if (changes.size() > 10) sb.append("; and ").append(changes.size() - 10).append(" more");
        return sb.toString();
    }
}
