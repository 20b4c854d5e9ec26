package dev.cordon.cli;

import dev.cordon.ven.AgentConfig;
import dev.cordon.ven.VenMain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cordon ven}: the agent. Activates once, then keeps the host's firewall at the provisioned policy. */
@Command(name = "ven", mixinStandardHelpOptions = true,
        description = "Run the VEN (agent): activate with a pairing key once, then long-poll the PCE for policy,"
                + " enforce it with iptables/ipset, repair tampering within a second, and report status and events."
                + " With --netns it enforces and reports that network namespace. Needs root.",
        footer = {"", "Examples:",
                "  cordon ven --pce https://pce.example:8443 --activation-code 7f3c...",
                "  cordon ven --pce http://127.0.0.1:8080 --activation-code 7f3c... --netns web1 --hostname web1 --state-dir /tmp/ven-web1",
                "  cordon ven --state-dir /var/lib/cordon-ven --unpair saved     # restore the firewall as before activation",
                "", "Exit codes: 0 stopped cleanly or unpaired, 1 cannot go on (the log says why), 2 bad arguments."})
final class VenCommand implements Callable<Integer> {
    @Option(names = "--pce", description = "The PCE's URL (https://, or http:// on loopback only).")
    String pce;

    @Option(names = "--activation-code", description = "A pairing key from the PCE (needed on first start only).")
    String activationCode;

    @Option(names = "--netns", description = "Enforce and report this network namespace instead of the host.")
    String netns;

    @Option(names = "--hostname", description = "The hostname to report (default: the host's or namespace's).")
    String hostname;

    @Option(names = "--state-dir", description = "Where the token, pinned certificate, last good policy and applied"
            + " snapshot live (default /var/lib/cordon-ven).")
    Path stateDir;

    @Option(names = "--endpoint", description = "Report the VEN type endpoint (always coexists) instead of server.")
    boolean endpoint;

    @Option(names = "--tamper-interval-ms", description = "How often to compare the firewall with the applied state (default 1000).")
    Long tamperIntervalMs;

    @Option(names = "--dataplane", defaultValue = "auto",
            description = "The dataplane backend: auto (nftables where nft and the kernel support it, else iptables),"
                    + " nftables or iptables. Switching removes the other backend's state. Default: ${DEFAULT-VALUE}.")
    String dataplane;

    @Option(names = "--flow-report-interval", paramLabel = "SECONDS",
            description = "How often to upload traffic flow summaries (default 60; 0 turns traffic reporting off).")
    Long flowReportInterval;

    @Option(names = "--unpair", description = "Unpair locally and restore the firewall: saved (as before activation) or default (open).")
    String unpair;

    /** A VEN paired before remembers its PCE: later starts need only --state-dir. Null when it never was. */
    private static String pairedPce(Path stateDir) {
        if (!java.nio.file.Files.isDirectory(stateDir)) return null;
        return dev.cordon.ven.state.StateDir.open(stateDir).identity().map(dev.cordon.ven.state.Identity::pce).orElse(null);
    }

    @Override
    public Integer call() {
        AgentConfig cfg;
        if (tamperIntervalMs != null && tamperIntervalMs <= 0) {
            throw new Cli.UserError("bad_argument: --tamper-interval-ms must be a positive number of milliseconds, not "
                    + tamperIntervalMs + ".");
        }
        try {
            if (netns != null) dev.cordon.dataplane.exec.ProcessCommandRunner.inExistingNamespace(netns);
            if (unpair != null) {
                dev.cordon.ven.enforce.FirewallRestore restore;
                try {
                    restore = dev.cordon.ven.enforce.FirewallRestore.parse(unpair);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--unpair '" + unpair + "' is not known: use saved (the firewall as"
                            + " it was before activation) or default (Cordon removed, the host open)");
                }
                cfg = AgentConfig.forUnpair(netns, stateDir, restore);
            } else {
                String pceUrl = pce != null ? pce : pairedPce(stateDir == null ? AgentConfig.DEFAULT_STATE_DIR : stateDir);
                cfg = AgentConfig.of(pceUrl, activationCode, netns, hostname, stateDir);
                if (endpoint) cfg = cfg.withVenType("endpoint");
                if (flowReportInterval != null) cfg = cfg.withFlowReportInterval(Duration.ofSeconds(flowReportInterval));
                if (tamperIntervalMs != null) {
                    cfg = cfg.withIntervals(cfg.pollWait(), Duration.ofMillis(tamperIntervalMs), cfg.heartbeatInterval());
                }
            }
        } catch (IllegalArgumentException e) {
            throw new Cli.UserError("bad_argument: " + e.getMessage());
        }
        return VenMain.run(cfg, Dataplanes.choice(dataplane));
    }
}
