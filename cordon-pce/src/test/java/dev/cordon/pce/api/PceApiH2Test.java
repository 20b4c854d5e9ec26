package dev.cordon.pce.api;

import dev.cordon.pce.harness.PceHarness;

/** The API contract on the default store, an H2 file in the data directory. */
class PceApiH2Test extends PceApiSuite {
    @Override
    protected PceHarness start() {
        return PceHarness.h2();
    }
}
