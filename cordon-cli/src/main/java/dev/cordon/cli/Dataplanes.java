package dev.cordon.cli;

import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.dataplane.exec.ProcessCommandRunner;
import dev.cordon.dataplane.iptables.IptablesDataplane;
import dev.cordon.policy.compile.FirewallPolicy;

/** The CLI's door to the dataplane: rendering and applying go through the same code the VEN uses. */
final class Dataplanes {
    private Dataplanes() {}

    /** Exactly what the VEN's iptables backend would apply: the ipset part, then each table. */
    static String render(FirewallPolicy policy) {
        return IptablesDataplane.render(policy);
    }

    /** A dataplane for the host, or for the named (existing) network namespace. */
    static Dataplane forHost(String netns) {
        try {
            return Backends.create(netns == null ? ProcessCommandRunner.host() : ProcessCommandRunner.inExistingNamespace(netns));
        } catch (IllegalArgumentException e) {
            throw new Cli.UserError("bad_netns: --netns: " + e.getMessage() + ".");
        }
    }
}
