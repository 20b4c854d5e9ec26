package dev.cordon.pce.traffic.store;

/** {@link RollupEquivalenceSuite} on the embedded H2 store. */
class RollupEquivalenceH2Test extends RollupEquivalenceSuite {
    @Override
    protected String jdbcUrl() {
        return null;
    }
}
