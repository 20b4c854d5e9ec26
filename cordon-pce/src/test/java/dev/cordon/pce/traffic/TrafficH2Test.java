package dev.cordon.pce.traffic;

import dev.cordon.pce.harness.PceHarness;

/** Traffic visibility on the embedded H2 store. */
class TrafficH2Test extends TrafficSuite {
    @Override
    protected PceHarness start() {
        return PceHarness.h2();
    }

    @Override
    protected PceHarness start(dev.cordon.pce.Limits limits) {
        return PceHarness.h2(limits);
    }
}
