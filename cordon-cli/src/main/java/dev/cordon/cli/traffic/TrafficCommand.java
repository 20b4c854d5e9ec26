package dev.cordon.cli.traffic;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cordon traffic}: what the VENs reported, read from a PCE's Explorer API. */
@Command(name = "traffic", mixinStandardHelpOptions = true,
        description = "Traffic the VENs reported to a PCE (flow summaries with the policy decision and the deciding"
                + " rule at each end), read through the PCE's Explorer API.",
        subcommands = {TrafficQueryCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  cordon traffic query --pce https://127.0.0.1:8443 --since 1h \\",
                "      --api-key-file /var/lib/cordon/owner-api-key \\",
                "      --ca-cert /var/lib/cordon/tls/pce-cert.pem",
                "  cordon traffic query --pce ... --dst role=db --decision blocked --json",
                "", "See 'cordon traffic query --help' for every option."})
public final class TrafficCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
