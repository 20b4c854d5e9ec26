package dev.cordon.cli;

import dev.cordon.policy.gen.CompileBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code cordon bench ...}: the benchmarks; each prints one JSON line per measure. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks. Each prints one JSON line per measure, with ratios against a baseline measured"
                + " in the same run. Results and commands are collected in docs/benchmarks.md.",
        footer = {"", "Examples:", "  cordon bench compile --workloads 100000 --rules 10000 --seed 1",
                "  sudo cordon bench dataplane --rules 1000 --peers 100000", "  cordon bench pce --vens 10000",
                "  cordon bench api --clients 50 --seconds 30", "  cordon bench traffic --flows 1000000"},
        subcommands = {BenchCommand.CompileBenchCommand.class, BenchCommand.DataplaneBenchCommand.class,
                BenchCommand.PceBenchCommand.class, ApiBenchCommand.class,
                BenchCommand.TrafficBenchCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "compile", mixinStandardHelpOptions = true,
            description = "Generate a realistic org and measure load, index, full compile, one relabel, one added"
                    + " rule and peak heap.",
            footer = {"", "Example:", "  cordon bench compile --workloads 100000 --rules 10000 --seed 1"})
    static final class CompileBenchCommand implements Callable<Integer> {
        @Option(names = "--workloads", defaultValue = "10000", description = "Number of workloads (default ${DEFAULT-VALUE}).")
        int workloads;

        @Option(names = "--rules", defaultValue = "1000", description = "Number of rules, at least 4 (default ${DEFAULT-VALUE}).")
        int rules;

        @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() {
            if (workloads < 1 || rules < 4) {
                throw new Cli.UserError("bad_size: use --workloads >= 1 and --rules >= 4.");
            }
            CompileBench.run(workloads, rules, seed, System.out);
            return Cli.OK;
        }
    }

    @Command(name = "dataplane", mixinStandardHelpOptions = true,
            description = "In a network namespace it creates: render time, apply time vs raw ipset restore +"
                    + " iptables-restore of the same text, tamper check time, TCP connect rate through the applied"
                    + " policy (matching rule last) vs no firewall and vs a minimal stateful firewall, measured with a C"
                    + " load client compiled at run time. Needs root, iptables, ipset, iproute2, cc (else python3).",
            footer = {"", "Example:", "  cordon bench dataplane --rules 1000 --peers 100000"})
    static final class DataplaneBenchCommand implements Callable<Integer> {
        @Option(names = "--rules", defaultValue = "1000", description = "Rules, at least 1 (default ${DEFAULT-VALUE}).")
        int rules;

        @Option(names = "--peers", defaultValue = "100000", description = "Peer addresses, at least --rules (default ${DEFAULT-VALUE}).")
        int peers;

        @Option(names = "--repeats", defaultValue = "3", description = "Repetitions per timing, at least 1 (default ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--connect-seconds", defaultValue = "3", description = "Seconds per connect-rate run, at least 1 (default ${DEFAULT-VALUE}).")
        int connectSeconds;

        @Option(names = "--backend", defaultValue = "iptables",
                description = "The dataplane backend to measure: iptables, nftables or auto (default ${DEFAULT-VALUE}).")
        String backend;

        @Override
        public Integer call() {
            try {
                dev.cordon.dataplane.bench.DataplaneBench.run(new dev.cordon.dataplane.bench.DataplaneBench.Options(
                        rules, peers, repeats, java.time.Duration.ofSeconds(connectSeconds), System.out),
                        Dataplanes.choice(backend));
            } catch (IllegalArgumentException e) {
                throw new Cli.UserError("bad_size: " + e.getMessage());
            }
            return Cli.OK;
        }
    }

    @Command(name = "pce", mixinStandardHelpOptions = true,
            description = "N simulated VENs long-polling one PCE on loopback: time from a provision to the last VEN"
                    + " holding the new policy, against the baseline of every VEN fetching its whole policy at once;"
                    + " heartbeats per second.",
            footer = {"", "Example:", "  cordon bench pce --vens 10000"})
    static final class PceBenchCommand implements Callable<Integer> {
        @Option(names = "--vens", defaultValue = "1000", description = "Simulated VENs (default ${DEFAULT-VALUE}).")
        int vens;

        @Override
        public Integer call() {
            if (vens < 1) throw new Cli.UserError("bad_size: --vens must be at least 1.");
            new dev.cordon.pce.bench.PceBench(System.out).bench(vens);
            return Cli.OK;
        }
    }

    @Command(name = "traffic", mixinStandardHelpOptions = true,
            description = "PCE ingest of VEN flow summaries (gzip'd batches from concurrent VENs) against resending the"
                    + " same batches (answered as duplicates); an Explorer query with a label filter over every stored"
                    + " flow against the same query unfiltered; disk per million flows.",
            footer = {"", "Examples:", "  cordon bench traffic --flows 1000000",
                    "  cordon bench traffic --flows 1000000 --db-url jdbc:postgresql://127.0.0.1:5432/bench?user=postgres"})
    static final class TrafficBenchCommand implements Callable<Integer> {
        @Option(names = "--flows", defaultValue = "200000", description = "Flow summaries to ingest (default ${DEFAULT-VALUE}).")
        int flows;

        @Option(names = "--batch", defaultValue = "1000", description = "Summaries per VEN batch (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--senders", defaultValue = "8", description = "VENs uploading at once (default ${DEFAULT-VALUE}).")
        int senders;

        @Option(names = "--db-url", paramLabel = "JDBC_URL", description = "An empty PostgreSQL database (default: H2 in a"
                + " temporary directory).")
        String dbUrl;

        @Override
        public Integer call() {
            dev.cordon.pce.bench.TrafficBench.Options o;
            try {
                o = new dev.cordon.pce.bench.TrafficBench.Options(flows, batch, senders, senders, dbUrl);
            } catch (IllegalArgumentException e) {
                throw new Cli.UserError("bad_size: " + e.getMessage());
            }
            new dev.cordon.pce.bench.TrafficBench(System.out).run(o);
            return Cli.OK;
        }
    }
}
