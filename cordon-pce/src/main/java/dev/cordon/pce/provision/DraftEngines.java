package dev.cordon.pce.provision;

import dev.cordon.policy.Engine;
import dev.cordon.policy.model.PolicyDocument;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The draft's engine per org, kept while the {@link PolicyInputs} stamp stays the same.
 *
 * <p>Building it reads and parses the whole draft, every label and every workload, validates and resolves them:
 * under load, doing that for each {@code policy_check} on the draft (and for each of 50 concurrent ones at once)
 * was what made those checks slow. Now one request builds it for the newest stamp and the others wait for that build.
 *
 * <p>The stamp is read <em>before</em> the build reads its inputs, so an engine is never labelled with a stamp
 * newer than what it saw: a write that commits during a build moves the stamp, and the next request builds again.
 * A new stamp whose draft differs only in labels or IP lists nothing refers to keeps the engine ({@link SameAnswers}).
 * A build that fails (an invalid draft: 406 with every error) is not kept, nor one made inside a write transaction.
 */
final class DraftEngines {
    private record Entry(long stamp, Engine engine) {}

    private final PolicyInputs inputs;
    private final Map<Integer, Entry> byOrg = new ConcurrentHashMap<>();
    private final Map<Integer, Object> locks = new ConcurrentHashMap<>();

    DraftEngines(PolicyInputs inputs) {
        this.inputs = inputs;
    }

    /** The draft engine of {@code org}; {@code read} reads the draft document, {@code build} builds an engine. */
    Engine get(int org, Supplier<PolicyDocument> read, Function<PolicyDocument, Engine> build) {
        // inside a write the stamp may be this transaction's own, uncommitted one: it could be rolled back and then
        // reused by another transaction with other contents, so what is built there is not kept
        if (inputs.insideWrite()) return build.apply(read.get());
        long stamp = inputs.stamp(org);
        Entry e = byOrg.get(org);
        if (e != null && e.stamp() >= stamp) return e.engine();
        synchronized (locks.computeIfAbsent(org, o -> new Object())) {
            e = byOrg.get(org);
            if (e != null && e.stamp() >= stamp) return e.engine(); // built by the request this one waited for
            // build for the newest stamp, not this request's: the requests queued behind this one (their stamps are
            // at most this) then all take this build instead of each building again in turn
            long newest = inputs.stamp(org);
            Engine built = SameAnswers.reuseOrBuild(e == null ? null : e.engine(), read.get(), build);
            byOrg.merge(org, new Entry(newest, built), (old, neu) -> old.stamp() >= neu.stamp() ? old : neu);
            return built;
        }
    }
}
