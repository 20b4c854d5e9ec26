package dev.cordon.ven;

import java.time.Duration;

/** Waits between loop rounds; injected so tests drive the agent's loops without real sleeps. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;

    /** Real time. */
    Sleeper REAL = d -> Thread.sleep(Math.max(0, d.toMillis()));
}
