package dev.cordon.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cordon bench capture}: the VEN's traffic capture, on against off, and where it starts to lose events. */
@Command(name = "capture", mixinStandardHelpOptions = true,
        description = "In two network namespaces it creates: the TCP connect rate through the dataplane bench's policy"
                + " with the VEN's traffic capture on (conntrack events + NFLOG -> aggregator -> spool) against the"
                + " same policy with capture off, measured in alternating rounds; then, per offered rate, the events"
                + " lost (kernel overruns, aggregator, spool, connections missing from the spooled summaries) and the"
                + " capture's CPU per 1k flows/s. Needs root, iproute2, iptables and ipset (or nft), cc.",
        footer = {"", "Examples:", "  sudo cordon bench capture",
                "  sudo cordon bench capture --backend nftables --rates 10000,20000,40000"})
final class CaptureBenchCommand implements Callable<Integer> {
    @Option(names = "--rules", defaultValue = "100", description = "Rules, at least 1 (default ${DEFAULT-VALUE}).")
    int rules;

    @Option(names = "--peers", defaultValue = "10000", description = "Peer addresses, at least --rules (default ${DEFAULT-VALUE}).")
    int peers;

    @Option(names = "--repeats", defaultValue = "3", description = "On/off rounds, at least 1 (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--connect-seconds", defaultValue = "3", description = "Seconds per client run, at least 1 (default ${DEFAULT-VALUE}).")
    int connectSeconds;

    @Option(names = "--rates", defaultValue = "5000,10000,20000,30000,40000,50000",
            description = "Offered connect rates (per second, comma-separated) for the loss sweep (default ${DEFAULT-VALUE}).")
    String rates;

    @Option(names = "--backend", defaultValue = "iptables",
            description = "The dataplane backend: iptables, nftables or auto (default ${DEFAULT-VALUE}).")
    String backend;

    @Override
    public Integer call() {
        dev.cordon.ven.bench.CaptureBench.Options o;
        try {
            o = new dev.cordon.ven.bench.CaptureBench.Options(rules, peers, repeats, Duration.ofSeconds(connectSeconds),
                    dev.cordon.ven.bench.CaptureBench.parseRates(rates), Dataplanes.choice(backend), System.out);
        } catch (IllegalArgumentException e) {
            throw new Cli.UserError("bad_size: " + e.getMessage());
        }
        try {
            new dev.cordon.ven.bench.CaptureBench(o).run();
        } catch (IllegalStateException e) {
            throw new Cli.UserError("bench_failed: " + e.getMessage(), Cli.FAILED);
        }
        return Cli.OK;
    }
}
