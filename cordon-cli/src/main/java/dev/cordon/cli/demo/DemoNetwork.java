package dev.cordon.cli.demo;

import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.ProcessCommandRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo's hosts: a "switch" namespace holding a bridge, and one namespace per host joined to it by a veth pair,
 * each holding only its own address and a device default route. Nothing is routed to the machine's own network;
 * {@link #close()} removes every namespace and listener it made.
 */
final class DemoNetwork implements AutoCloseable {
    private static final ProcessCommandRunner ROOT = ProcessCommandRunner.host();
    private static final String LISTEN = String.join("\n",
            "import socket, sys, threading",
            "def serve(s):",
            "    while True:",
            "        c, _ = s.accept(); c.close()",
            "for port in sys.argv[1:]:",
            "    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "    s.bind(('0.0.0.0', int(port))); s.listen(64)",
            "    threading.Thread(target=serve, args=(s,), daemon=True).start()",
            "print('ready', flush=True)",
            "threading.Event().wait()");
    private static final String PROBE = String.join("\n",
            "import socket, sys",
            "try:",
            "    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1.0).close(); sys.exit(0)",
            "except Exception:",
            "    sys.exit(1)");

    private final String id = HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
    private final String sw = "cordon-demo-" + id + "-sw";
    private final Map<String, String> namespaces = new LinkedHashMap<>();
    private final List<Process> processes = new ArrayList<>();

    DemoNetwork() {
        sh("ip", "netns", "add", sw);
        sh("ip", "-n", sw, "link", "add", "br0", "type", "bridge");
        sh("ip", "-n", sw, "link", "set", "br0", "up");
    }

    /** Adds a host holding {@code address}; returns its namespace name. */
    String host(String name, String address) {
        int i = namespaces.size();
        String ns = "cordon-demo-" + id + "-" + i;
        sh("ip", "netns", "add", ns);
        namespaces.put(name, ns);
        String port = "cd" + id + "p" + i;
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        sh("ip", "-n", sw, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
        sh("ip", "-n", sw, "link", "set", port, "master", "br0");
        sh("ip", "-n", sw, "link", "set", port, "up");
        sh("ip", "-n", ns, "link", "set", "eth0", "up");
        sh("ip", "-n", ns, "addr", "add", address + "/32", "dev", "eth0");
        sh("ip", "-n", ns, "route", "add", "default", "dev", "eth0");
        return ns;
    }

    String namespace(String name) {
        return namespaces.get(name);
    }

    void listen(String name, Set<Integer> ports) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespaces.get(name), "python3", "-c", LISTEN));
        ports.forEach(p -> argv.add(String.valueOf(p)));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            processes.add(p);
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (!"ready".equals(line)) throw new IllegalStateException("a listener in " + name + " did not start: " + line);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a listener in " + name + ": " + e.getMessage(), e);
        }
    }

    /** True when a real TCP connection from host {@code from} reaches {@code address:port}. */
    boolean connects(String from, String address, int port) {
        return ProcessCommandRunner.inNamespace(namespaces.get(from))
                .run(List.of("python3", "-c", PROBE, address, String.valueOf(port)), "", Duration.ofSeconds(10)).ok();
    }

    /** Runs a command inside a host's namespace, as any other tool would. */
    CommandResult run(String name, String... argv) {
        return ProcessCommandRunner.inNamespace(namespaces.get(name)).run(List.of(argv), "", Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        for (Process p : processes) p.destroyForcibly();
        for (String ns : namespaces.values()) ROOT.run("ip", "netns", "del", ns);
        ROOT.run("ip", "netns", "del", sw);
    }

    private static void sh(String... argv) {
        CommandResult r = ROOT.run(argv);
        if (!r.ok()) throw new IllegalStateException("`" + r.commandLine() + "` failed: " + r.stderr().strip());
    }
}
