package dev.cordon.ven.bench;

import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import java.util.List;

/**
 * The ground truth the capture is held to: how many new connections conntrack saw, counted by the kernel itself.
 * This kernel no longer fills {@code /proc/net/stat/nf_conntrack}'s {@code insert} column, so the bench inserts one
 * counting rule with no target at the top of mangle {@code INPUT} of the server's namespace (before filter INPUT,
 * where Cordon judges; it changes no verdict): {@code -p tcp --dport PORT -m conntrack --ctstate NEW}. Each packet it
 * counts is a connection's first (a SYN retransmitted before the answer would count twice; on the bench's veth pair
 * there are none). The client's own connect count is no ground truth: it reconnects the same socket, and conntrack
 * may take some of those over in place, with no new entry and no event.
 */
final class NewConnections implements AutoCloseable {
    private final CommandRunner ns;
    private final List<String> rule;

    private NewConnections(CommandRunner ns, List<String> rule) {
        this.ns = ns;
        this.rule = rule;
    }

    static NewConnections install(CommandRunner ns, int port) {
        List<String> rule = List.of("-p", "tcp", "--dport", String.valueOf(port), "-m", "conntrack", "--ctstate", "NEW",
                "-m", "comment", "--comment", "cordon-capture-bench");
        check(ns.run(concat(List.of("iptables", "-w", "-t", "mangle", "-I", "INPUT", "1"), rule).toArray(String[]::new)));
        return new NewConnections(ns, rule);
    }

    /** Packets counted so far. */
    long count() {
        CommandResult r = ns.run("iptables", "-w", "-t", "mangle", "-L", "INPUT", "1", "-v", "-x", "-n");
        check(r);
        return Long.parseLong(r.stdout().strip().split("\\s+")[0]);
    }

    @Override
    public void close() {
        ns.run(concat(List.of("iptables", "-w", "-t", "mangle", "-D", "INPUT"), rule).toArray(String[]::new));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static void check(CommandResult r) {
        if (!r.ok()) throw new IllegalStateException("bench: `" + r.commandLine() + "` failed: " + r.stderr().strip());
    }
}
