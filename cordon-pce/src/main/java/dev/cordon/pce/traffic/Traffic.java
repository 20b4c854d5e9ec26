package dev.cordon.pce.traffic;

import dev.cordon.pce.traffic.store.TrafficTable;
import dev.cordon.pce.traffic.store.TrafficRetention;
import dev.cordon.pce.traffic.ingest.TrafficIngest;

import dev.cordon.pce.events.Events;
import dev.cordon.pce.policy.PolicyEngines;
import dev.cordon.pce.traffic.reporting.TrafficReporting;
import dev.cordon.pce.store.Store;
import dev.cordon.pce.traffic.query.TrafficQueries;
import java.time.Clock;
import java.time.Duration;

/**
 * Traffic visibility's parts, built once by the server: the table, ingest of VEN batches, Explorer's queries, the
 * retention sweep and what each VEN is asked to report, and how often (docs/design/traffic.md).
 */
public record Traffic(TrafficTable table, TrafficIngest ingest, TrafficQueries queries, TrafficRetention retention,
                      TrafficReporting reporting) implements AutoCloseable {
    public static Traffic of(Store store, PolicyEngines policy, Events events, Clock clock, Duration retention,
                             long maxFlows) {
        TrafficTable table = new TrafficTable(store.database());
        return new Traffic(table, new TrafficIngest(table, policy, clock),
                new TrafficQueries(table, store.database(), policy, clock),
                new TrafficRetention(table, clock, retention, maxFlows),
                new TrafficReporting(store, policy, events, clock));
    }

    @Override
    public void close() {
        queries.close();
    }
}
