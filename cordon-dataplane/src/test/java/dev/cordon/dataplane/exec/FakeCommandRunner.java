package dev.cordon.dataplane.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A scripted runner for tests: records every call and answers from the first matching handler (by argv prefix),
 * or with exit 0 and no output. Lets apply/rollback logic be tested without root, e.g. "the second
 * iptables-restore fails".
 */
public final class FakeCommandRunner implements CommandRunner {
    /** One recorded call. */
    public record Call(List<String> argv, String stdin) {
        public String commandLine() {
            return String.join(" ", argv);
        }
    }

    private record Handler(List<String> prefix, Function<Call, CommandResult> answer) {}

    private final List<Handler> handlers = new ArrayList<>();
    private final List<Call> calls = new ArrayList<>();

    /** Answers commands whose argv starts with {@code prefix}; later registrations win. */
    public FakeCommandRunner on(List<String> prefix, Function<Call, CommandResult> answer) {
        handlers.add(0, new Handler(List.copyOf(prefix), answer));
        return this;
    }

    /** Answers commands whose argv starts with {@code prefix} with a fixed result. */
    public FakeCommandRunner answer(List<String> prefix, int exit, String stdout, String stderr) {
        return on(prefix, c -> new CommandResult(c.argv(), exit, stdout, stderr));
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public synchronized CommandResult run(List<String> argv, String stdin, Duration timeout) {
        Call call = new Call(List.copyOf(argv), stdin == null ? "" : stdin);
        calls.add(call);
        for (Handler h : handlers) {
            if (argv.size() >= h.prefix.size() && argv.subList(0, h.prefix.size()).equals(h.prefix)) {
                return h.answer.apply(call);
            }
        }
        return new CommandResult(argv, 0, "", "");
    }
}
