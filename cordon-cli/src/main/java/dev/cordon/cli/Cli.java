package dev.cordon.cli;

import dev.cordon.policy.validate.PolicyException;
import dev.cordon.policy.validate.ValidationError;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Shared CLI plumbing: exit codes, and user errors printed as {@code token: message} lines, never stack traces. */
final class Cli {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    private Cli() {}

    static CommandLine commandLine(Object root) {
        CommandLine cl = new CommandLine(root);
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            PrintWriter err = line.getErr();
            if (ex instanceof PolicyException pe) {
                for (ValidationError e : pe.errors()) err.println(e);
                return BAD_INPUT;
            }
            if (ex instanceof UserError ue) {
                err.println(ue.getMessage());
                return ue.exitCode;
            }
            err.println("error: " + ex);
            ex.printStackTrace(err);
            return FAILED;
        });
        cl.setExitCodeExceptionMapper(ex -> BAD_INPUT);
        cl.getCommandSpec().exitCodeOnInvalidInput(BAD_INPUT);
        // a mistyped option is one line saying what and where to look, not the whole usage text
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine at = ex.getCommandLine();
            PrintWriter err = at.getErr();
            err.println("bad_argument: " + ex.getMessage().replace("\n", " ").trim()
                    + (ex.getMessage().endsWith(".") ? "" : ".") + " See '" + at.getCommandSpec().qualifiedName() + " --help'.");
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            return BAD_INPUT;
        });
        // every subcommand answers -V/--version as the root does
        versions(cl, root instanceof Main ? new Main.Version() : null);
        return cl;
    }

    private static void versions(CommandLine cl, CommandLine.IVersionProvider provider) {
        if (provider == null) return;
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(provider);
            versions(sub, provider);
        }
    }

    /** An error the user can fix; its message says how. */
    static final class UserError extends RuntimeException {
        final int exitCode;

        UserError(String message) {
            this(message, BAD_INPUT);
        }

        UserError(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }
}
