package dev.cordon.dataplane.bench;

import dev.cordon.dataplane.exec.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The connect-rate part of the dataplane bench, backend-neutral: the TCP connect rate through Cordon's applied
 * policy against two baselines measured in the same run, no firewall and the {@link MinimalFirewall} of the same
 * backend. The three are measured in rounds (Cordon, none, minimal), so a machine that slows down during the run
 * slows all three alike; each figure is the median over the rounds.
 */
public final class ConnectRate {
    /**
     * Medians in connects per second, which client measured them, the machine's 1-minute load average when the
     * measurement began (other work on the machine makes every rate, and the ratios, unreliable), the CPU per
     * connect of the median no-firewall round ({@link LoadClient.Run}: how far the client's own code is from
     * being what limits the rate), and the medians of the whole CPU per completed connect (client and server
     * processes, user and system, in µs) of each kind of round: what a connect costs whatever else the machine
     * does, so {@link #cpuRatioToMinimal} is the load-robust form of {@link #ratioToMinimal}.
     */
    public record Result(double cordon, double none, double minimal, String client, double loadAverage,
                         LoadClient.Run noneCpu, double cordonCpuUs, double noneCpuUs, double minimalCpuUs) {
        public double ratioToNone() {
            return cordon / none;
        }

        public double ratioToMinimal() {
            return cordon / minimal;
        }

        /**
         * The minimal firewall's CPU per connect over Cordon's: 1.0 when Cordon costs what the minimal one does; -1
         * when the client reports no CPU (the Python fallback).
         */
        public double cpuRatioToMinimal() {
            return minimalCpuUs < 0 || cordonCpuUs <= 0 ? -1 : minimalCpuUs / cordonCpuUs;
        }

        /** The fields of the bench's {@code connect_rate} JSON line (the first three as before). */
        public String jsonFields() {
            return String.format(Locale.ROOT, "\"per_s\":%.0f,\"no_firewall_per_s\":%.0f,\"ratio\":%.2f,"
                    + "\"target_ratio\":0.5,\"minimal_firewall_per_s\":%.0f,\"ratio_to_minimal\":%.2f,"
                    + "\"target_ratio_to_minimal\":0.95,\"client\":\"%s\",\"load_avg_1m\":%.2f,"
                    + "\"no_firewall_target_per_s\":50000,\"no_firewall_client_user_us\":%.2f,"
                    + "\"no_firewall_client_system_us\":%.2f,\"no_firewall_server_us\":%.2f,\"cores\":%d,"
                    + "\"cpu_us_per_connect\":%.1f,\"no_firewall_cpu_us_per_connect\":%.1f,"
                    + "\"minimal_firewall_cpu_us_per_connect\":%.1f,\"cpu_ratio_to_minimal\":%.3f",
                    cordon, none, ratioToNone(), minimal, ratioToMinimal(), client, loadAverage, noneCpu.clientUserUs(),
                    noneCpu.clientSystemUs(), noneCpu.serverUs(), Runtime.getRuntime().availableProcessors(),
                    cordonCpuUs, noneCpuUs, minimalCpuUs, cpuRatioToMinimal());
        }
    }

    /** A run's whole CPU per completed connect (client user + system + server), or -1 when a part is unknown. */
    static double cpuPerConnect(LoadClient.Run r) {
        if (r.clientUserUs() < 0 || r.clientSystemUs() < 0 || r.serverUs() < 0) return -1;
        return r.clientUserUs() + r.clientSystemUs() + r.serverUs();
    }

    /** What the bench controls between measurements: Cordon on and off, in the server's namespace. */
    public interface Firewall {
        void applyCordon();

        void removeCordon();
    }

    private ConnectRate() {}

    /**
     * Measures with Cordon applied on entry (and applied again on exit). {@code server} runs commands in the server's
     * namespace; the load goes from {@code clientNs} (address {@code clientAddress}) to {@code host:port}.
     *
     * <p>Every sample of every kind begins the same way ({@link #settle}): the server namespace's conntrack table
     * flushed, this JVM's garbage collected, a pause. The order of the three kinds alternates between rounds
     * (Cordon, none, minimal; then none, minimal, Cordon), so no kind always runs right after the same other one;
     * each figure is the median of its rounds.
     */
    public static Result measure(LoadClient load, Process serverProcess, Firewall cordon, MinimalFirewall minimal,
                                 CommandRunner server, String clientNs, String clientAddress, String host, int port,
                                 Duration each, int rounds) {
        double load0 = loadAverage();
        LoadClient.Run[] with = new LoadClient.Run[rounds];
        LoadClient.Run[] none = new LoadClient.Run[rounds];
        LoadClient.Run[] min = new LoadClient.Run[rounds];
        boolean cordonOn = true;
        for (int i = 0; i < rounds; i++) {
            boolean cordonFirst = i % 2 == 0;
            if (cordonFirst) {
                if (!cordonOn) cordon.applyCordon();
                settle(server);
                with[i] = load.sample(clientNs, host, port, each, serverProcess);
                cordon.removeCordon();
                cordonOn = false;
            }
            settle(server);
            none[i] = load.sample(clientNs, host, port, each, serverProcess);
            if (cordonFirst) {
                min[i] = minimal(load, serverProcess, minimal, server, clientNs, clientAddress, host, port, each);
            } else {
                min[i] = minimal(load, serverProcess, minimal, server, clientNs, clientAddress, host, port, each);
                cordon.applyCordon();
                cordonOn = true;
                settle(server);
                with[i] = load.sample(clientNs, host, port, each, serverProcess);
            }
        }
        if (!cordonOn) cordon.applyCordon();
        LoadClient.Run median = java.util.Arrays.stream(none)
                .sorted(java.util.Comparator.comparingDouble(LoadClient.Run::perSecond)).toList().get(rounds / 2);
        return new Result(medianRate(with), medianRate(none), medianRate(min), load.kind(), load0, median,
                medianCpu(with), medianCpu(none), medianCpu(min));
    }

    private static LoadClient.Run minimal(LoadClient load, Process serverProcess, MinimalFirewall minimal,
                                          CommandRunner server, String clientNs, String clientAddress, String host,
                                          int port, Duration each) {
        minimal.apply(server, clientAddress, port);
        try {
            settle(server);
            return load.sample(clientNs, host, port, each, serverProcess);
        } finally {
            minimal.remove(server);
        }
    }

    private static double medianRate(LoadClient.Run[] runs) {
        return median(Arrays.stream(runs).mapToDouble(LoadClient.Run::perSecond).toArray());
    }

    private static double medianCpu(LoadClient.Run[] runs) {
        return median(Arrays.stream(runs).mapToDouble(ConnectRate::cpuPerConnect).toArray());
    }

    /**
     * Lets the work of the last change finish before a measurement, the same for every kind of sample: the server
     * namespace's conntrack entries flushed (each round leaves tens of thousands in CLOSE state for 10 s, and a SYN
     * that meets one costs a kill and a second lookup: the first seconds of a round after a slow switch, such as a
     * whole re-apply, would otherwise start from fewer of them than one after a fast one), then this JVM's garbage
     * collected (reading 100,000 elements back leaves garbage, and a collection during the next seconds would take
     * CPU from the cores the connects run on) and a pause for what the kernel and the JIT compiler finish in the
     * background. Without the {@code conntrack} tool every sample goes without the flush.
     */
    static void settle(CommandRunner server) {
        server.run(List.of("conntrack", "-F"), "", Duration.ofSeconds(30));
        System.gc();
        try {
            Thread.sleep(SETTLE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("bench interrupted", e);
        }
    }

    static final Duration SETTLE = Duration.ofMillis(1000);

    /** The 1-minute load average, or -1 where /proc/loadavg cannot be read. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static double median(double[] a) {
        double[] c = a.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
