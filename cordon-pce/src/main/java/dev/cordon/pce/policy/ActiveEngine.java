package dev.cordon.pce.policy;

import dev.cordon.pce.cluster.Change;
import dev.cordon.pce.cluster.Cluster;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.Engine;
import dev.cordon.policy.model.PolicyDocument;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.LongConsumer;

/**
 * The active version's {@link Engine} per org, what VENs' policies and {@code policy_check} on {@code active} are
 * computed from, and the news of every change that may alter it.
 *
 * <p>The active document is the active version's snapshot plus the live labels, workloads and service bindings, so
 * the engine is kept while the active version and the {@link PolicyInputs} stamps of those kinds stay the same. The
 * stamps move in the same transaction as every write to those kinds, on every node sharing the database, so a check after a
 * write answered 2xx reads newer stamps and sees that write (read-your-writes), with no notification to wait for.
 * Draft writes (IP lists, rule sets, ...) do not touch the active engine at all. When only labels changed (most
 * writes under load), only the labels are read again and the engine is kept if nothing refers to the changed ones
 * ({@link SameAnswers}); anything else reads the whole active document again (and still keeps the engine when
 * {@link SameAnswers} allows). A provision hands over the engine it built ({@link #handOver}).
 *
 * <p>Several PCE nodes may share one PostgreSQL database: this node's new versions and live changes are published
 * through the {@link Cluster}, and theirs arrive here ({@link #changedElsewhere}) to drop the cached active version
 * and wake the listeners; {@link #resyncActiveVersions} is the safety net under lost notifications.
 *
 * <p>Threads: request threads read {@code byOrg} without a lock and rebuild under the org's lock (one build per org
 * at a time, for the newest stamps, which the requests queued behind it then take); the thread that committed a
 * provision replaces the entry through {@link #handOver}; an entry is never replaced by one with an older version or
 * older stamps. Listeners run on the thread that made or heard of the change (request thread, cluster listener or
 * resync thread). Nothing here waits for the write lock: inside a write transaction an engine is built but not kept.
 */
public final class ActiveEngine {
    /** The kinds the active document takes from the live store; the versioned kinds come from the snapshot. */
    /** What the active document takes from the live store: labels, workloads and service bindings. */
    private static final List<String> LIVE = List.of(Kind.LABEL.kind(), Kind.WORKLOAD.kind(), Kind.SERVICE_BINDING.kind());

    /**
     * An engine, the version and stamps read before its inputs, its document as last read, its references, and the
     * local generation read before the stamps were last found current.
     */
    private record Entry(long version, PolicyInputs.Stamp stamp, Engine engine, PolicyDocument doc,
                         SameAnswers.References refs, long generation) {
        boolean covers(long v, PolicyInputs.Stamp s) {
            return version == v && stamp.atLeast(s);
        }

        Entry at(long g) {
            return new Entry(version, stamp, engine, doc, refs, g);
        }
    }

    private final Store store;
    private final PolicyDocuments documents;
    private final ActiveVersions versions;
    private final PolicyInputs inputs;
    private final Cluster cluster;
    private final Map<Integer, Entry> byOrg = new ConcurrentHashMap<>();
    private final Map<Integer, Object> locks = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** Engines of versions another node is provisioning, built here meanwhile ({@link Prebuilds}). */
    private final Prebuilds prebuilds = new Prebuilds();
    /** Assembles and builds the coming version on a {@code provisioning} notice; set by {@link Provisioning}. */
    private volatile BiFunction<Integer, LongConsumer, Prebuilds.Candidate> prebuilder;
    /** On a node sharing PostgreSQL: one stamp read for the requests that arrive together. */
    private final SharedStampReads sharedStamps;
    /**
     * Moves after every label or workload write this node committed (before its 2xx) and every change heard from
     * elsewhere. On a single node no write reaches the store without it, so an entry whose stamps were found current
     * at the present generation is still current and the stamps need not be read again: a VEN's look-up and a check
     * cost no query until the next write. With several nodes the stamps are read every time.
     */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    public ActiveEngine(Store store, PolicyDocuments documents, ActiveVersions versions, PolicyInputs inputs,
                        Cluster cluster) {
        this.store = store;
        this.documents = documents;
        this.versions = versions;
        this.inputs = inputs;
        this.cluster = cluster;
        this.sharedStamps = new SharedStampReads(this::liveStamp);
        cluster.subscribe(this::changedElsewhere);
    }

    /** Another PCE node changed something: follow it as if the change had been made here. */
    private void changedElsewhere(Change c) {
        if (c.type() == Change.Type.PROVISIONING) {
            provisioningElsewhere(c.href());
            return; // a hint: nothing changed yet
        }
        generation.incrementAndGet();
        switch (c.type()) {
            case VERSION, ALL -> {
                versions.changed();
                fire();
            }
            case LIVE -> fire(); // the stamps in the database already say what changed
            default -> { }
        }
    }

    /** Another node started provisioning the whole draft of an org: build the coming version meanwhile. */
    private void provisioningElsewhere(String orgHref) {
        BiFunction<Integer, LongConsumer, Prebuilds.Candidate> b = prebuilder;
        if (b == null || orgHref == null || !orgHref.matches("/orgs/\\d{1,9}")) return;
        int org = Integer.parseInt(orgHref.substring("/orgs/".length()));
        prebuilds.start(org, forVersion -> b.apply(org, forVersion));
    }

    /** Who builds the coming version when another node starts provisioning ({@link Provisioning}). */
    void prebuildWith(BiFunction<Integer, LongConsumer, Prebuilds.Candidate> b) {
        prebuilder = b;
    }

    /** This node starts provisioning the whole draft of {@code org}: the other nodes may build it meanwhile. */
    void provisionStarting(int org) {
        cluster.publish(Change.provisioning(org));
    }

    /** The engine kept for the org (any version, any stamps), or null: a base that {@link SameAnswers} may reuse. */
    Engine kept(int org) {
        Entry e = byOrg.get(org);
        return e == null ? null : e.engine();
    }

    /**
     * The kept engine if it was built from exactly this version and these live stamps (so from the very document a
     * caller would assemble from them), else null: a provision then needs neither to compare nor to validate the
     * whole active document again to know that the engine answers as it.
     */
    Engine keptExactly(int org, long version, PolicyInputs.Stamp stamp) {
        Entry e = byOrg.get(org);
        return e != null && e.version() == version && e.stamp().equals(stamp) ? e.engine() : null;
    }

    /** How many engines of versions provisioned elsewhere were taken prebuilt instead of built after the commit. */
    public long prebuiltTaken() {
        return prebuilds.taken();
    }

    /**
     * A safety net under the notifications: if the newest version in the database is not the one cached (a node
     * crashed between its commit and its NOTIFY), follow the database. Cheap: one query per cached org.
     */
    public void resyncActiveVersions() {
        if (versions.stale()) {
            generation.incrementAndGet();
            versions.changed();
            fire();
        }
    }

    /** Called after every change that may alter compiled policy (provision, restore, label or workload write). */
    public void onChange(Runnable r) {
        listeners.add(r);
    }

    /** A label or workload changed (committed): tell the listeners here and the other nodes. */
    public void liveChanged() {
        generation.incrementAndGet();
        fire();
        cluster.publish(Change.LIVE);
    }

    /** This node committed a new active version (provision, restore): forget the cached one, here and elsewhere. */
    void versionMade() {
        generation.incrementAndGet();
        versions.changed();
        cluster.publish(Change.VERSION);
    }

    void fire() {
        for (Runnable r : listeners) r.run();
    }

    public long activeVersion(int org) {
        return versions.active(org);
    }

    /** The active version's versioned objects. */
    public PolicyDocument activeSnapshot(int org) {
        return documents.activeSnapshot(org);
    }

    /** The stamps of what the active document takes from the live store (read before reading those objects). */
    PolicyInputs.Stamp liveStamp(int org) {
        return inputs.stamp(org).only(LIVE);
    }

    public Engine activeEngine(int org) {
        // inside a write the stamps may be this transaction's own, uncommitted ones: what is built there is not kept
        if (store.inWrite()) {
            Entry e = byOrg.get(org);
            return SameAnswers.reuseOrBuild(e == null ? null : e.engine(),
                    documents.withLive(org, documents.snapshot(org, versions.active(org))), PolicyEngines::build);
        }
        long version = versions.active(org);
        long gen = generation.get(); // before the stamps: a write committed after this moves it again
        Entry e = byOrg.get(org);
        if (e != null && e.version() == version && e.generation() == gen && !cluster.isMultiNode()) return e.engine();
        PolicyInputs.Stamp stamp = sharedStamps.read(org);
        e = byOrg.get(org);
        if (e != null && e.covers(version, stamp)) {
            if (e.generation() < gen) keep(org, e.at(gen));
            return e.engine();
        }
        synchronized (locks.computeIfAbsent(org, o -> new Object())) {
            e = byOrg.get(org);
            if (e != null && e.covers(version, stamp)) return e.engine(); // built by the request this one waited for
            // build for the newest state, not this request's: the requests queued behind this one then take it
            long newestVersion = versions.active(org);
            long newestGen = generation.get();
            PolicyInputs.Stamp newest = liveStamp(org);
            Entry next = e != null && e.version() == newestVersion
                    && Set.of(Kind.LABEL.kind()).containsAll(newest.changedSince(e.stamp()))
                    ? labelsOnly(org, e, newest, newestGen) : null;
            if (next == null && (e == null || e.version() != newestVersion)) next = prebuilt(org, newestVersion, newest, newestGen);
            if (next == null) {
                PolicyDocument doc = documents.withLive(org, documents.snapshot(org, newestVersion));
                next = new Entry(newestVersion, newest, SameAnswers.reuseOrBuild(e == null ? null : e.engine(), doc,
                        PolicyEngines::build), doc, SameAnswers.References.of(doc), newestGen);
            }
            keep(org, next);
            return next.engine();
        }
    }

    /**
     * The engine built while another node provisioned {@code version} ({@link Prebuilds}), if it is exactly this
     * version's: the committed snapshot equals what was assembled, and the live objects were read at these stamps.
     */
    private Entry prebuilt(int org, long version, PolicyInputs.Stamp stamp, long gen) {
        Prebuilds.Candidate c = prebuilds.take(org, version);
        if (c == null || !c.stamp().equals(stamp) || !documents.snapshot(org, version).equals(c.versioned())) return null;
        return new Entry(version, stamp, c.engine(), c.doc(), SameAnswers.References.of(c.doc()), gen);
    }

    /** Only labels changed: read them again; the kept engine if the changed ones change no answer, else null. */
    private Entry labelsOnly(int org, Entry e, PolicyInputs.Stamp newest, long gen) {
        PolicyDocument doc = e.doc().withLabels(documents.liveLabels(org));
        if (!e.refs().sameReferenced(e.engine().document(), doc)) return null;
        // everything else is as validated before and nothing refers to the changed labels: validating the labels on
        // their own finds whatever the whole document's validation would find in them
        if (!Engine.validate(new PolicyDocument(doc.labelsOrEmpty(), null, null, null, null, null, null)).isEmpty()) {
            return null;
        }
        return new Entry(e.version(), newest, e.engine(), doc, e.refs(), gen);
    }

    /**
     * After a provision committed {@code version}: its engine, built from {@code doc} (the version's snapshot with the
     * live objects as of {@code stamp}, read inside the write lock before them), is the active one: the VENs' next
     * look-up needs exactly it, so it is kept instead of built again.
     */
    void handOver(int org, long version, PolicyInputs.Stamp stamp, Engine engine, PolicyDocument doc, long gen) {
        keep(org, new Entry(version, stamp, engine, doc, SameAnswers.References.of(doc), gen));
    }

    /** The local generation, read before stamps that an entry handed over will carry. */
    long generation() {
        return generation.get();
    }

    /** Keeps the newer of two entries: higher version, then newer stamps, then the later generation. */
    private void keep(int org, Entry next) {
        byOrg.merge(org, next, (old, neu) -> {
            if (old.version() != neu.version()) return old.version() > neu.version() ? old : neu;
            boolean oldCovers = old.stamp().atLeast(neu.stamp());
            boolean neuCovers = neu.stamp().atLeast(old.stamp());
            if (oldCovers && neuCovers) return old.generation() >= neu.generation() ? old : neu;
            return oldCovers ? old : neu;
        });
    }
}
