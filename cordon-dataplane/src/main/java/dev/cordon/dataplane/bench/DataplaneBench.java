package dev.cordon.dataplane.bench;

import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.TamperReport;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.dataplane.exec.ProcessCommandRunner;
import dev.cordon.dataplane.iptables.render.DesiredState;
import dev.cordon.dataplane.iptables.render.IptablesRenderer;
import dev.cordon.dataplane.nftables.render.NftDesired;
import dev.cordon.dataplane.nftables.render.NftRenderer;
import dev.cordon.dataplane.nftables.render.NftScript;
import dev.cordon.dataplane.iptables.render.RestoreScript;
import dev.cordon.dataplane.iptables.render.SetSpec;
import dev.cordon.dataplane.iptables.render.TableSpec;
import dev.cordon.dataplane.iptables.render.Tools;
import dev.cordon.policy.compile.Action;
import dev.cordon.policy.compile.AddressSet;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.PolicyEntry;
import dev.cordon.policy.compile.WorkloadRef;
import dev.cordon.policy.model.EnforcementMode;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * {@code cordon bench dataplane --rules N --peers M}: measures the dataplane in two network namespaces it creates
 * (server and client joined by a veth pair) and always deletes. Prints one JSON line per measure:
 * render time; apply time against a raw {@code ipset restore} + {@code iptables-restore} of the same text
 * (ratio); tamper check time (fast and full); TCP connect rate through the applied policy, the matching rule
 * placed last, against no firewall and against a minimal stateful firewall (ratios, {@link ConnectRate}, measured
 * with the compiled {@link LoadClient}). The policy: {@code rules} inbound allow entries, each its own TCP
 * port and its own peer set, the {@code peers} addresses spread evenly over them. Needs root, iptables, ipset,
 * iproute2 and a C compiler ({@code cc}; without one, python3).
 */
public final class DataplaneBench {
    /** Benchmark options; {@link #defaults()} are the published targets' sizes. */
    public record Options(int rules, int peers, int repeats, Duration connectFor, PrintStream out) {
        public Options {
            if (rules < 1 || peers < rules) {
                throw new IllegalArgumentException("--rules must be at least 1 and --peers at least --rules (got rules="
                        + rules + ", peers=" + peers + ")");
            }
            if (repeats < 1) throw new IllegalArgumentException("--repeats must be at least 1 (got " + repeats + ")");
            if (connectFor.isNegative() || connectFor.isZero()) {
                throw new IllegalArgumentException("--connect-seconds must be at least 1 (got " + connectFor.toSeconds() + ")");
            }
        }

        public static Options defaults() {
            return new Options(1000, 100_000, 3, Duration.ofSeconds(3), System.out);
        }
    }

    private DataplaneBench() {}

    public static void main(String[] args) {
        Options d = Options.defaults();
        int rules = d.rules();
        int peers = d.peers();
        Backends.Choice backend = Backends.Choice.IPTABLES;
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--rules")) rules = Integer.parseInt(args[i + 1]);
            if (args[i].equals("--peers")) peers = Integer.parseInt(args[i + 1]);
            if (args[i].equals("--backend")) backend = Backends.Choice.parse(args[i + 1]);
        }
        run(new Options(rules, peers, d.repeats(), d.connectFor(), System.out), backend);
    }

    /** The benchmark policy: entry i allows tcp/(20000+i) from its own peer set; the client is in the last set. */
    public static FirewallPolicy policy(int rules, int peers, String client) {
        List<AddressSet> sets = new ArrayList<>();
        List<PolicyEntry> in = new ArrayList<>();
        int per = peers / rules;
        int next = 0;
        for (int r = 0; r < rules; r++) {
            List<String> v4 = new ArrayList<>();
            int count = r == rules - 1 ? peers - next : per;
            for (int k = 0; k < count; k++, next++) {
                int a = 0x0A800000 + next; // 10.128.0.0/9
                v4.add(((a >>> 24) & 255) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255) + "/32");
            }
            if (r == rules - 1) v4.set(v4.size() - 1, client + "/32");
            sets.add(new AddressSet("b" + r, "bench peers " + r, v4, List.of()));
            in.add(new PolicyEntry(Action.ALLOW, "b" + r, null, 6, 20000 + r, null, null, null, false, "/bench/rules/" + r, "/bench"));
        }
        return FirewallPolicy.of(new WorkloadRef("/bench/server", "server"), 1, EnforcementMode.FULL,
                Coexistence.EXCLUSIVE, sets, in, List.of(), List.of(), List.of());
    }

    public static void run(Options o) {
        run(o, Backends.Choice.IPTABLES);
    }

    /** The bench on the chosen backend ({@code --backend}); "raw" is that backend's own tools fed the same state. */
    public static void run(Options o, Backends.Choice choice) {
        CommandRunner root = ProcessCommandRunner.host();
        String id = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
        String srv = "cdp-bench-" + id + "-s";
        String cli = "cdp-bench-" + id + "-c";
        List<Process> procs = new ArrayList<>();
        LoadClient load = null;
        try {
            sh(root, "ip", "netns", "add", srv);
            sh(root, "ip", "netns", "add", cli);
            sh(root, "ip", "-n", srv, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", cli);
            for (String[] ns : new String[][] {{srv, "10.255.0.1"}, {cli, "10.255.0.2"}}) {
                sh(root, "ip", "-n", ns[0], "link", "set", "lo", "up");
                sh(root, "ip", "-n", ns[0], "link", "set", "eth0", "up");
                sh(root, "ip", "-n", ns[0], "addr", "add", ns[1] + "/24", "dev", "eth0");
            }
            // The client closes first, so TIME_WAIT sits on the client, where tcp_tw_reuse recycles ports.
            sh(root, "ip", "netns", "exec", cli, "sysctl", "-q", "-w", "net.ipv4.tcp_tw_reuse=1");
            CommandRunner server = ProcessCommandRunner.inNamespace(srv);
            FirewallPolicy policy = policy(o.rules(), o.peers(), "10.255.0.2");
            int port = 20000 + o.rules() - 1;

            Backends.Choice backend = Backends.resolve(server, choice);
            emit(o, "backend", "\"backend\":\"" + backend.wire() + "\"");
            long[] render = new long[Math.max(3, o.repeats())];
            DesiredState desired = null;
            NftDesired nft = null;
            for (int i = 0; i < render.length; i++) {
                long t = System.nanoTime();
                if (backend == Backends.Choice.NFTABLES) {
                    nft = NftRenderer.render(policy);
                    nft.text();
                } else {
                    desired = IptablesRenderer.render(policy);
                    desired.text();
                }
                render[i] = System.nanoTime() - t;
            }
            if (nft != null) {
                emit(o, "render", "\"ms\":" + ms(median(render)) + ",\"sets\":" + nft.tables().stream().mapToInt(x -> x.sets().size()).sum()
                        + ",\"set_members\":" + nft.tables().stream().flatMap(x -> x.sets().stream()).mapToInt(x -> x.elements().size()).sum());
            } else {
                emit(o, "render", "\"ms\":" + ms(median(render)) + ",\"sets\":" + desired.sets().size()
                        + ",\"set_members\":" + desired.sets().stream().mapToInt(s -> s.members().size()).sum());
            }

            Dataplane dp = Backends.create(server, backend);
            final DesiredState iptDesired = desired;
            final NftDesired nftDesired = nft;
            long[] raw = new long[o.repeats()];
            long[] apply = new long[o.repeats()];
            long[] reapply = new long[o.repeats()];
            long rawCpu = 0;
            long applyCpu = 0;
            for (int i = 0; i < o.repeats(); i++) {
                dp.remove();
                long c = CpuTime.micros();
                raw[i] = nftDesired != null ? rawNft(server, nftDesired) : rawApply(server, iptDesired);
                rawCpu += CpuTime.micros() - c;
                dp.remove();
                c = CpuTime.micros();
                long t = System.nanoTime();
                dp.apply(policy);
                apply[i] = System.nanoTime() - t;
                applyCpu += CpuTime.micros() - c;
                t = System.nanoTime();
                dp.apply(policy);
                reapply[i] = System.nanoTime() - t;
            }
            // "ms"/"ratio": the apply of a policy the dataplane has rendered before (both backends keep the last
            // state they rendered: repairs and re-applies reuse it); a new policy costs the render measure on top, hence
            // "ratio_with_render". "cpu_ms"/"cpu_ratio": CPU of this process and the tools it ran, per apply (the
            // figure load does not distort: wall time on a busy machine is mostly the wait for a core)
            emit(o, "apply", "\"ms\":" + ms(median(apply)) + ",\"raw_ms\":" + ms(median(raw)) + ",\"ratio\":"
                    + ratio(median(apply), median(raw)) + ",\"reapply_ms\":" + ms(median(reapply)) + ",\"render_ms\":"
                    + ms(median(render)) + ",\"ratio_with_render\":" + ratio(median(apply) + median(render), median(raw))
                    + ",\"cpu_ms\":" + ms(applyCpu * 1000 / o.repeats()) + ",\"raw_cpu_ms\":" + ms(rawCpu * 1000 / o.repeats())
                    + ",\"cpu_ratio\":" + ratio(applyCpu, rawCpu) + ",\"load_avg_1m\":" + ConnectRate.loadAverage()
                    + ",\"target_ratio\":1.1");

            long[] fast = new long[20];
            for (int i = 0; i < fast.length; i++) {
                long t = System.nanoTime();
                TamperReport r = dp.check();
                fast[i] = System.nanoTime() - t;
                if (r.tampered()) throw new IllegalStateException("bench: unexpected tampering: " + r.describe());
            }
            Arrays.sort(fast);
            long t = System.nanoTime();
            dp.checkFull();
            long full = System.nanoTime() - t;
            emit(o, "tamper_check", "\"ms\":" + ms(fast[fast.length / 2]) + ",\"p95_ms\":" + ms(fast[fast.length * 95 / 100])
                    + ",\"full_ms\":" + ms(full) + ",\"target_ms\":50");

            // detect-and-repair: a flushed CORDON-INPUT, with the change watch (the VEN's way) and with the 1 s poll alone
            List<String> tamper = backend == Backends.Choice.NFTABLES
                    ? List.of("nft", "flush", "chain", "ip", "cordon", "CORDON-INPUT")
                    : List.of("iptables", "-w", "-F", "CORDON-INPUT");
            TamperRepair.Result evented = TamperRepair.measure(dp, server, tamper, 30, true, Duration.ofSeconds(1));
            TamperRepair.Result polled = TamperRepair.measure(dp, server, tamper, 10, false, Duration.ofSeconds(1));
            emit(o, "tamper_repair", evented.fields("") + "," + polled.fields("poll_") + ",\"events\":" + evented.live()
                    + ",\"samples\":" + evented.ms().length + ",\"poll_samples\":" + polled.ms().length
                    + ",\"poll_ms\":1000,\"ratio_p50\":" + String.format(Locale.ROOT, "%.3f", evented.p(50) / polled.p(50))
                    + ",\"target_p50_ms\":100");

            load = LoadClient.prepare();
            Process serverProcess = load.startServer(srv, port);
            procs.add(serverProcess);
            // the baseline in the backend's own tool: iptables-nft's chains and a native nft table differ in cost
            MinimalFirewall minimal = backend == Backends.Choice.NFTABLES ? MinimalFirewall.NFTABLES : MinimalFirewall.IPTABLES;
            // iptables: the rounds switch Cordon's tables only, its sets stay loaded (IptablesTableSwitch); nftables
            // sets live in its table, so there a switch is the dataplane's own remove and apply
            ConnectRate.Firewall cordonSwitch = backend == Backends.Choice.NFTABLES ? new ConnectRate.Firewall() {
                @Override
                public void applyCordon() {
                    dp.apply(policy);
                }

                @Override
                public void removeCordon() {
                    dp.remove();
                }
            } : new IptablesTableSwitch(server, iptDesired);
            ConnectRate.Result rate = ConnectRate.measure(load, serverProcess, cordonSwitch, minimal, server, cli,
                    "10.255.0.2", "10.255.0.1", port, o.connectFor(), o.repeats());
            dp.remove();
            emit(o, "connect_rate", rate.jsonFields() + ",\"minimal_firewall\":\"" + minimal.name().toLowerCase(Locale.ROOT) + "\"");
        } finally {
            for (Process p : procs) LoadClient.stop(p);
            if (load != null) load.close();
            root.run("ip", "netns", "del", srv);
            root.run("ip", "netns", "del", cli);
        }
    }

    /** The same tables as one plain {@code nft -f} of the whole batch. */
    private static long rawNft(CommandRunner ns, NftDesired desired) {
        String script = NftScript.full(desired, "");
        long t = System.nanoTime();
        check(ns.run(List.of("nft", "-f", "-"), script, Duration.ofMinutes(2)));
        return System.nanoTime() - t;
    }

    /**
     * The same sets and tables fed to the tools as anyone would: one {@code ipset restore}, then one
     * {@code iptables-restore} (and one {@code ip6tables-restore}) of every table.
     */
    private static long rawApply(CommandRunner ns, DesiredState desired) {
        // the built-in chains the apply declares on this variant (iptables-nft: only those Cordon jumps from)
        RestoreScript.Builtins builtins = new dev.cordon.dataplane.iptables.apply.Kernel(ns).builtins();
        StringBuilder sets = new StringBuilder();
        for (SetSpec s : desired.sets()) s.appendRestore(sets, s.name());
        long t = System.nanoTime();
        check(ns.run(List.of("ipset", "restore"), sets.toString(), Duration.ofMinutes(2)));
        for (Family f : Family.values()) {
            StringBuilder tables = new StringBuilder();
            for (TableSpec ts : desired.tables(f)) tables.append(RestoreScript.fresh(ts, desired.coexistence(), builtins));
            if (tables.length() > 0) check(ns.run(List.of(Tools.restoreCommand(f), "-w"), tables.toString(), Duration.ofMinutes(2)));
        }
        return System.nanoTime() - t;
    }

    private static void check(CommandResult r) {
        if (!r.ok()) throw new IllegalStateException("bench: `" + r.commandLine() + "` failed: " + r.stderr().strip());
    }

    private static void sh(CommandRunner r, String... argv) {
        check(r.run(argv));
    }

    private static void emit(Options o, String measure, String fields) {
        o.out().println("{\"bench\":\"dataplane\",\"measure\":\"" + measure + "\",\"rules\":" + o.rules() + ",\"peers\":"
                + o.peers() + "," + fields + "}");
    }

    private static long median(long[] a) {
        long[] c = a.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static String ratio(long a, long b) {
        return String.format(Locale.ROOT, "%.2f", (double) a / b);
    }
}
