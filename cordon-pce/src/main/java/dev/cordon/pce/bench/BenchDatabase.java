package dev.cordon.pce.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The PostgreSQL database the PCE nodes of {@link FleetBench} share, and its removal at the end.
 *
 * <p>Either the bench starts a throwaway server ({@link #startServer}: {@code initdb} and {@code pg_ctl} of the newest
 * PostgreSQL under /usr/lib/postgresql, run as the {@code postgres} OS user, in a temporary directory, on a free
 * loopback port, {@code fsync=off}), which {@link #close} stops and deletes; or the operator gives an empty database
 * ({@link #given}), which must have no table at the start, and whose tables (all the bench's then) {@link #close}
 * drops. {@code close} is idempotent: the bench calls it in a {@code finally} and in its Ctrl-C hook.
 */
final class BenchDatabase implements AutoCloseable {
    private final String url;
    private final Path serverDir;
    private final Path bin;
    private boolean closed;

    private BenchDatabase(String url, Path serverDir, Path bin) {
        this.url = url;
        this.serverDir = serverDir;
        this.bin = bin;
    }

    String url() {
        return url;
    }

    /** What the run's output names the database by (no password). */
    String describe() {
        return serverDir != null ? "PostgreSQL started by the bench in " + serverDir : url.replaceAll("password=[^&]*", "password=…");
    }

    /**
     * The server's processes now (postmaster and backends) when the bench started it, for the CPU figures; empty for
     * a given database (it may be elsewhere, and it is not only the bench's).
     */
    List<Long> serverPids() {
        if (serverDir == null) return List.of();
        try {
            long pid = Long.parseLong(Files.readAllLines(serverDir.resolve("data").resolve("postmaster.pid")).get(0).trim());
            List<Long> pids = new ArrayList<>(List.of(pid));
            ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
            return pids;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** An operator's empty database; refused when it holds tables (the bench drops every table at the end). */
    static BenchDatabase given(String url) {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")) {
            rs.next();
            if (rs.getLong(1) > 0) {
                throw new IllegalArgumentException("--db-url names a database that holds " + rs.getLong(1) + " tables:"
                        + " give an empty one (the bench drops every table in it at the end), e.g. CREATE DATABASE"
                        + " cordon_bench.");
            }
        } catch (SQLException e) {
            throw new IllegalArgumentException("Cannot connect to --db-url " + url + ": " + e.getMessage(), e);
        }
        return new BenchDatabase(url, null, null);
    }

    /** Starts a throwaway PostgreSQL (needs root and the postgres OS user) and returns its database. */
    static BenchDatabase startServer() {
        Path bin = newestBin();
        Path dir;
        try {
            dir = Files.createTempDirectory("cordon-bench-pg");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a directory for the bench's PostgreSQL: " + e.getMessage(), e);
        }
        int port = freePort();
        BenchDatabase db = new BenchDatabase("jdbc:postgresql://127.0.0.1:" + port + "/cordon_bench?user=postgres", dir, bin);
        try {
            run(dir, List.of("chown", "-R", "postgres:postgres", dir.toString()));
            run(dir, List.of("runuser", "-u", "postgres", "--", bin.resolve("initdb").toString(), "-D",
                    dir.resolve("data").toString(), "-A", "trust", "-U", "postgres", "--no-sync"));
            run(dir, List.of("runuser", "-u", "postgres", "--", bin.resolve("pg_ctl").toString(), "-D",
                    dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-o",
                    "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                    "start"));
            run(dir, List.of("runuser", "-u", "postgres", "--", bin.resolve("psql").toString(), "-h", "127.0.0.1",
                    "-p", Integer.toString(port), "-U", "postgres", "-d", "postgres", "-c", "CREATE DATABASE cordon_bench"));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    private static Path newestBin() {
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString())))
                    .orElseThrow(() -> new IllegalStateException("no initdb"));
        } catch (IOException | IllegalStateException e) {
            throw new IllegalArgumentException("The bench needs PostgreSQL: none is installed under " + root
                    + " (apt-get install -y postgresql), or give an empty database with --db-url.");
        }
    }

    private static int version(String name) {
        try {
            return Integer.parseInt(name.split("\\.")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (serverDir != null) {
            try {
                run(serverDir, List.of("runuser", "-u", "postgres", "--", bin.resolve("pg_ctl").toString(), "-D",
                        serverDir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
            } catch (RuntimeException e) {
                // not started, or already gone: the directory goes all the same
            }
            run(serverDir.getParent(), List.of("rm", "-rf", serverDir.toString()));
            return;
        }
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            for (String t : tables) st.execute("DROP TABLE IF EXISTS \"" + t.replace("\"", "\"\"") + "\" CASCADE");
        } catch (SQLException e) {
            System.err.println("bench pce: could not drop the bench's tables in " + describe() + ": " + e.getMessage());
        }
    }

    private static void run(Path dir, List<String> cmd) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(cmd)).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("PostgreSQL command failed: " + String.join(" ", cmd) + "\n" + out.strip()
                        + (cmd.get(0).equals("runuser") ? "\n(the bench starts PostgreSQL as the postgres user: run it as"
                        + " root, or give an empty database with --db-url)" : ""));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + cmd.get(0), e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot find a free loopback port: " + e.getMessage(), e);
        }
    }
}
