package dev.cordon.pce.console.infra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How the console reaches the PCE's REST API, which it uses for every read and write.
 *
 * <p>{@code apiBaseUrl} gives {@code http(s)://host:port} of the PCE itself (a supplier, because the port is known
 * only once the server has started); {@code certificatePem} gives the PEM certificate to trust for HTTPS (the PCE's
 * self-signed one) or null for plain HTTP; {@code org} is the org the console shows; {@code idleTimeout} ends a
 * session nobody used for that long; {@code clientProof} (may be null) lets the API count a browser's failed sign-ins
 * under the browser's address.
 */
public record ConsoleConfig(Supplier<String> apiBaseUrl, Supplier<Path> certificatePem, int org, Duration idleTimeout,
                            String clientProof) {
    public ConsoleConfig {
        Objects.requireNonNull(apiBaseUrl, "apiBaseUrl: give how to reach the PCE's REST API, e.g. pce::baseUrl");
        if (certificatePem == null) certificatePem = () -> null;
        if (org < 1) throw new IllegalArgumentException("org " + org + " does not exist: orgs are numbered from 1.");
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) idleTimeout = Duration.ofMinutes(30);
    }

    /** The console of org 1 with a 30-minute idle timeout. */
    public ConsoleConfig(Supplier<String> apiBaseUrl, Supplier<Path> certificatePem) {
        this(apiBaseUrl, certificatePem, 1, Duration.ofMinutes(30), null);
    }

    /**
     * With the proof the API believes the console's {@code X-Cordon-Console-Client} by (null: the console does not
     * name its browsers, and the API counts failed sign-ins under the console's own loopback address).
     */
    public ConsoleConfig withClientProof(String proof) {
        return new ConsoleConfig(apiBaseUrl, certificatePem, org, idleTimeout, proof);
    }
}
