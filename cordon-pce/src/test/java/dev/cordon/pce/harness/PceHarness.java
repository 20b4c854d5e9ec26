package dev.cordon.pce.harness;

import dev.cordon.pce.PceServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Starts the real PCE on 127.0.0.1, port 0, plain HTTP, in a temporary data directory (H2, or a fresh PostgreSQL
 * database), with a {@link MutableClock}; hands tests an {@link Api} authenticated as the owner.
 */
public final class PceHarness implements AutoCloseable {
    public final PceServer server;
    public final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    public final Path dataDir;
    public final Api owner;
    public final Api anonymous;
    public final String printed;
    /** The database this node uses: null for its own H2 file. */
    public final String jdbcUrl;
    private final dev.cordon.pce.Limits limits;
    /** The port the server was bound to (read at start: a stopped server may not know it any more). */
    private final int boundPort;

    private PceHarness(String jdbcUrl) {
        this(jdbcUrl, null, null);
    }

    private PceHarness(String jdbcUrl, String ownerKey) {
        this(jdbcUrl, ownerKey, null);
    }

    /** {@code ownerKey} null: this node created the org and wrote the key; else another node did. */
    private PceHarness(String jdbcUrl, String ownerKey, dev.cordon.pce.Limits limits) {
        this(jdbcUrl, ownerKey, limits, newDataDir(), c -> c);
    }

    private static Path newDataDir() {
        try {
            return Files.createTempDirectory("cordon-pce-test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private PceHarness(String jdbcUrl, String ownerKey, dev.cordon.pce.Limits limits, Path dataDir) {
        this(jdbcUrl, ownerKey, limits, dataDir, c -> c);
    }

    private PceHarness(String jdbcUrl, String ownerKey, dev.cordon.pce.Limits limits, Path dataDir,
                       java.util.function.UnaryOperator<PceServer.Config> tune) {
        this(jdbcUrl, ownerKey, limits, dataDir, tune, 0);
    }

    private PceHarness(String jdbcUrl, String ownerKey, dev.cordon.pce.Limits limits, Path dataDir,
                       java.util.function.UnaryOperator<PceServer.Config> tune, int port) {
        this.jdbcUrl = jdbcUrl;
        this.dataDir = dataDir;
        this.limits = limits;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        server = new PceServer(tune.apply(new PceServer.Config(dataDir, jdbcUrl, "127.0.0.1", port, true)
                .withClock(clock).withHeartbeatTimeout(Duration.ofMinutes(5)).withLimits(limits)),
                new PrintStream(out, true)).start();
        printed = out.toString();
        boundPort = server.port();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        String base = "http://127.0.0.1:" + server.port();
        anonymous = new Api(http, base, null);
        try {
            owner = anonymous.as(ownerKey != null ? ownerKey : Files.readString(server.ownerKeyFile()).trim());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PceHarness h2() {
        return new PceHarness(null);
    }

    /** An H2 PCE with these abuse limits. */
    public static PceHarness h2(dev.cordon.pce.Limits limits) {
        return new PceHarness(null, null, limits);
    }

    /** An H2 PCE whose configuration {@code tune} changes (e.g. its offline timers). */
    public static PceHarness h2(java.util.function.UnaryOperator<PceServer.Config> tune) {
        return new PceHarness(null, null, null, newDataDir(), tune);
    }

    public static PceHarness postgres() {
        return new PceHarness(Postgres.jdbcUrl());
    }

    /** A second PCE node on the same PostgreSQL database as {@code first} (multi-node), same owner key. */
    public static PceHarness joining(PceHarness first) {
        if (first.jdbcUrl == null) throw new IllegalArgumentException("only PostgreSQL PCEs can have several nodes");
        try {
            return new PceHarness(first.jdbcUrl, Files.readString(first.server.ownerKeyFile()).trim());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PostgreSQL PCE with these abuse limits. */
    public static PceHarness postgres(dev.cordon.pce.Limits limits) {
        return new PceHarness(Postgres.jdbcUrl(), null, limits);
    }

    /**
     * Stops this PCE (a clean stop) and starts a new one on the same data directory and database, as an operator's
     * restart does; this harness must not be used afterwards (close the returned one).
     */
    public PceHarness restarted() {
        server.stop();
        try {
            return new PceHarness(jdbcUrl, Files.readString(server.ownerKeyFile()).trim(), limits, dataDir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts a new PCE on this one's data directory, database and port, after {@code server.stop()}: for clients
     * that cannot be told a new address (real VENs hold the PCE's URL), as an operator's restart keeps it. This
     * harness must not be used afterwards (close the returned one).
     */
    public PceHarness startedAgainOnSamePort() {
        try {
            return new PceHarness(jdbcUrl, Files.readString(server.ownerKeyFile()).trim(), limits, dataDir, c -> c,
                    boundPort);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PceHarness of(String database) {
        return database.equals("postgresql") ? postgres() : h2();
    }

    @Override
    public void close() {
        server.stop();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
