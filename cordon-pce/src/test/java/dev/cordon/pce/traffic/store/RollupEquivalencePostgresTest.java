package dev.cordon.pce.traffic.store;

import dev.cordon.pce.harness.Postgres;

/** {@link RollupEquivalenceSuite} on a real PostgreSQL 15 (the test harness's). */
class RollupEquivalencePostgresTest extends RollupEquivalenceSuite {
    @Override
    protected String jdbcUrl() {
        return Postgres.jdbcUrl();
    }
}
