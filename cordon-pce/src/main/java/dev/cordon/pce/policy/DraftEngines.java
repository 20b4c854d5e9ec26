package dev.cordon.pce.policy;

import dev.cordon.pce.core.Kind;
import dev.cordon.policy.Engine;
import dev.cordon.policy.model.PolicyDocument;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The draft's engine per org, kept while the {@link PolicyInputs} stamps stay the same.
 *
 * <p>Building it reads and parses the whole draft, every label and every workload, validates and resolves them:
 * under load, doing that for each {@code policy_check} on the draft (and for each of 50 concurrent ones at once)
 * was what made those checks slow. Now one request builds it for the newest stamps and the others wait for that build.
 *
 * <p>When only labels and IP lists changed (most writes under load: a label or an IP list created or renamed before
 * anything uses it) only those are read again; if nothing refers to the changed ones ({@link SameAnswers}) and they
 * are valid, the engine is kept. Anything else reads the whole draft again (and still keeps the engine when
 * {@link SameAnswers} allows).
 *
 * <p>The stamps are read <em>before</em> the inputs, so an engine is never labelled with stamps newer than what it
 * saw: a write that commits during a build moves them, and the next request builds again. A build that fails (an
 * invalid draft: 406 with every error) is not kept, nor one made inside a write transaction.
 *
 * <p>Threads: request threads; {@code byOrg} is read without a lock, replaced under the org's lock (one builder per
 * org at a time, the others wait for its result), and never replaced by an entry with older stamps.
 */
final class DraftEngines {
    private static final Set<String> LIGHT = Set.of(Kind.LABEL.kind(), Kind.IP_LIST.kind());

    /**
     * An engine, the stamps read before its inputs, the draft as last read (the engine may be from before) and the
     * strings its referring objects hold (the same for both: only labels and IP lists differ between them).
     */
    private record Entry(PolicyInputs.Stamp stamp, Engine engine, PolicyDocument draft, SameAnswers.References refs) {}

    private final PolicyInputs inputs;
    private final Map<Integer, Entry> byOrg = new ConcurrentHashMap<>();
    private final Map<Integer, Object> locks = new ConcurrentHashMap<>();

    DraftEngines(PolicyInputs inputs) {
        this.inputs = inputs;
    }

    /** The draft engine of {@code org}; {@code read} reads the draft document, {@code build} builds an engine. */
    Engine get(int org, Supplier<PolicyDocument> read, Function<PolicyDocument, Engine> build) {
        // inside a write the stamps may be this transaction's own, uncommitted ones: they could be rolled back and
        // then reused by another transaction with other contents, so what is built there is not kept
        if (inputs.insideWrite()) return build.apply(read.get());
        PolicyInputs.Stamp stamp = inputs.stamp(org);
        Entry e = byOrg.get(org);
        if (e != null && e.stamp().atLeast(stamp)) return e.engine();
        synchronized (locks.computeIfAbsent(org, o -> new Object())) {
            e = byOrg.get(org);
            if (e != null && e.stamp().atLeast(stamp)) return e.engine(); // built by the request this one waited for
            // build for the newest stamps, not this request's: the requests queued behind this one (their stamps
            // are at most these) then all take this build instead of each building again in turn
            PolicyInputs.Stamp newest = inputs.stamp(org);
            Entry next = e != null && LIGHT.containsAll(newest.changedSince(e.stamp())) ? light(org, e, newest) : null;
            if (next == null) {
                PolicyDocument draft = read.get();
                next = new Entry(newest, SameAnswers.reuseOrBuild(e == null ? null : e.engine(), draft, build), draft,
                        SameAnswers.References.of(draft));
            }
            Entry chosen = next;
            byOrg.merge(org, chosen, (old, neu) -> old.stamp().atLeast(neu.stamp()) ? old : neu);
            return chosen.engine();
        }
    }

    /** Only labels and IP lists changed: read those again; the kept engine if they change no answer, else null. */
    private Entry light(int org, Entry e, PolicyInputs.Stamp newest) {
        Set<String> changed = newest.changedSince(e.stamp());
        PolicyDocument draft = e.draft();
        if (changed.contains(Kind.LABEL.kind())) draft = draft.withLabels(inputs.labels(org));
        if (changed.contains(Kind.IP_LIST.kind())) draft = draft.withIpLists(inputs.ipLists(org));
        if (!e.refs().sameReferenced(e.engine().document(), draft)) return null;
        // the other kinds are as validated before and the changed objects are referred to by nothing: validating
        // the changed labels and IP lists finds whatever the whole document's validation would find in them
        if (!LightValidation.valid(e.draft(), draft)) return null;
        return new Entry(newest, e.engine(), draft, e.refs());
    }
}
