package dev.cordon.pce.provision;

import dev.cordon.policy.Engine;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The draft's engine per org, kept while the {@link PolicyInputs} stamp stays the same.
 *
 * <p>Building it reads and parses the whole draft, every label and every workload, validates and resolves them:
 * under load, doing that for each {@code policy_check} on the draft (and for each of 50 concurrent ones at once)
 * was what made those checks slow. Now one request per stamp builds it and the others wait for that one build.
 *
 * <p>The stamp is read <em>before</em> the build reads its inputs, so an engine is never labelled with a stamp
 * newer than what it saw: a write that commits during a build moves the stamp, and the next request builds again.
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

    Engine get(int org, Supplier<Engine> build) {
        // inside a write the stamp may be this transaction's own, uncommitted one: it could be rolled back and then
        // reused by another transaction with other contents, so what is built there is not kept
        if (inputs.insideWrite()) return build.get();
        long stamp = inputs.stamp(org);
        Entry e = byOrg.get(org);
        if (e != null && e.stamp() >= stamp) return e.engine();
        synchronized (locks.computeIfAbsent(org, o -> new Object())) {
            e = byOrg.get(org);
            if (e != null && e.stamp() >= stamp) return e.engine(); // built by the request this one waited for
            Engine built = build.get();
            byOrg.merge(org, new Entry(stamp, built), (old, neu) -> old.stamp() >= neu.stamp() ? old : neu);
            return built;
        }
    }
}
