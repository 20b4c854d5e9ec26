package dev.cordon.pce.policy;

import dev.cordon.pce.cluster.Cluster;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.store.Store;
import java.time.Clock;

/**
 * The policy side of the PCE, each part one job, wired in one place ({@link #wire}; {@code PceServer} calls it once):
 *
 * <pre>
 *                      store ──► PolicyInputs (per-kind write stamps)
 *                        │              │
 *   ActiveVersions ◄─────┤              │
 *        │               ▼              ▼
 *        └──────► PolicyDocuments ──► ActiveEngine ◄── Cluster (NOTIFY from other nodes, resync)
 *                 (draft, snapshots,    │   │  listeners: VEN long polls
 *                  live objects,        │   │
 *                  SetAside)            │   └──────────────┐
 *                        │              ▼                  ▼
 *                        ├────► PolicyEngines (draft: DraftEngines, active, N) ◄── policy_check, conflicts
 *                        ├────► PendingChanges ──► Provisioning (provision, revert, restore) ──► VersionRecords
 *                        ├────► PolicyImport (import, export)
 *                        └────► OrgBootstrap (built-ins, version 1)
 * </pre>
 *
 * A record of references only: no part reaches another through it.
 */
public record PolicyParts(PolicyDocuments documents, ActiveEngine active, PolicyEngines engines,
                          Provisioning provisioning, VersionRecords versions, PolicyImport imports,
                          OrgBootstrap bootstrap) {

    public static PolicyParts wire(Store store, Events events, Clock clock, Cluster cluster) {
        PolicyInputs inputs = new PolicyInputs(store);
        ActiveVersions versions = new ActiveVersions(store);
        PolicyDocuments documents = new PolicyDocuments(store, new SetAside(store, events), versions);
        ActiveEngine active = new ActiveEngine(store, documents, versions, inputs, cluster);
        PendingChanges pending = new PendingChanges(documents);
        VersionRecords records = new VersionRecords(store, clock);
        return new PolicyParts(documents, active, new PolicyEngines(documents, active, inputs),
                new Provisioning(store, events, documents, active, pending, records), records,
                new PolicyImport(store, events, clock, documents, active, pending),
                new OrgBootstrap(store, clock, documents, records));
    }

    /** With a single-node cluster (tests, tools). */
    public static PolicyParts wire(Store store, Events events, Clock clock) {
        return wire(store, events, clock, Cluster.local());
    }
}
