package dev.cordon.cli;

import dev.cordon.pce.bench.ApiBench;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cordon bench api}: concurrent mixed admin-API clients against one PCE, with a same-run baseline. */
@Command(name = "api", mixinStandardHelpOptions = true,
        description = {"Starts a PCE on loopback (H2 in a temporary directory, or --db-url), imports and provisions"
                + " a generated org, then runs concurrent clients sending a mix of admin-API calls: reads of labels,"
                + " workloads, rule sets and events; label and IP list creates and updates; policy_check on draft"
                + " and active; a provision --provision-interval-ms after the previous one ended.",
                "Prints one JSON line per call kind (count, errors, p50/p99/max ms), the baseline (the same clients"
                        + " on GET /api/v2/health: what this load generator reaches on this machine) and a summary"
                        + " with the ratios. Progress goes to standard error. An error is any answer other than"
                        + " the expected one (a provision with nothing pending is expected). The PCE and its"
                        + " temporary data are removed at the end."},
        footer = {"", "Examples:", "  cordon bench api                 (50 clients, 30 s, 1000 workloads)",
                "  cordon bench api --clients 4 --seconds 3",
                "  cordon bench api --requests 20000 --workloads 5000 --rules 2000",
                "  cordon bench api --db-url 'jdbc:postgresql://127.0.0.1:5432/scratch?user=u'",
                "  cordon bench api --pce-jvm-arg=-XX:StartFlightRecording=filename=/tmp/pce.jfr",
                "                                   (profile the PCE; read it with jfr print)"})
final class ApiBenchCommand implements Callable<Integer> {
    @Option(names = "--clients", defaultValue = "50", description = "Concurrent clients, 1-1000 (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--seconds", description = "Length of the mixed load in seconds (default 30 unless --requests is given).")
    Integer seconds;

    @Option(names = "--requests", description = "Instead of --seconds: total requests of the mixed load (and of the baseline).")
    Integer requests;

    @Option(names = "--workloads", defaultValue = "1000", description = "Workloads in the seeded org, at least 2 (default ${DEFAULT-VALUE}).")
    int workloads;

    @Option(names = "--rules", defaultValue = "500", description = "Rules in the seeded org, at least 4 (default ${DEFAULT-VALUE}).")
    int rules;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed of the org and the clients (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--provision-interval-ms", defaultValue = "5000",
            description = "A provision this many ms after the last one ended, at least 100 (default ${DEFAULT-VALUE}).")
    int provisionIntervalMs;

    @Option(names = "--db-url", description = "An EMPTY PostgreSQL database (jdbc:postgresql://...) for the PCE instead"
            + " of H2 in a temporary directory; the bench refuses one that already holds a PCE. Its data stays there.")
    String dbUrl;

    @Option(names = "--pce-jvm-arg", description = "An extra JVM option for the PCE process (repeatable), e.g. to"
            + " record a flight recording or set its heap.")
    List<String> pceJvmArgs;

    @Override
    public Integer call() {
        if (seconds != null && requests != null) {
            throw new Cli.UserError("bad_size: give --seconds or --requests, not both.");
        }
        int s = requests == null ? (seconds == null ? 30 : seconds) : 0;
        int r = requests == null ? 0 : requests;
        ApiBench.Options o;
        try {
            o = new ApiBench.Options(workloads, rules, clients, s, r, seed, provisionIntervalMs, dbUrl, pceJvmArgs);
        } catch (IllegalArgumentException e) {
            throw new Cli.UserError("bad_size: " + e.getMessage());
        }
        try {
            new ApiBench(System.out, System.err).run(o);
        } catch (IllegalArgumentException e) {
            throw new Cli.UserError(e.getMessage());
        } catch (IllegalStateException e) {
            throw new Cli.UserError("bench_failed: " + e.getMessage(), Cli.FAILED);
        }
        return Cli.OK;
    }
}
