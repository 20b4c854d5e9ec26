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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

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
        PceServer server;
        try {
            java.util.List<dev.cordon.policy.compile.Endpoint> endpoints = new java.util.ArrayList<>();
            for (String a : advertise) endpoints.add(PceServer.Config.endpoint(a));
            server = new PceServer(new PceServer.Config(data.toAbsolutePath(), dbUrl, host, port, plainHttp)
                    .withAdvertise(endpoints)).start();
        } catch (IllegalArgumentException e) {
            throw new Cli.UserError("bad_config: " + e.getMessage());
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
