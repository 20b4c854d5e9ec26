package dev.cordon.dataplane.exec;

import java.time.Duration;
import java.util.List;

/**
 * Runs one command and captures what it said. Everything the dataplane does to the kernel goes through this one
 * interface, so the apply, tamper and conntrack logic is tested without root by a {@link FakeCommandRunner}, and
 * the same logic runs against the real kernel with a {@link ProcessCommandRunner} (optionally inside a network
 * namespace).
 */
public interface CommandRunner {
    /** Runs {@code argv} with {@code stdin} (may be empty), waiting at most {@code timeout}; never throws on a non-zero exit. */
    CommandResult run(List<String> argv, String stdin, Duration timeout);

    /** Shorthand: no input, 30 seconds. */
    default CommandResult run(String... argv) {
        return run(List.of(argv), "", Duration.ofSeconds(30));
    }

    /**
     * This runner, telling {@code started} the process id of every command it starts from now on (a runner that
     * starts no processes returns itself). How a dataplane recognises its own writes in the kernel's change
     * notifications, which name the writing process.
     */
    default CommandRunner observed(java.util.function.LongConsumer started) {
        return this;
    }

    /** A short human description of where commands run (for error messages), e.g. "network namespace ns1". */
    default String where() {
        return "this host";
    }
}
