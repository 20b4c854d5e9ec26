package dev.cordon.cli;

import dev.cordon.policy.gen.CompileBench;
import java.util.List;
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
                "  sudo cordon bench pce --vens 25000 --nodes 2", "  cordon bench api --clients 50 --seconds 30", "  cordon bench traffic --flows 1000000",
                "  sudo cordon bench capture", "  cordon bench console --labels 10000 --workloads 100000"},
        subcommands = {BenchCommand.CompileBenchCommand.class, BenchCommand.DataplaneBenchCommand.class,
                BenchCommand.PceBenchCommand.class, ApiBenchCommand.class,
                BenchCommand.TrafficBenchCommand.class, CaptureBenchCommand.class, BenchCommand.ConsoleBenchCommand.class})
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
            description = "N simulated VENs long-polling the PCE on loopback: time from a provision to the last VEN"
                    + " holding the new policy, against the baseline of every VEN fetching its whole policy at once;"
                    + " heartbeats per second. Plain: one PCE on H2, the VENs in this process. With --nodes, --clients"
                    + " or --db-url: K PCE nodes on one PostgreSQL and the VENs spread over client processes, each a"
                    + " process of its own (one process may hold only so many open files), with each node's heap, each"
                    + " process's CPU and the load generator's own rate against a stub server.",
            footer = {"", "Examples:", "  cordon bench pce --vens 10000",
                    "  sudo cordon bench pce --vens 25000 --nodes 2      (starts a PostgreSQL of its own: needs root)",
                    "  cordon bench pce --vens 25000 --nodes 2 --db-url 'jdbc:postgresql://127.0.0.1:5432/empty?user=u'",
                    "  cordon bench pce --vens 25000 --nodes 2 --pce-jvm-arg=-XX:StartFlightRecording=filename=/tmp/node{node}.jfr"})
    static final class PceBenchCommand implements Callable<Integer> {
        @Option(names = "--vens", defaultValue = "1000", description = "Simulated VENs (default ${DEFAULT-VALUE}).")
        int vens;

        @Option(names = "--nodes", description = "PCE nodes (processes) on one PostgreSQL, 1-8; the VENs are spread"
                + " over them evenly.")
        Integer nodes;

        @Option(names = "--clients", description = "Client processes holding the simulated VENs, at least --nodes"
                + " (default: as many as the open-files limit needs).")
        Integer clients;

        @Option(names = "--db-url", paramLabel = "JDBC_URL", description = "An empty PostgreSQL database for the nodes"
                + " (its tables are dropped at the end; default: a PostgreSQL the bench starts and removes, as root).")
        String dbUrl;

        @Option(names = "--pce-jvm-arg", description = "An extra JVM option for every PCE node (repeatable); {node}"
                + " becomes the node's number, e.g. a flight recording per node.")
        List<String> pceJvmArgs;

        @Override
        public Integer call() {
            if (vens < 1) throw new Cli.UserError("bad_size: --vens must be at least 1.");
            if (nodes == null && clients == null && dbUrl == null && pceJvmArgs == null) {
                new dev.cordon.pce.bench.PceBench(System.out).bench(vens);
                return Cli.OK;
            }
            dev.cordon.pce.bench.FleetBench.Options o;
            try {
                o = new dev.cordon.pce.bench.FleetBench.Options(vens, nodes == null ? 1 : nodes,
                        clients == null ? 0 : clients, dbUrl, pceJvmArgs);
            } catch (IllegalArgumentException e) {
                throw new Cli.UserError("bad_size: " + e.getMessage());
            }
            try {
                new dev.cordon.pce.bench.FleetBench(System.out, System.err).run(o);
            } catch (IllegalArgumentException e) {
                throw new Cli.UserError("bench_setup: " + e.getMessage());
            } catch (IllegalStateException e) {
                throw new Cli.UserError("bench_failed: " + e.getMessage(), Cli.FAILED);
            }
            return Cli.OK;
        }
    }

    @Command(name = "traffic", mixinStandardHelpOptions = true,
            description = "PCE ingest of VEN flow summaries (gzip'd batches from concurrent VENs) against resending the"
                    + " same batches (answered as duplicates); an Explorer query with a label filter over every stored"
                    + " flow against the same query unfiltered; disk per million flows.",
            footer = {"", "Examples:", "  cordon bench traffic --flows 1000000",
                    "  cordon bench traffic --flows 10000000 --fill direct",
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

        @Option(names = "--fill", defaultValue = "api", description = "api: every flow through the ingest API; direct:"
                + " the first --ingest-flows through the API, the rest copies of them written through the store's bulk"
                + " path (to fill millions of flows for the query; default ${DEFAULT-VALUE}).")
        String fill;

        @Option(names = "--ingest-flows", defaultValue = "200000", description = "With --fill direct: the flows sent"
                + " through the API and measured as ingest (default ${DEFAULT-VALUE}).")
        int ingestFlows;

        @Option(names = "--query-runs", defaultValue = "5", description = "Runs of each query; the figures are the"
                + " median (default ${DEFAULT-VALUE}).")
        int queryRuns;

        @Override
        public Integer call() {
            dev.cordon.pce.bench.TrafficBench.Options o;
            try {
                o = new dev.cordon.pce.bench.TrafficBench.Options(flows, batch, senders, senders, dbUrl, fill,
                        ingestFlows, queryRuns);
            } catch (IllegalArgumentException e) {
                throw new Cli.UserError("bad_size: " + e.getMessage());
            }
            new dev.cordon.pce.bench.TrafficBench(System.out).run(o);
            return Cli.OK;
        }
    }

    @Command(name = "console", mixinStandardHelpOptions = true,
            description = "An org of --labels labels and --workloads workloads in one PCE; every console picker search and"
                    + " list page (search, sort, paging) timed, p50/p99 against the API call that answers the same"
                    + " question in the same run, and the 500 ms goal.",
            footer = {"", "Example:", "  cordon bench console --labels 10000 --workloads 100000 --samples 20"})
    static final class ConsoleBenchCommand implements Callable<Integer> {
        @Option(names = "--labels", defaultValue = "10000", description = "Labels in all (default ${DEFAULT-VALUE}).")
        int labels;

        @Option(names = "--workloads", defaultValue = "100000", description = "Workloads (default ${DEFAULT-VALUE}).")
        int workloads;

        @Option(names = "--rules", defaultValue = "1000", description = "Rules, at least 4 (default ${DEFAULT-VALUE}).")
        int rules;

        @Option(names = "--samples", defaultValue = "20", description = "Timed asks per measure, at least 3 (default ${DEFAULT-VALUE}).")
        int samples;

        @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() {
            dev.cordon.pce.bench.ConsoleBench.Options o;
            try {
                o = new dev.cordon.pce.bench.ConsoleBench.Options(labels, workloads, rules, samples, seed);
            } catch (IllegalArgumentException e) {
                throw new Cli.UserError("bad_size: " + e.getMessage());
            }
            new dev.cordon.pce.bench.ConsoleBench(System.out, System.err).run(o);
            return Cli.OK;
        }
    }
}
