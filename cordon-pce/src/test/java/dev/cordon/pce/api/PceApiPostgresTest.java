package dev.cordon.pce.api;

import dev.cordon.pce.harness.PceHarness;

/** The API contract on PostgreSQL 15 started by the harness; fails (never skips) when PostgreSQL cannot start. */
class PceApiPostgresTest extends PceApiSuite {
    @Override
    protected PceHarness start() {
        return PceHarness.postgres();
    }
}
