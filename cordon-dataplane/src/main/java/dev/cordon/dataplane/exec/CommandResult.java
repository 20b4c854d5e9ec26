package dev.cordon.dataplane.exec;

import java.util.List;

/** What a command did: its argv, exit code (-1 when it timed out or could not start), stdout and stderr. */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr) {
    public CommandResult {
        argv = List.copyOf(argv);
    }

    public boolean ok() {
        return exitCode == 0;
    }

    /** The command as a shell would show it, for messages. */
    public String commandLine() {
        return String.join(" ", argv);
    }
}
