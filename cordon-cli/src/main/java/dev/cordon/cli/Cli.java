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
        return cl;
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
