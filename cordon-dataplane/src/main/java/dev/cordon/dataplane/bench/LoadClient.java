package dev.cordon.dataplane.bench;

import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.ProcessCommandRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The connect-rate load tool of the dataplane bench: {@code connrate.c} (a resource of this package), compiled here
 * with the system's {@code cc}. It keeps many non-blocking connects in flight from two worker processes and resets
 * each completed one (an RST, so no TIME_WAIT) to connect the same socket again, so that the firewall, not the client,
 * sets the rate (the Python client it replaced topped out near 14k connects/s here). The server drains its accept
 * queue at each epoll wakeup. Client and server worker {@code w} are pinned to CPU {@code w}, and server worker {@code w}'s
 * listener takes the connections whose SYN arrives on CPU {@code w} ({@code SO_INCOMING_CPU}), so a connection's
 * packets, accept and wakeups stay on one core ({@code CONNRATE_PIN=0} in the bench's environment turns both off). The client reports its own CPU per connect ({@link Sample}): its user part is a fraction
 * of a microsecond, so what bounds the rate with no firewall is the kernel's TCP work for each connect on the
 * machine's cores, not the client. Without a C compiler the bench falls back to that
 * Python client and says so ({@link #kind()} = "python"): its ratios then understate the firewall's cost.
 */
public final class LoadClient implements AutoCloseable {
    /** Connects in flight per client worker. */
    static final int INFLIGHT = 64;
    /** Client and server worker processes (one per core of the 2-core machine the figures come from). */
    static final int WORKERS = 2;

    private static final String PY_SERVER = String.join("\n",
            "import socket", "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind(('0.0.0.0', int(__import__('sys').argv[1]))); s.listen(4096); print('ready', flush=True)",
            "while True:", "    c, _ = s.accept()", "    while c.recv(64): pass", "    c.close()");
    private static final String PY_CLIENT = String.join("\n",
            "import socket, sys, time", "host, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])",
            "n = 0; end = time.time() + secs", "while time.time() < end:",
            "    s = socket.create_connection((host, port), timeout=2); s.close(); n += 1",
            "print(n / secs, 0)");

    private final Path dir;
    private final Path binary;

    private LoadClient(Path dir, Path binary) {
        this.dir = dir;
        this.binary = binary;
    }

    /** Compiles the C tool into a temporary directory, or settles for Python when there is no {@code cc}. */
    public static LoadClient prepare() {
        try {
            Path dir = Files.createTempDirectory("cordon-bench-");
            Path src = dir.resolve("connrate.c");
            try (InputStream in = LoadClient.class.getResourceAsStream("connrate.c")) {
                if (in == null) throw new IllegalStateException("connrate.c is missing from the jar");
                Files.write(src, in.readAllBytes());
            }
            Path bin = dir.resolve("connrate");
            CommandResult cc = ProcessCommandRunner.host().run(List.of("cc", "-O2", "-o", bin.toString(), src.toString()),
                    "", Duration.ofMinutes(1));
            return new LoadClient(dir, cc.ok() && Files.isExecutable(bin) ? bin : null);
        } catch (IOException e) {
            throw new IllegalStateException("bench: cannot prepare the load client: " + e.getMessage(), e);
        }
    }

    /** "c" (the compiled tool) or "python" (no C compiler: the client may be the bottleneck). */
    public String kind() {
        return binary != null ? "c" : "python";
    }

    /** Starts the accepting server in namespace {@code ns} and waits until it listens. */
    public Process startServer(String ns, int port) {
        List<String> argv = binary != null
                ? List.of("ip", "netns", "exec", ns, binary.toString(), "server", String.valueOf(port), String.valueOf(WORKERS))
                : List.of("ip", "netns", "exec", ns, "python3", "-c", PY_SERVER, String.valueOf(port));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (!"ready".equals(line)) {
                stop(p);
                throw new IllegalStateException("bench server did not start: " + line);
            }
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the bench server: " + e.getMessage(), e);
        }
    }

    /** Stops a server started here, its worker processes first. */
    public static void stop(Process p) {
        p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** Completed TCP connects per second from namespace {@code ns} to {@code host:port} over {@code d}. */
    public double rate(String ns, String host, int port, Duration d) {
        return run(ns, host, port, d, 0, null).perSecond();
    }

    /**
     * One client run: completed connects per second, failed connects, the run's length, and where the CPU went per
     * completed connect, in microseconds: the client's own code (user), the kernel in the client's context (system:
     * on a veth pair that includes most of the server side's packet processing, which runs in the sender's
     * context), and the {@code server} process tree (-1 when not given or not known). The Python client reports no
     * CPU (-1).
     */
    public record Run(double perSecond, long failed, Duration length, double clientUserUs, double clientSystemUs,
                      double serverUs) {
        /** Completed connects in the whole run. */
        public long completed() {
            return Math.round(perSecond * length.toMillis() / 1000.0);
        }
    }

    /**
     * One client run offering at most {@code cap} connects per second ({@code 0}: as fast as it can). The Python
     * fallback cannot pace and refuses a cap.
     */
    public Run run(String ns, String host, int port, Duration d, int cap) {
        return run(ns, host, port, d, cap, null);
    }

    /** One run as fast as the client can, with the CPU per connect of the client and of {@code server}. */
    public Run sample(String ns, String host, int port, Duration d, Process server) {
        return run(ns, host, port, d, 0, server);
    }

    private Run run(String ns, String host, int port, Duration d, int cap, Process server) {
        if (cap > 0 && binary == null) throw new IllegalStateException("bench: pacing needs the C load client (install cc)");
        String secs = String.valueOf(d.toMillis() / 1000.0);
        List<String> argv = binary != null
                ? List.of(binary.toString(), "client", host, String.valueOf(port), secs, String.valueOf(INFLIGHT),
                        String.valueOf(WORKERS), String.valueOf(cap))
                : List.of("python3", "-c", PY_CLIENT, host, String.valueOf(port), secs);
        long server0 = cpuNanos(server);
        CommandResult r = ProcessCommandRunner.inNamespace(ns).run(argv, "", d.plusSeconds(30));
        long server1 = cpuNanos(server);
        if (!r.ok()) throw new IllegalStateException("bench: `" + r.commandLine() + "` failed: " + r.stderr().strip());
        String[] f = r.stdout().strip().split("\\s+");
        double rate = Double.parseDouble(f[0]);
        double connects = rate * d.toMillis() / 1000.0;
        double serverUs = server0 < 0 || server1 < 0 || connects <= 0 ? -1 : (server1 - server0) / 1e3 / connects;
        return new Run(rate, f.length > 1 ? Long.parseLong(f[1]) : 0, d,
                f.length > 3 ? Double.parseDouble(f[2]) : -1, f.length > 3 ? Double.parseDouble(f[3]) : -1, serverUs);
    }

    /** CPU time of a process and its descendants (the server's workers), or -1 when unknown. */
    private static long cpuNanos(Process p) {
        if (p == null) return -1;
        long[] sum = {0};
        boolean[] known = {true};
        java.util.stream.Stream.concat(java.util.stream.Stream.of(p.toHandle()), p.toHandle().descendants()).forEach(h ->
                h.info().totalCpuDuration().ifPresentOrElse(c -> sum[0] += c.toNanos(), () -> known[0] = false));
        return known[0] ? sum[0] : -1;
    }

    @Override
    public void close() {
        ProcessCommandRunner.host().run("rm", "-rf", dir.toString());
    }
}
