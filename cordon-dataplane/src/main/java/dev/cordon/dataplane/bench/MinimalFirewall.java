package dev.cordon.dataplane.bench;

import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import java.time.Duration;
import java.util.List;

/**
 * The bench's second baseline: the smallest stateful firewall that admits the bench's client, written in the
 * backend's own tool: established and related accepted, one allow (the client to the bench port), everything else
 * dropped, inbound and outbound. No stateful policy can cost less per connection, so Cordon's connect rate against
 * it is the figure that shows what Cordon's layout costs (goal: at least 0.95 at 10k rules and 100k peers).
 */
public enum MinimalFirewall {
    /** iptables-restore of one filter table. */
    IPTABLES {
        @Override
        public void apply(CommandRunner ns, String client, int port) {
            run(ns, List.of("iptables-restore", "-w"), String.join("\n",
                    "*filter", ":INPUT DROP [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT DROP [0:0]",
                    "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                    "-A INPUT -s " + client + "/32 -p tcp -m tcp --dport " + port + " -j ACCEPT",
                    "-A INPUT -j DROP",
                    "-A OUTPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                    "-A OUTPUT -j DROP", "COMMIT", ""));
        }

        @Override
        public void remove(CommandRunner ns) {
            run(ns, List.of("iptables-restore", "-w"), String.join("\n",
                    "*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", "COMMIT", ""));
        }
    },
    /** One native nftables table in one {@code nft -f}. */
    NFTABLES {
        @Override
        public void apply(CommandRunner ns, String client, int port) {
            run(ns, List.of("nft", "-f", "-"), String.join("\n",
                    "table inet cordon_bench_minimal {",
                    "  chain input { type filter hook input priority 0; policy drop;",
                    "    ct state established,related accept",
                    "    ip saddr " + client + " tcp dport " + port + " accept",
                    "  }",
                    "  chain output { type filter hook output priority 0; policy drop;",
                    "    ct state established,related accept",
                    "  }",
                    "}", ""));
        }

        @Override
        public void remove(CommandRunner ns) {
            run(ns, List.of("nft", "delete", "table", "inet", "cordon_bench_minimal"), "");
        }
    };

    /** Installs the minimal firewall in the (otherwise empty) namespace. */
    public abstract void apply(CommandRunner ns, String client, int port);

    /** Takes it away again, leaving the namespace open. */
    public abstract void remove(CommandRunner ns);

    private static void run(CommandRunner ns, List<String> argv, String input) {
        CommandResult r = ns.run(argv, input, Duration.ofMinutes(1));
        if (!r.ok()) throw new IllegalStateException("bench: `" + r.commandLine() + "` failed: " + r.stderr().strip());
    }
}
