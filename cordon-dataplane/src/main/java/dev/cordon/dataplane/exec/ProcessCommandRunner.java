package dev.cordon.dataplane.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs real processes. With a namespace name every command is prefixed by {@code ip netns exec NAME}, so the
 * same dataplane code enforces a network namespace instead of the host. Output streams are drained on their own
 * threads so a chatty command cannot dead-lock on a full pipe; a command past its timeout is killed and reported
 * with exit code -1.
 */
public final class ProcessCommandRunner implements CommandRunner {
    private final Optional<String> netns;
    private final java.util.function.LongConsumer started;

    private ProcessCommandRunner(Optional<String> netns) {
        this(netns, pid -> {});
    }

    private ProcessCommandRunner(Optional<String> netns, java.util.function.LongConsumer started) {
        this.netns = netns;
        this.started = started;
    }

    /**
     * The same namespace; {@code started} learns each command's pid. {@code ip netns exec} enters the namespace and
     * then execs the command in the same process, so the pid is the command's own.
     */
    @Override
    public ProcessCommandRunner observed(java.util.function.LongConsumer started) {
        java.util.function.LongConsumer before = this.started;
        return new ProcessCommandRunner(netns, pid -> {
            before.accept(pid);
            started.accept(pid);
        });
    }

    /** Commands run on this host's own network stack. */
    public static ProcessCommandRunner host() {
        return new ProcessCommandRunner(Optional.empty());
    }

    /** Commands run inside the named network namespace ({@code ip netns exec NAME ...}). */
    public static ProcessCommandRunner inNamespace(String name) {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("network namespace name '" + name
                    + "' is not valid: use letters, digits, '.', '_' or '-' (as `ip netns list` shows it)");
        }
        return new ProcessCommandRunner(Optional.of(name));
    }

    /**
     * A runner for an existing network namespace.
     *
     * @throws IllegalArgumentException when the name is not valid or no namespace of that name exists
     */
    public static ProcessCommandRunner inExistingNamespace(String name) {
        ProcessCommandRunner r = inNamespace(name);
        if (!java.nio.file.Files.exists(java.nio.file.Path.of("/run/netns", name))
                && !java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/netns", name))) {
            throw new IllegalArgumentException("there is no network namespace '" + name + "' (`ip netns list` shows"
                    + " them; `ip netns add " + name + "` creates one)");
        }
        return r;
    }

    public Optional<String> namespace() {
        return netns;
    }

    @Override
    public String where() {
        return netns.map(n -> "network namespace " + n).orElse("this host");
    }

    @Override
    public CommandResult run(List<String> argv, String stdin, Duration timeout) {
        List<String> full = new ArrayList<>();
        netns.ifPresent(n -> full.addAll(List.of("ip", "netns", "exec", n)));
        full.addAll(argv);
        Process p;
        try {
            p = new ProcessBuilder(full).start();
            started.accept(p.pid());
        } catch (IOException e) {
            return new CommandResult(argv, -1, "", "cannot run " + argv.get(0) + ": " + e.getMessage()
                    + " (is it installed and on PATH?)");
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null && !stdin.isEmpty()) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The command closed its input early; its exit code and stderr say why.
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                return new CommandResult(argv, -1, out.join(), err.join() + "\ntimed out after " + timeout);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new CommandResult(argv, -1, "", "interrupted");
        }
        return new CommandResult(argv, p.exitValue(), out.join(), err.join());
    }

    private static CompletableFuture<String> drain(InputStream s) {
        return CompletableFuture.supplyAsync(() -> {
            try (s) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                s.transferTo(b);
                return b.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }
}
