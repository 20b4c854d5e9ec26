package dev.cordon.dataplane.bench;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.dataplane.iptables.apply.Kernel;
import dev.cordon.dataplane.iptables.render.DesiredState;
import dev.cordon.dataplane.iptables.render.RestoreScript;
import dev.cordon.dataplane.iptables.render.TableSpec;
import dev.cordon.dataplane.iptables.render.Tools;
import java.time.Duration;
import java.util.List;

/**
 * How the connect-rate rounds of the iptables bench switch Cordon's policy off and on: its tables only, one
 * {@code iptables-restore} per family of exactly the text the apply writes, while its ipsets, filled by the
 * dataplane's apply before the rounds, stay loaded throughout (a set no rule refers to costs no packet anything).
 * Switching by the dataplane's remove and apply made every Cordon round follow a whole re-apply of 100,000 set
 * elements, and the minimal firewall's round a one-line restore: the kinds of round did not start alike. Now every
 * switch, to Cordon, to no firewall or to the minimal firewall, is one small restore, and the packets meet the
 * same rules and sets the apply left.
 */
final class IptablesTableSwitch implements ConnectRate.Firewall {
    /** Every table gone on iptables-nft ({@code *table} alone deletes it) but an empty filter table, as
     * {@link MinimalFirewall#remove} leaves it; on legacy every chain flushed. */
    private static final String NONE = "*raw\nCOMMIT\n*mangle\nCOMMIT\n*nat\nCOMMIT\n"
            + "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";

    private final CommandRunner server;
    private final DesiredState desired;
    private final RestoreScript.Builtins builtins;

    IptablesTableSwitch(CommandRunner server, DesiredState desired) {
        this.server = server;
        this.desired = desired;
        this.builtins = new Kernel(server).builtins();
    }

    @Override
    public void applyCordon() {
        for (Family f : Family.values()) {
            StringBuilder text = new StringBuilder();
            for (TableSpec t : desired.tables(f)) text.append(RestoreScript.fresh(t, desired.coexistence(), builtins));
            if (text.length() > 0) restore(f, text.toString());
        }
    }

    @Override
    public void removeCordon() {
        for (Family f : Family.values()) restore(f, NONE);
    }

    private void restore(Family f, String text) {
        CommandResult r = server.run(List.of(Tools.restoreCommand(f), "-w"), text, Duration.ofMinutes(1));
        if (!r.ok()) throw new IllegalStateException("bench: `" + r.commandLine() + "` failed: " + r.stderr().strip());
    }
}
