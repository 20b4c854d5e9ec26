package dev.cordon.pce.policy;

import dev.cordon.policy.Engine;
import dev.cordon.policy.model.PolicyDocument;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The engine of a version another PCE node is about to commit, built here while that node is still provisioning.
 *
 * <p>Why: a node that hears of a new version only at its commit ({@code NOTIFY version}) read the snapshot and every
 * live workload and built and compiled the same engine the provisioning node had just built, after the commit, on
 * the critical path of its VENs: with 25,000 VENs on two nodes, node 1 ended a whole provision request later than
 * node 0. Now the provisioning node says first that it starts ({@code Change.PROVISIONING}), every other node
 * assembles the same version from the database (the whole draft on top of the active version), builds and compiles
 * it in parallel, and after the commit takes it if — and only if — the committed snapshot equals what it assembled
 * and the live stamps are those it read ({@link ActiveEngine}). Anything else (a change subset, a write meanwhile, a
 * failed build) only means the engine is built after the commit, as before.
 *
 * <p>Threads: the cluster listener starts a build ({@link #start}; it runs on this class's one thread, so builds of
 * one org never run side by side); request threads take the result ({@link #take}), waiting for a build still
 * running, since it is the same work they would do themselves.
 */
final class Prebuilds implements AutoCloseable {
    /** The engine of {@code version} as assembled from {@code versioned} and the live objects as of {@code stamp}. */
    record Candidate(long version, PolicyInputs.Stamp stamp, PolicyDocument versioned, PolicyDocument doc, Engine engine) {}

    /** How long a look-up waits for a build still running before it builds on its own. */
    private static final long WAIT_SECONDS = 60;

    /** A build started for an org: the version it builds once it has read it (-1 before), and its result. */
    private static final class Pending {
        volatile long version = -1;
        final CompletableFuture<Candidate> result = new CompletableFuture<>();
    }

    private final Map<Integer, Pending> byOrg = new ConcurrentHashMap<>();
    private final ExecutorService builder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cordon-prebuild");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong taken = new AtomicLong();

    /**
     * Builds a candidate for {@code org} on the builder thread; {@code build} tells the version it builds as soon as
     * it knows it (so that look-ups for another version need not wait) and returns null when there is none.
     */
    void start(int org, Function<LongConsumer, Candidate> build) {
        Pending p = new Pending();
        CompletableFuture<Candidate> f = p.result;
        byOrg.put(org, p);
        try {
            builder.execute(() -> {
                try {
                    f.complete(build.apply(v -> p.version = v));
                } catch (RuntimeException e) {
                    f.complete(null); // the build after the commit reports whatever is wrong
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            f.complete(null); // closing
        }
    }

    /**
     * The candidate built for {@code version} of {@code org}, waiting for a build still running; null when there is
     * none for that version. A candidate is taken once: later look-ups find the engine in {@link ActiveEngine}.
     */
    Candidate take(int org, long version) {
        Pending p = byOrg.get(org);
        if (p == null) return null;
        if (p.version >= 0 && p.version != version) {
            if (p.version < version) byOrg.remove(org, p); // built for a version that was overtaken: free its engine
            return null;
        }
        Candidate c;
        try {
            c = p.result.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
        if (c == null || c.version() != version) {
            if (c == null || c.version() < version) byOrg.remove(org, p); // a provision that failed or was overtaken
            return null;
        }
        byOrg.remove(org, p);
        taken.incrementAndGet();
        return c;
    }

    /** How many candidates a look-up took (tests, benchmarks: whether the build after the commit was skipped). */
    long taken() {
        return taken.get();
    }

    @Override
    public void close() {
        builder.shutdownNow();
    }
}
