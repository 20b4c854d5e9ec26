package dev.cordon.pce.console;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** Shared lifecycle of the page tests: one real PCE and one headless Chromium per class, signed in as the owner. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OwnerSignedInBrowserTest {
    ConsoleBrowser b;

    @BeforeAll
    void start() {
        b = new ConsoleBrowser();
        b.signInAsOwner();
    }

    @AfterAll
    void stop() {
        if (b != null) b.close();
    }
}
