package dev.cordon.cli;

import dev.cordon.policy.compile.FirewallPolicy;

/** The CLI's door to the dataplane module: rendering and applying go through the same code the VEN uses. */
final class Dataplanes {
    private Dataplanes() {}

    static String render(FirewallPolicy policy) {
        throw new Cli.UserError("not_available: --format iptables needs the dataplane module, which this build lacks;"
                + " use --format json.", Cli.FAILED);
    }
}
