package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.dataplane.exec.ProcessCommandRunner;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * A throw-away network lab for kernel tests: a "switch" namespace holding a bridge, and one namespace per host
 * joined to it by a veth pair. Each host holds only its test address (a /32 or /128) and a device default route,
 * so hosts in different subnets reach each other on one L2 segment without touching the machine's own network.
 * Names carry a random suffix; {@link #close()} deletes every namespace it made (listeners die with them), also
 * when a test failed.
 */
public final class Lab implements AutoCloseable {
    private static final ProcessCommandRunner ROOT = ProcessCommandRunner.host();
    private final String id = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    private final String sw = "cdp-" + id + "-sw";
    private final List<Host> hosts = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    private Lab() {}

    public static Lab create() {
        KernelPreflight.require();
        Lab lab = new Lab();
        try {
            lab.sh("ip", "netns", "add", lab.sw);
            lab.sh("ip", "-n", lab.sw, "link", "add", "br0", "type", "bridge");
            lab.sh("ip", "-n", lab.sw, "link", "set", "br0", "up");
            lab.sh("ip", "-n", lab.sw, "link", "set", "lo", "up");
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /** A host in its own namespace, holding {@code address} on eth0 (null for a namespace with no network). */
    public Host host(String address) {
        int i = hosts.size();
        String ns = "cdp-" + id + "-" + i;
        sh("ip", "netns", "add", ns);
        Host h = new Host(this, ns, address);
        hosts.add(h);
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        if (address != null) {
            String port = "p" + id + i;
            sh("ip", "-n", sw, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
            sh("ip", "-n", sw, "link", "set", port, "master", "br0");
            sh("ip", "-n", sw, "link", "set", port, "up");
            sh("ip", "-n", ns, "link", "set", "eth0", "up");
            boolean v6 = address.contains(":");
            if (v6) {
                sh("ip", "-n", ns, "addr", "add", address + "/128", "dev", "eth0", "nodad");
                sh("ip", "-n", ns, "-6", "route", "add", "default", "dev", "eth0");
            } else {
                sh("ip", "-n", ns, "addr", "add", address + "/32", "dev", "eth0");
                sh("ip", "-n", ns, "route", "add", "default", "dev", "eth0");
            }
        }
        return h;
    }

    public List<Host> hosts() {
        return List.copyOf(hosts);
    }

    @Override
    public void close() {
        for (Process p : processes) p.destroyForcibly();
        for (Host h : hosts) ROOT.run("ip", "netns", "del", h.ns);
        ROOT.run("ip", "netns", "del", sw);
    }

    void sh(String... argv) {
        CommandResult r = ROOT.run(argv);
        if (!r.ok()) throw new IllegalStateException("`" + r.commandLine() + "` failed: " + r.stderr().strip());
    }

    /** One host of the lab. */
    public static final class Host {
        private static final String LISTEN = String.join("\n",
                "import socket, sys, threading",
                "def tcp(port, fam, addr):",
                "    s = socket.socket(fam, socket.SOCK_STREAM); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
                "    s.bind((addr, port)); s.listen(512)",
                "    return s",
                "def serve_tcp(s):",
                "    while True:",
                "        c, _ = s.accept(); c.close()",
                "def serve_udp(s):",
                "    while True:",
                "        d, a = s.recvfrom(2048); s.sendto(d, a)",
                "fam = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET",
                "addr = '::' if fam == socket.AF_INET6 else '0.0.0.0'",
                "for spec in sys.argv[2:]:",
                "    proto, port = spec.split(':'); port = int(port)",
                "    if proto == 'tcp':",
                "        threading.Thread(target=serve_tcp, args=(tcp(port, fam, addr),), daemon=True).start()",
                "    else:",
                "        u = socket.socket(fam, socket.SOCK_DGRAM); u.bind((addr, port))",
                "        threading.Thread(target=serve_udp, args=(u,), daemon=True).start()",
                "print('ready', flush=True)",
                "threading.Event().wait()");
        private static final String PROBE = String.join("\n",
                "import socket, sys",
                "host, port, proto = sys.argv[1], int(sys.argv[2]), sys.argv[3]",
                "fam = socket.AF_INET6 if ':' in host else socket.AF_INET",
                "try:",
                "    if proto == 'tcp':",
                "        s = socket.create_connection((host, port), timeout=1.0); s.close()",
                "    else:",
                "        s = socket.socket(fam, socket.SOCK_DGRAM); s.settimeout(1.0)",
                "        s.sendto(b'cordon', (host, port)); s.recvfrom(64)",
                "    sys.exit(0)",
                "except Exception:",
                "    sys.exit(1)");

        private final Lab lab;
        public final String ns;
        public final String address;
        private final ProcessCommandRunner runner;

        Host(Lab lab, String ns, String address) {
            this.lab = lab;
            this.ns = ns;
            this.address = address;
            this.runner = ProcessCommandRunner.inNamespace(ns);
        }

        public CommandRunner runner() {
            return runner;
        }

        /** A dataplane for this host, through the same factory the CLI and the VEN use. */
        public Dataplane dataplane() {
            return Backends.create(runner);
        }

        /** A dataplane for this host with the given backend. */
        public Dataplane dataplane(Backends.Choice backend) {
            return Backends.create(runner, backend);
        }

        /** Runs a command in the namespace; fails the test if it fails. */
        public CommandResult run(String... argv) {
            CommandResult r = runner.run(List.of(argv), "", Duration.ofSeconds(30));
            if (!r.ok()) throw new IllegalStateException("`" + r.commandLine() + "` in " + ns + " failed: " + r.stderr().strip());
            return r;
        }

        /** Runs a command with {@code stdin} in the namespace; fails the test if it fails. */
        public CommandResult runWithInput(String stdin, String... argv) {
            CommandResult r = runner.run(List.of(argv), stdin, Duration.ofSeconds(30));
            if (!r.ok()) throw new IllegalStateException("`" + r.commandLine() + "` in " + ns + " failed: " + r.stderr().strip());
            return r;
        }

        /** Plain iptables, as another tool would run it. */
        public void iptables(List<String> args) {
            List<String> argv = new ArrayList<>(List.of("iptables", "-w"));
            argv.addAll(args);
            run(argv.toArray(String[]::new));
        }

        public String save() {
            return run("iptables-save").stdout();
        }

        /** Starts TCP/UDP listeners ("tcp:80", "udp:53") and waits until they are bound. */
        public void listen(Set<String> specs) {
            if (specs.isEmpty()) return;
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns, "python3", "-c", LISTEN, address));
            argv.addAll(specs);
            try {
                Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
                lab.processes.add(p);
                BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String line = r.readLine();
                if (!"ready".equals(line)) throw new IllegalStateException("listener in " + ns + " did not start: " + line);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot start listener in " + ns, e);
            }
        }

        /** True when a real connection (TCP) or an echoed datagram (UDP) gets through to {@code dst}. */
        public boolean reaches(String dst, int port, String proto) {
            CommandResult r = runner.run(List.of("python3", "-c", PROBE, dst, String.valueOf(port), proto), "",
                    Duration.ofSeconds(10));
            return r.ok();
        }
    }
}
