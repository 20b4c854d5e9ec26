package dev.cordon.pce.policy;

import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.store.ParsedRows;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.Label;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-org stamps of everything an engine is built from — the draft's versioned objects, the labels and the
 * workloads — one counter per kind in the database ({@code counters}), moved by the {@link Store} inside every write
 * transaction that puts or deletes an object of that kind, whichever use case does it (API, import, revert,
 * restore, VEN pairing and unpairing).
 *
 * <p>Because the stamps live in the same database and move in the same transaction as the change, a cache keyed on
 * them is exact on every PCE node sharing that database, with no notification to wait for: once a write has
 * committed, any node's next read of the stamps sees it. Reading them costs one indexed query; they also say which
 * kinds changed, so that a cache can read only those again. The stamps are in the database; what is kept here is
 * only parsed text ({@link ParsedRows}).
 */
public final class PolicyInputs {
    static final String PREFIX = "policy_inputs:";
    private final Store store;
    private final ParsedRows<Label> labels = new ParsedRows<>(b -> Json.convert(Json.parse(b), Label.class, "label"));
    private final ParsedRows<IpList> ipLists = new ParsedRows<>(b -> Json.convert(Json.parse(b), IpList.class, "IP list"));

    /** The stamps of one org: the counter of each kind (a kind never written has none, which reads as 0). */
    public record Stamp(Map<String, Long> byKind) {
        public Stamp {
            byKind = Map.copyOf(byKind);
        }

        long of(String kind) {
            return byKind.getOrDefault(PREFIX + kind, 0L);
        }

        /** The stamps of these kinds only. */
        Stamp only(java.util.Collection<String> kinds) {
            Map<String, Long> out = new java.util.HashMap<>();
            for (String k : kinds) {
                Long v = byKind.get(PREFIX + k);
                if (v != null) out.put(PREFIX + k, v);
            }
            return new Stamp(out);
        }

        /** Every kind at least as new as in {@code other}. */
        boolean atLeast(Stamp other) {
            for (var e : other.byKind.entrySet()) {
                if (byKind.getOrDefault(e.getKey(), 0L) < e.getValue()) return false;
            }
            return true;
        }

        /** The kinds whose counter differs from {@code older}'s. */
        Set<String> changedSince(Stamp older) {
            Set<String> out = new HashSet<>();
            Set<String> names = new HashSet<>(byKind.keySet());
            names.addAll(older.byKind.keySet());
            for (String n : names) {
                if (!byKind.getOrDefault(n, 0L).equals(older.byKind.getOrDefault(n, 0L))) out.add(n.substring(PREFIX.length()));
            }
            return out;
        }
    }

    public PolicyInputs(Store store) {
        this.store = store;
        List<String> kinds = new ArrayList<>(List.of(Kind.LABEL.kind(), Kind.WORKLOAD.kind(),
                Kind.SERVICE_BINDING.kind()));
        for (Kind k : Kind.VERSIONED) kinds.add(k.kind());
        store.counters().countWrites(kinds, PREFIX);
    }

    /** True inside a write transaction, whose reads see its own uncommitted changes (and stamps). */
    public boolean insideWrite() {
        return store.inWrite();
    }

    /** The current stamps: equal stamps mean the same draft, labels and workloads. */
    public Stamp stamp(int org) {
        return new Stamp(store.counters().values(org, PREFIX));
    }

    /** The org's labels, as the draft document holds them. */
    List<Label> labels(int org) {
        return labels.of(org, store.objects().all(org, Kind.LABEL.kind()));
    }

    /** The draft's IP lists, as the draft document holds them. */
    List<IpList> ipLists(int org) {
        return ipLists.of(org, store.objects().all(org, Kind.IP_LIST.kind()));
    }
}
