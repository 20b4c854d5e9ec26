package dev.cordon.pce.harness;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throwaway PostgreSQL 15 for tests: {@code initdb} and {@code pg_ctl} from /usr/lib/postgresql/15/bin, run as the
 * {@code postgres} OS user in a temporary directory, on a free loopback port, stopped at JVM exit. One server per
 * JVM; each caller gets its own database. If it cannot start, {@link #jdbcUrl()} throws: PostgreSQL tests fail,
 * they never skip (CI relies on that).
 */
public final class Postgres {
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static Postgres instance;
    private static RuntimeException failure;
    private final Path dir;
    private final int port;
    private final AtomicInteger databases = new AtomicInteger();

    private Postgres(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** A JDBC URL of a fresh, empty database. */
    public static synchronized String jdbcUrl() {
        if (failure != null) throw failure;
        if (instance == null) {
            try {
                instance = start();
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
        String db = "cordon_" + instance.databases.incrementAndGet();
        instance.run(List.of("runuser", "-u", "postgres", "--", BIN.resolve("psql").toString(), "-h", "127.0.0.1",
                "-p", Integer.toString(instance.port), "-U", "postgres", "-d", "postgres", "-c", "CREATE DATABASE " + db));
        return "jdbc:postgresql://127.0.0.1:" + instance.port + "/" + db + "?user=postgres";
    }

    private static Postgres start() {
        if (!Files.isExecutable(BIN.resolve("initdb"))) {
            throw new IllegalStateException("PostgreSQL 15 is not installed (" + BIN + "/initdb missing): apt-get install -y postgresql");
        }
        try {
            Path dir = Files.createTempDirectory("cordon-pg");
            Postgres pg = new Postgres(dir, freePort());
            pg.run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
            pg.run(List.of("runuser", "-u", "postgres", "--", BIN.resolve("initdb").toString(), "-D",
                    dir.resolve("data").toString(), "-A", "trust", "-U", "postgres", "--no-sync"));
            pg.pgCtlStart();
            Runtime.getRuntime().addShutdownHook(new Thread(pg::stop));
            return pg;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start PostgreSQL: " + e.getMessage(), e);
        }
    }

    private void pgCtlStart() {
        run(List.of("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "-D",
                dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
                "start"));
    }

    /**
     * Stops the shared server ({@code pg_ctl stop -m fast}: every connection is cut, as in a PostgreSQL restart or
     * fail-over); {@link #startAgain} ends the outage. For tests of how a PCE lives through it.
     */
    public static synchronized void stopForOutage() {
        if (instance == null) throw new IllegalStateException("no PostgreSQL started yet: call jdbcUrl() first");
        instance.run(List.of("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "-D",
                instance.dir.resolve("data").toString(), "-m", "fast", "-w", "stop"));
    }

    /** Starts the shared server again after {@link #stopForOutage}, on the same port with the same data. */
    public static synchronized void startAgain() {
        instance.pgCtlStart();
    }

    private void stop() {
        try {
            run(List.of("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "-D",
                    dir.resolve("data").toString(), "-m", "immediate", "stop"));
            run(List.of("rm", "-rf", dir.toString()));
        } catch (RuntimeException e) {
            System.err.println("could not stop test PostgreSQL: " + e.getMessage());
        }
    }

    private void run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(cmd)).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("PostgreSQL command failed: " + String.join(" ", cmd) + "\n" + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
