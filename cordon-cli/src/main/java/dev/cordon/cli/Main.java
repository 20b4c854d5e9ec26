package dev.cordon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cordon} command: one runnable jar for the engine, the server, the agent, the demo and benchmarks. */
@Command(name = "cordon", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Label-based micro-segmentation for Linux hosts.",
        subcommands = {PolicyCommand.class, PceCommand.class, VenCommand.class, dev.cordon.cli.traffic.TrafficCommand.class,
                DemoCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  cordon policy validate policy.json",
                "  cordon policy check policy.json --from prod-web --to dev-web --port 9997 --proto tcp",
                "  cordon traffic query --pce https://pce:8443 --ca-cert pce-cert.pem --since 1h",
                "  cordon demo", "",
                "Exit codes: 0 success, 1 failure, 2 bad input (the message says what to fix)."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code. */
    public static int run(String... args) {
        CommandLine cl = Cli.commandLine(new Main());
        int code = cl.execute(args);
        cl.getOut().flush();
        cl.getErr().flush();
        return code;
    }

    /** Runs the CLI with the given output streams (tests call this in-process). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = Cli.commandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints the version from the jar manifest (or "dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"cordon " + (v == null ? "0.1.0-dev" : v)};
        }
    }
}
