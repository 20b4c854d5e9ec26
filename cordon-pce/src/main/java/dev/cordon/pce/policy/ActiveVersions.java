package dev.cordon.pce.policy;

import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.store.Store;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which provisioned version is active in each org: read on every VEN poll and every check, so kept in memory and
 * dropped when a provision or restore commits (here or, through the cluster, on another node).
 *
 * <p>Threads: any request thread reads and fills {@code byOrg}; the thread that committed a new version, and the
 * cluster listener and resync threads, clear it ({@link #changed}). {@code stamp} moves on every clear, so a reader
 * that raced a clear does not put back the version it read before it.
 */
public final class ActiveVersions {
    private final Store store;
    private final Map<Integer, Long> byOrg = new ConcurrentHashMap<>();
    private final AtomicLong stamp = new AtomicLong();

    public ActiveVersions(Store store) {
        this.store = store;
    }

    public long active(int org) {
        // under the cluster-wide write lock the database is the truth: another node may have provisioned just now
        if (store.inWrite()) return store.versions().latest(org);
        long s = stamp.get();
        Long cached = byOrg.get(org);
        if (cached != null) return cached;
        long v = store.versions().latest(org);
        // cache only if no provision or restore finished meanwhile, so a racing reader never pins a stale version
        if (stamp.get() == s) byOrg.putIfAbsent(org, v);
        return v;
    }

    /** Forgets the cached versions after a provision or restore (or a NOTIFY from another PCE node). */
    public void changed() {
        stamp.incrementAndGet();
        byOrg.clear();
    }

    /** True when the database holds another version than one cached (a node crashed between commit and NOTIFY). */
    boolean stale() {
        for (var e : Map.copyOf(byOrg).entrySet()) {
            if (store.versions().latest(e.getKey()) != e.getValue()) return true;
        }
        return false;
    }

    /** Parses {@code active} or a version number; 404 for versions that do not exist. */
    public long resolve(int org, String pversion) {
        if (pversion.equals("active")) return active(org);
        try {
            long v = Long.parseLong(pversion);
            if (v < 1 || v > active(org)) {
                throw ApiException.notFound("No policy version " + pversion + ": versions run from 1 to "
                        + active(org) + " (or use draft or active).");
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.notFound("Unknown policy version '" + pversion + "': use draft, active or a version number.");
        }
    }
}
