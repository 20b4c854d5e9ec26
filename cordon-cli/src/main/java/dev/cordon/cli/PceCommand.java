package dev.cordon.cli;

import dev.cordon.pce.PceServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cordon pce}: the policy compute engine (the server). Runs until interrupted. */
@Command(name = "pce", mixinStandardHelpOptions = true,
        description = "Run the PCE: the REST API (API.md), the web console, and the VEN endpoints. HTTPS by default"
                + " with a certificate generated into the data directory on first start.",
        footer = {"", "Examples:",
                "  cordon pce                                   # H2 file in ./cordon-data, https://0.0.0.0:8443",
                "  cordon pce --data /var/lib/cordon --listen 10.0.0.5:8443",
                "  cordon pce --db-url 'jdbc:postgresql://db:5432/cordon?user=cordon&password=...'",
                "      (start several with the same --db-url and the same tls/ directory for a multi-node PCE)",
                "  cordon pce --db-url ... --advertise 192.0.2.10:8443,192.0.2.11:8443   # VENs reach the nodes there",
                "  cordon pce --listen 127.0.0.1:8080 --plain-http   # plain HTTP, loopback only", "",
                "First start prints where the owner's API key was written (file mode 0600)."})
final class PceCommand implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "cordon-data",
            description = "Data directory: H2 database, TLS certificate, owner API key (default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--db-url", description = "A jdbc:postgresql: URL to use PostgreSQL instead of the embedded H2 file."
            + " Several PCE nodes may share one PostgreSQL database (docs/operations.md, Multi-node).")
    String dbUrl;

    @Option(names = "--listen", defaultValue = "0.0.0.0:8443", description = "HOST:PORT to listen on (default ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--plain-http", description = "Serve plain HTTP (allowed only on a loopback address).")
    boolean plainHttp;

    @Option(names = "--advertise", split = ",", paramLabel = "ADDRESS:PORT",
            description = "Where VENs reach the PCE (a load balancer, every node of a multi-node PCE), as"
                    + " ADDRESS:PORT, CIDR:PORT or [IPv6]:PORT, comma-separated; every policy lets VENs reach these."
                    + " Give all nodes the same list. Default: the address and port a VEN's request arrived on.")
    java.util.List<String> advertise = new java.util.ArrayList<>();

    @Option(names = "--max-request-bytes", defaultValue = "16777216", paramLabel = "BYTES",
            description = "Largest request body accepted, except the policy import (default ${DEFAULT-VALUE}, 16 MiB);"
                    + " a larger one is refused with 413 request_too_large.")
    long maxRequestBytes;

    @Option(names = "--max-import-bytes", defaultValue = "268435456", paramLabel = "BYTES",
            description = "Largest policy document POST .../sec_policy/draft/import accepts (default ${DEFAULT-VALUE},"
                    + " 256 MiB); at least --max-request-bytes.")
    long maxImportBytes;

    @Option(names = "--max-header-bytes", defaultValue = "16384", paramLabel = "BYTES",
            description = "Largest request line plus headers (default ${DEFAULT-VALUE}); larger is refused with 431"
                    + " request_headers_too_large (414 for an overlong request line).")
    int maxHeaderBytes;

    @Option(names = "--event-retention-days", paramLabel = "DAYS", defaultValue = "90",
            description = "Delete events older than this many days (1-36500, default ${DEFAULT-VALUE}); a sweep runs"
                    + " every minute.")
    int eventRetentionDays;

    @Option(names = "--max-events", paramLabel = "N", defaultValue = "1000000",
            description = "Keep at most this many events per org, deleting the oldest first (at least 1000, default"
                    + " ${DEFAULT-VALUE}).")
    long maxEvents;

    @Option(names = "--traffic-retention-days", paramLabel = "DAYS", defaultValue = "30",
            description = "Delete traffic flow summaries of days older than this (1-36500, default ${DEFAULT-VALUE});"
                    + " a sweep runs every minute.")
    int trafficRetentionDays;

    @Option(names = "--max-traffic-flows", paramLabel = "N", defaultValue = "20000000",
            description = "Keep at most this many flow summaries in all, deleting the oldest first (at least 1000,"
                    + " default ${DEFAULT-VALUE}, about 18 GB on PostgreSQL).")
    long maxTrafficFlows;

    @Option(names = "--max-parked-polls", paramLabel = "N", defaultValue = "20000",
            description = "At most this many VEN policy long polls wait on this node; more are answered 503 with"
                    + " Retry-After (default ${DEFAULT-VALUE}; give at least the number of VENs the node serves).")
    int maxParkedPolls;

    @Option(names = "--max-parked-polls-per-ven", paramLabel = "N", defaultValue = "2",
            description = "At most this many long polls of one VEN wait at once; a further one supersedes the VEN's"
                    + " oldest, which is answered 'no change' (1-100, default ${DEFAULT-VALUE}).")
    int maxParkedPollsPerVen;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The data directory exists as a directory we can write, or can be created; otherwise a one-line error. */
    static void checkDataDir(java.nio.file.Path data) {
        java.nio.file.Path dir = data.toAbsolutePath();
        if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)) {
            throw new Cli.UserError("bad_data_dir: --data " + dir + " is a file, not a directory: give a directory"
                    + " (it is created when missing).");
        }
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException | SecurityException e) {
            throw new Cli.UserError("bad_data_dir: cannot create --data " + dir + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "): give a directory this user may write.");
        }
        if (!java.nio.file.Files.isWritable(dir)) {
            throw new Cli.UserError("bad_data_dir: --data " + dir + " is not writable by this user: fix its owner or"
                    + " mode, or give another directory.");
        }
    }

    /** Binding is tried before anything is written, so a busy port or a foreign address changes nothing. */
    static void checkCanListen(String host, int port) {
        if (port == 0) return;
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(host), port));
        } catch (java.net.UnknownHostException e) {
            throw new Cli.UserError("bad_listen: --listen host '" + host + "' is not known: give an address of this host"
                    + " (0.0.0.0 for all, 127.0.0.1 for loopback only).");
        } catch (java.io.IOException e) {
            String why = e instanceof java.net.BindException && String.valueOf(e.getMessage()).contains("assign")
                    ? "this host has no address " + host + " (ip -brief address lists them; 0.0.0.0 listens on all)"
                    : e instanceof java.net.BindException ? "the port is in use (ss -ltnp 'sport = :" + port + "' shows by"
                    + " what) or needs root (ports below 1024)" : e.getMessage();
            throw new Cli.UserError("listen_failed: cannot listen on " + host + ":" + port + ": " + why + ".", Cli.FAILED);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public Integer call() throws InterruptedException {
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) throw new Cli.UserError("bad_listen: --listen '" + listen + "': use HOST:PORT, e.g. 0.0.0.0:8443.");
        String host = listen.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new Cli.UserError("bad_listen: --listen '" + listen + "': the port must be a number.");
        }
        dev.cordon.pce.Limits limits;
        try {
            limits = new dev.cordon.pce.Limits(eventRetentionDays, maxEvents, maxParkedPolls, maxParkedPollsPerVen,
                    trafficRetentionDays, maxTrafficFlows);
        } catch (IllegalArgumentException e) {
            throw new Cli.UserError("bad_limit: " + e.getMessage());
        }
        checkDataDir(data);
        checkCanListen(host, port);
        PceServer server;
        try {
            java.util.List<dev.cordon.policy.compile.Endpoint> endpoints = new java.util.ArrayList<>();
            for (String a : advertise) endpoints.add(PceServer.Config.endpoint(a));
            server = new PceServer(new PceServer.Config(data.toAbsolutePath(), dbUrl, host, port, plainHttp)
                    .withAdvertise(endpoints).withLimits(limits)
                    .withRequestLimits(new dev.cordon.pce.api.limits.RequestLimits.Limits(
                            maxRequestBytes, maxImportBytes, maxHeaderBytes))).start();
        } catch (IllegalArgumentException e) {
            throw new Cli.UserError("bad_config: " + e.getMessage());
        } catch (RuntimeException e) {
            if (e.getClass().getSimpleName().equals("JavalinBindException")) {
                throw new Cli.UserError("listen_failed: cannot listen on " + listen + ": " + rootMessage(e), Cli.FAILED);
            }
            throw e;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }, "cordon-pce-shutdown"));
        spec.commandLine().getOut().printf("Cordon PCE listening on %s://%s:%d (data in %s); Ctrl-C stops it.%n",
                plainHttp ? "http" : "https", host, server.port(), data.toAbsolutePath());
        if (server.node() != null) {
            spec.commandLine().getOut().printf("Node %s on PostgreSQL: other PCE nodes on the same database share its"
                    + " policy and wake its VENs' long polls (LISTEN cordon_changes).%n", server.node());
        }
        spec.commandLine().getOut().flush();
        stop.await();
        return Cli.OK;
    }
}
