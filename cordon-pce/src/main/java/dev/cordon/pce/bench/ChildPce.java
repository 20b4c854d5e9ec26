package dev.cordon.pce.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A PCE in a child JVM for a benchmark ({@link ApiBench.ApiBenchServer}): its own heap and open-files limit, and its
 * threads apart from the load generator's. The child prints {@code "<port> <owner key>"} once it listens (or
 * {@code "error <message>"}) and stops the PCE and deletes its data directory when its standard input closes, which
 * happens when {@link #run}'s measurement returns or fails; a child that does not end within a minute is killed.
 */
final class ChildPce {
    /** The started PCE: its process id, port and owner key (an API key "id:secret"). */
    record Started(long pid, int port, String ownerKey) {
        String base() {
            return "http://127.0.0.1:" + port;
        }
    }

    private ChildPce() {
    }

    /** Starts the child with {@code jvmArgs} (and {@code dbUrl} when not null), runs {@code measure}, stops it. */
    static void run(List<String> jvmArgs, String dbUrl, Consumer<Started> measure) {
        run(jvmArgs, ApiBench.ApiBenchServer.class, dbUrl == null ? List.of() : List.of(dbUrl), measure);
    }

    /** The same with another child main class (which prints the same first line) and its arguments. */
    static void run(List<String> jvmArgs, Class<?> main, List<String> args, Consumer<Started> measure) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        Process child;
        try {
            child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the PCE process for the benchmark: " + e.getMessage(), e);
        }
        try (BufferedReader fromPce = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
             PrintStream toPce = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String hello = fromPce.readLine();
            // JVM options such as a flight recording may print their own lines first
            while (hello != null && !hello.matches("\\d+ .*") && !hello.startsWith("error ")) hello = fromPce.readLine();
            if (hello == null) throw new IllegalStateException("The benchmark's PCE process ended before it started.");
            if (hello.startsWith("error ")) throw new IllegalArgumentException(hello.substring(6));
            String[] parts = hello.split(" ", 2); // "<port> <owner key>"
            measure.accept(new Started(child.pid(), Integer.parseInt(parts[0]), parts[1].trim()));
        } catch (IOException e) {
            throw new IllegalStateException("The benchmark's PCE process failed: " + e.getMessage(), e);
        } finally {
            awaitEnd(child);
        }
    }

    /**
     * Waits for a benchmark's child PCE whose standard input is closed: it stops the PCE and deletes its data
     * directory itself. Killing it at once often left the directory behind, so only a child that has not ended
     * after a minute is asked to stop, and one that ignores that too is killed.
     */
    static void awaitEnd(Process child) {
        try {
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroy();
                if (!child.waitFor(10, TimeUnit.SECONDS)) child.destroyForcibly();
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
