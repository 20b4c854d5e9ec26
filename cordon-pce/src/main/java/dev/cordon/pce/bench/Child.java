package dev.cordon.pce.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM of the multi-process PCE bench ({@link FleetBench}): a PCE node ({@link FleetNode}) or a slice of
 * the simulated VENs ({@link FleetClient}), spoken to over its standard input and output, one line each way.
 *
 * <p>The child marks every answer with {@link #REPLY} so that whatever else its JVM prints on standard output (a
 * flight recording's notice, for one) is skipped. Its standard error goes to a log file in the bench's temporary
 * directory, whose last lines are shown when the child fails. Closing its standard input asks it to stop: it cleans
 * up what it made and exits; {@link #stop} kills it only if it does not.
 */
final class Child implements AutoCloseable {
    /** The prefix of every protocol line a child writes (anything else on its standard output is skipped). */
    static final String REPLY = "@ ";

    private final String name;
    private final Process process;
    private final BufferedReader from;
    private final PrintStream to;
    private final Path log;

    private Child(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.from = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.to = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Starts {@code main} in a new JVM with this JVM's class path; {@code jvmArgs} go before the class name. */
    static Child start(String name, List<String> jvmArgs, Class<?> main, List<String> args, Path logDir) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        Path log = logDir.resolve(name + ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            return new Child(name, p, log);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the bench's " + name + " process: " + e.getMessage(), e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    /** Sends one command line. */
    void send(String line) {
        to.println(line);
        if (to.checkError()) throw failed("it no longer reads its commands");
    }

    /** The next answer line, without its prefix; fails if the child ended or answered {@code error ...}. */
    String read() {
        try {
            for (String line = from.readLine(); line != null; line = from.readLine()) {
                if (!line.startsWith(REPLY)) continue;
                String reply = line.substring(REPLY.length());
                if (reply.startsWith("error ")) throw failed(reply.substring(6));
                return reply;
            }
        } catch (IOException e) {
            throw failed(e.getMessage());
        }
        throw failed("it ended");
    }

    String ask(String line) {
        send(line);
        return read();
    }

    private IllegalStateException failed(String why) {
        return new IllegalStateException("The bench's " + name + " process (pid " + process.pid() + ") failed: " + why
                + tail());
    }

    /** The last lines of the child's standard error, for a failure's message. */
    private String tail() {
        try {
            if (!Files.exists(log)) return "";
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            if (lines.isEmpty()) return "";
            return "\n  its last log lines (" + log.getFileName() + "):\n  "
                    + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Asks the child to stop: the end of its standard input. */
    void closeInput() {
        to.close();
    }

    /** Asks the child to stop (end of its standard input), waits for it, and kills it if it does not end. */
    void stop(long waitSeconds) {
        stopAll(List.of(this), waitSeconds);
    }

    /**
     * Stops children together: their standard input closed at once, then up to {@code waitSeconds} in all for them
     * to end (a child busy with a command reads no more input), then SIGTERM to the rest (their shutdown hooks still
     * clean up), then SIGKILL to any still running 10 s later.
     */
    static void stopAll(List<Child> children, long waitSeconds) {
        for (Child c : children) c.closeInput();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        try {
            for (Child c : children) c.process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            for (Child c : children) if (c.process.isAlive()) c.process.destroy();
            long killAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (Child c : children) {
                if (!c.process.waitFor(Math.max(0, killAt - System.nanoTime()), TimeUnit.NANOSECONDS)) c.process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            for (Child c : children) c.process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(30);
    }
}
