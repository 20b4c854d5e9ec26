package dev.cordon.pce.traffic;

import dev.cordon.pce.harness.PceHarness;

/** Traffic visibility on PostgreSQL 15 started by the harness; fails (never skips) when PostgreSQL cannot start. */
class TrafficPostgresTest extends TrafficSuite {
    @Override
    protected PceHarness start() {
        return PceHarness.postgres();
    }

    @Override
    protected PceHarness start(dev.cordon.pce.Limits limits) {
        return PceHarness.postgres(limits);
    }
}
