package dev.cordon.pce.provision;

import dev.cordon.pce.api.objects.Kind;
import dev.cordon.pce.store.Store;
import java.util.ArrayList;
import java.util.List;

/**
 * A per-org stamp of everything an engine is built from — the draft's versioned objects, the labels and the
 * workloads — kept in the database (one row of {@code counters}) and moved by the {@link Store} inside every write
 * transaction that puts or deletes one of them, whichever use case does it (API, import, revert, restore, VEN
 * pairing and unpairing).
 *
 * <p>Because the stamp lives in the same database and moves in the same transaction as the change, a cache keyed on
 * it is exact on every PCE node sharing that database, with no notification to wait for: once a write has
 * committed, any node's next read of the stamp sees it moved. Reading it costs one primary-key look-up.
 */
public final class PolicyInputs {
    static final String COUNTER = "policy_inputs";
    private final Store store;

    public PolicyInputs(Store store) {
        this.store = store;
        List<String> kinds = new ArrayList<>(List.of(Kind.LABEL.kind(), Kind.WORKLOAD.kind()));
        for (Kind k : Kind.VERSIONED) kinds.add(k.kind());
        store.countWrites(kinds, COUNTER);
    }

    /** True inside a write transaction, whose reads see its own uncommitted changes (and stamp). */
    public boolean insideWrite() {
        return store.inWrite();
    }

    /** The current stamp: equal stamps mean the same draft, labels and workloads. */
    public long stamp(int org) {
        return store.counter(org, COUNTER);
    }
}
