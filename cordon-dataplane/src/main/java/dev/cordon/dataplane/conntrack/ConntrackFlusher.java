package dev.cordon.dataplane.conntrack;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.dataplane.plan.Cidr;
import dev.cordon.policy.compile.AddressSet;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.PolicyEntry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPEC §3: when a new policy changes stateless rules, connections they cover are dropped. A stateless entry is
 * compared by what it matches (direction, protocol, ports, peer blocks), so a provision that leaves it alone
 * drops nothing. For every entry added or removed, {@code conntrack -D} deletes the entries from or to each peer
 * block on that protocol and port; when an entry names more than {@link #MAX_BLOCKS} blocks, the deletion is by
 * protocol and port alone (broader, but bounded in cost).
 */
public final class ConntrackFlusher {
    static final int MAX_BLOCKS = 64;
    private static final Logger log = LoggerFactory.getLogger(ConntrackFlusher.class);

    private ConntrackFlusher() {}

    /** What a stateless entry matches, independent of set ids and rule hrefs. */
    record Key(boolean inbound, int proto, Integer port, Integer toPort, List<String> peers) {}

    /** The {@code conntrack -D} command lines for the stateless changes from {@code before} to {@code after}. */
    public static List<List<String>> commands(FirewallPolicy before, FirewallPolicy after) {
        Set<Key> was = keys(before);
        Set<Key> now = keys(after);
        Set<Key> changed = new LinkedHashSet<>();
        for (Key k : was) if (!now.contains(k)) changed.add(k);
        for (Key k : now) if (!was.contains(k)) changed.add(k);
        Set<List<String>> out = new LinkedHashSet<>();
        for (Key k : changed) {
            List<String> base = new ArrayList<>(List.of("conntrack", "-D"));
            if (k.proto() >= 0) base.addAll(List.of("-p", protoName(k.proto())));
            boolean ported = k.port() != null && (k.toPort() == null || k.toPort().equals(k.port()))
                    && (k.proto() == 6 || k.proto() == 17 || k.proto() == 132);
            if (ported) base.addAll(List.of("--dport", String.valueOf(k.port())));
            if (k.peers().size() > MAX_BLOCKS || k.peers().isEmpty()) {
                out.add(base);
                continue;
            }
            for (String p : k.peers()) {
                Cidr c = Cidr.parse(p);
                List<String> cmd = new ArrayList<>(base);
                if (c.family() == Family.V6) cmd.addAll(2, List.of("-f", "ipv6"));
                if (c.prefix() > 0) {
                    String side = k.inbound() ? "src" : "dst";
                    cmd.addAll(List.of("--" + (side.equals("src") ? "orig-src" : "orig-dst"), c.address(),
                            "--mask-" + side, c.mask()));
                } else if (c.family() == Family.V4) {
                    cmd.addAll(2, List.of("-f", "ipv4"));
                }
                out.add(cmd);
            }
        }
        return new ArrayList<>(out);
    }

    /** Runs the commands; "no entries" is not an error. Returns how many commands failed otherwise. */
    public static int flush(CommandRunner runner, List<List<String>> commands) {
        int failed = 0;
        for (List<String> cmd : commands) {
            CommandResult r = runner.run(cmd, "", java.time.Duration.ofSeconds(30));
            if (!r.ok() && !r.stderr().contains("0 flow entries")) {
                failed++;
                log.warn("`{}` failed: {}", r.commandLine(), r.stderr().strip());
            }
        }
        return failed;
    }

    private static String protoName(int proto) {
        return switch (proto) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 132 -> "sctp";
            case 1 -> "icmp";
            case 58 -> "icmpv6";
            default -> String.valueOf(proto);
        };
    }

    private static Set<Key> keys(FirewallPolicy p) {
        Set<Key> out = new LinkedHashSet<>();
        if (p == null) return out;
        for (boolean inbound : new boolean[] {true, false}) {
            for (PolicyEntry e : inbound ? p.inbound() : p.outbound()) {
                if (!e.stateless()) continue;
                AddressSet s = p.sets().stream().filter(x -> x.id().equals(e.peerSet())).findFirst().orElse(null);
                TreeSet<String> peers = new TreeSet<>();
                if (s != null) {
                    peers.addAll(s.v4());
                    peers.addAll(s.v6());
                }
                out.add(new Key(inbound, e.proto(), e.port(), e.toPort(), List.copyOf(peers)));
            }
        }
        return out;
    }
}
