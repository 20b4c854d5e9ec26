package dev.cordon.cli;

import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.dataplane.exec.ProcessCommandRunner;
import dev.cordon.dataplane.iptables.IptablesDataplane;
import dev.cordon.dataplane.nftables.NftablesDataplane;
import dev.cordon.policy.compile.FirewallPolicy;

/** The CLI's door to the dataplane: rendering and applying go through the same code the VEN uses. */
final class Dataplanes {
    private Dataplanes() {}

    /** Exactly what the VEN's iptables backend would apply: the ipset part, then each table. */
    static String render(FirewallPolicy policy) {
        return IptablesDataplane.render(policy);
    }

    /** Exactly what the VEN's nftables backend would apply: one {@code nft -f} batch. */
    static String renderNftables(FirewallPolicy policy) {
        return NftablesDataplane.render(policy);
    }

    /** The {@code --dataplane} value as a backend choice; a user error names the known ones. */
    static Backends.Choice choice(String dataplane) {
        try {
            return Backends.Choice.parse(dataplane);
        } catch (IllegalArgumentException e) {
            throw new Cli.UserError("bad_dataplane: --dataplane: " + e.getMessage() + ".");
        }
    }

    /** A dataplane for the host, or for the named (existing) network namespace, with the best backend there. */
    static Dataplane forHost(String netns) {
        return forHost(netns, Backends.Choice.AUTO);
    }

    /** A dataplane for the host, or for the named (existing) network namespace, with the chosen backend. */
    static Dataplane forHost(String netns, Backends.Choice choice) {
        try {
            return Backends.create(netns == null ? ProcessCommandRunner.host() : ProcessCommandRunner.inExistingNamespace(netns), choice);
        } catch (IllegalArgumentException e) {
            throw new Cli.UserError("bad_netns: --netns: " + e.getMessage() + ".");
        }
    }
}
