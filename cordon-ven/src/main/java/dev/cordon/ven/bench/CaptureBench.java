package dev.cordon.ven.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.dataplane.bench.DataplaneBench;
import dev.cordon.dataplane.bench.LoadClient;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.dataplane.exec.ProcessCommandRunner;
import dev.cordon.policy.compile.FirewallPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * {@code cordon bench capture}: what the VEN's traffic capture costs and where it starts to lose events. Two network
 * namespaces (server and client on a veth pair, created here and always deleted), the dataplane bench's policy
 * applied in the server's (with its flow tags, as a VEN applies it), and the dataplane bench's compiled load client.
 * Prints one JSON line per measure:
 * <ul>
 *   <li>{@code connect_rate}: the client's TCP connect rate, as fast as it goes, with the VEN's capture on (a
 *       {@link CaptureRun}: conntrack events + NFLOG → aggregator → spool) against the same policy with capture off,
 *       in alternating rounds of the same run (median of each); the ratio is the figure. With it, each round's CPU
 *       per connect (the kernel in the client's context, the server, the VEN's process) and {@code cpu_ratio}, off
 *       over on: what the rate's ratio is on a CPU-bound machine, and what a loaded machine still measures.</li>
 *   <li>{@code loss} per offered rate (the client paced): connects made, NEW events delivered, connections in the
 *       spooled summaries, what is missing, the kernel's overruns, the aggregator's and the spool's drops, and the
 *       CPU of the capture's reader threads and of the whole process per 1k flows/s.</li>
 *   <li>{@code loss_onset}: the lowest offered rate that lost anything (null: none did).</li>
 * </ul>
 * Needs root, iproute2, iptables/ipset (or nft) and a C compiler for the load client.
 */
public final class CaptureBench {
    /** Benchmark options. */
    public record Options(int rules, int peers, int rounds, Duration each, List<Integer> rates, Backends.Choice backend,
                          PrintStream out) {
        public Options {
            if (rules < 1 || peers < rules) {
                throw new IllegalArgumentException("--rules must be at least 1 and --peers at least --rules (got rules="
                        + rules + ", peers=" + peers + ")");
            }
            if (rounds < 1) throw new IllegalArgumentException("--repeats must be at least 1 (got " + rounds + ")");
            if (each.toMillis() < 1000) throw new IllegalArgumentException("--connect-seconds must be at least 1");
            rates = List.copyOf(rates);
            for (int r : rates) {
                if (r < 100) throw new IllegalArgumentException("every --rates value must be at least 100 connects/s (got " + r + ")");
            }
        }

        public static List<Integer> defaultRates() {
            return List.of(5_000, 10_000, 20_000, 30_000, 40_000, 50_000);
        }
    }

    private static final String SERVER_IP = "10.255.0.1";
    private static final String CLIENT_IP = "10.255.0.2";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Options o;

    public CaptureBench(Options o) {
        this.o = o;
    }

    public void run() {
        CommandRunner root = ProcessCommandRunner.host();
        String id = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
        String srv = "cdp-cap-" + id + "-s";
        String cli = "cdp-cap-" + id + "-c";
        Process server = null;
        LoadClient load = null;
        Path spoolRoot = null;
        NewConnections truth = null;
        try {
            sh(root, "ip", "netns", "add", srv);
            sh(root, "ip", "netns", "add", cli);
            sh(root, "ip", "-n", srv, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", cli);
            for (String[] ns : new String[][] {{srv, SERVER_IP}, {cli, CLIENT_IP}}) {
                sh(root, "ip", "-n", ns[0], "link", "set", "lo", "up");
                sh(root, "ip", "-n", ns[0], "link", "set", "eth0", "up");
                sh(root, "ip", "-n", ns[0], "addr", "add", ns[1] + "/24", "dev", "eth0");
            }
            sh(root, "ip", "netns", "exec", cli, "sysctl", "-q", "-w", "net.ipv4.tcp_tw_reuse=1");
            CommandRunner inServer = ProcessCommandRunner.inNamespace(srv);
            FirewallPolicy policy = DataplaneBench.policy(o.rules(), o.peers(), CLIENT_IP);
            int port = 20000 + o.rules() - 1;
            Backends.Choice backend = Backends.resolve(inServer, o.backend());
            Dataplane dp = Backends.create(inServer, backend);
            dp.apply(policy);
            spoolRoot = Files.createTempDirectory("cordon-capture-bench-");
            load = LoadClient.prepare();
            if (!load.kind().equals("c")) throw new IllegalStateException("bench capture needs the C load client: install cc");
            server = load.startServer(srv, port);
            truth = NewConnections.install(inServer, port);
            CaptureRun.Setup setup = new CaptureRun.Setup(srv, java.util.Set.of(SERVER_IP), policy, spoolRoot, truth);
            double load0 = loadAverage();

            // warm-up: the JIT compiles the capture path, conntrack and the sockets reach their steady state
            try (CaptureRun warm = CaptureRun.start(setup, "warm")) {
                load.run(cli, SERVER_IP, port, Duration.ofMillis(Math.min(2000, o.each().toMillis())), 0);
            }

            double[] on = new double[o.rounds()];
            double[] off = new double[o.rounds()];
            // CPU per completed connect, microseconds: the kernel in the client's context (on a veth pair most of the
            // server side's packet path, conntrack and its events included, runs there), the server process, and
            // with capture on the VEN's process (readers, aggregator, spool). Load stretches time, not CPU work, so
            // these are the figures a loaded machine still gives honestly; their ratio is the connect rate's
            // ratio on a CPU-bound machine.
            double[] kernelOff = new double[o.rounds()];
            double[] kernelOn = new double[o.rounds()];
            double[] totalOff = new double[o.rounds()];
            double[] totalOn = new double[o.rounds()];
            double[] venOn = new double[o.rounds()];
            long lostAtFull = 0;
            for (int i = 0; i < o.rounds(); i++) {
                LoadClient.Run c = load.sample(cli, SERVER_IP, port, o.each(), server);
                off[i] = c.perSecond();
                kernelOff[i] = c.clientSystemUs();
                totalOff[i] = c.clientUserUs() + c.clientSystemUs() + Math.max(0, c.serverUs());
                CaptureRun.Outcome r = measured(setup, "full-" + i, load, cli, port, 0, server);
                on[i] = r.client().perSecond();
                kernelOn[i] = r.client().clientSystemUs();
                venOn[i] = r.client().completed() == 0 ? 0 : r.processCpuSeconds() * 1e6 / r.client().completed();
                totalOn[i] = r.client().clientUserUs() + r.client().clientSystemUs()
                        + Math.max(0, r.client().serverUs()) + venOn[i];
                lostAtFull += r.missing();
            }
            emit("connect_rate", String.format(Locale.ROOT, "\"backend\":\"%s\",\"capture_on_per_s\":%.0f,"
                    + "\"capture_off_per_s\":%.0f,\"ratio\":%.3f,\"target_ratio\":0.85,\"rounds\":%d,"
                    + "\"kernel_us_per_connect_off\":%.1f,\"kernel_us_per_connect_on\":%.1f,"
                    + "\"ven_us_per_connect\":%.2f,\"cpu_us_per_connect_off\":%.1f,\"cpu_us_per_connect_on\":%.1f,"
                    + "\"cpu_ratio\":%.3f,"
                    + "\"events_missing_at_full_speed\":%d,\"load_avg_1m\":%.2f", backend.wire(), median(on),
                    median(off), median(on) / median(off), o.rounds(), median(kernelOff), median(kernelOn),
                    median(venOn), median(totalOff), median(totalOn), median(totalOff) / median(totalOn), lostAtFull,
                    load0));

            Integer onset = null;
            for (int rate : o.rates()) {
                CaptureRun.Outcome r = measured(setup, "rate-" + rate, load, cli, port, rate, null);
                emit("loss", "\"offered_per_s\":" + rate + "," + r.jsonFields() + String.format(Locale.ROOT,
                        ",\"load_avg_1m\":%.2f", loadAverage()));
                if (onset == null && r.lost()) onset = rate;
            }
            emit("loss_onset", "\"loss_starts_per_s\":" + onset + ",\"rates\":" + o.rates().toString().replace(" ", "")
                    + ",\"target_no_loss_below_per_s\":10000");
            truth.close();
            truth = null;
            dp.remove();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (truth != null) truth.close();
            if (server != null) LoadClient.stop(server);
            if (load != null) load.close();
            root.run("ip", "netns", "del", srv);
            root.run("ip", "netns", "del", cli);
            if (spoolRoot != null) root.run("rm", "-rf", spoolRoot.toString());
        }
    }

    /**
     * One client run with capture on; the capture stops once the connections' events had time to arrive. Unpaced
     * with {@code server} given (its CPU per connect measured), else paced at {@code rate}.
     */
    private CaptureRun.Outcome measured(CaptureRun.Setup setup, String name, LoadClient load, String cli, int port, int rate,
                                        Process server) {
        CaptureRun run = CaptureRun.start(setup, name);
        LoadClient.Run client;
        try {
            client = server != null ? load.sample(cli, SERVER_IP, port, o.each(), server)
                    : load.run(cli, SERVER_IP, port, o.each(), rate);
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
        return run.finish(client);
    }

    /**
     * What the spooled batches (the VEN's real output) say: connections summed over their flows, then the kernel,
     * aggregator and spool drops they report.
     */
    static long[] spooled(List<Path> files) {
        long[] n = new long[4];
        for (Path f : files) {
            try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(f))) {
                dev.cordon.protocol.flows.FlowBatch b = JSON.readValue(in, dev.cordon.protocol.flows.FlowBatch.class);
                for (var s : b.flows()) {
                    if (!"snapshot".equals(s.state())) n[0] += s.connections(); // the start-up dump: earlier runs
                }
                n[1] += b.dropped().kernel();
                n[2] += b.dropped().aggregator();
                n[3] += b.dropped().spool();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return n;
    }

    private void emit(String measure, String fields) {
        o.out().println("{\"bench\":\"capture\",\"measure\":\"" + measure + "\",\"rules\":" + o.rules() + ",\"peers\":"
                + o.peers() + "," + fields + "}");
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void sh(CommandRunner r, String... argv) {
        CommandResult res = r.run(argv);
        if (!res.ok()) throw new IllegalStateException("bench: `" + res.commandLine() + "` failed: " + res.stderr().strip());
    }

    private static double median(double[] a) {
        double[] c = a.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    public static List<Integer> parseRates(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            if (!s.isBlank()) out.add(Integer.parseInt(s.strip()));
        }
        return out;
    }
}
