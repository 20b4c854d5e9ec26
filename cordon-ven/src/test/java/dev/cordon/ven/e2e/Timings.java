package dev.cordon.ven.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends measured figures to {@code target/ven-e2e-timings.txt}, the source of docs/benchmarks.md "## VEN". */
final class Timings {
    private Timings() {}

    static synchronized void record(String test, String line) {
        try {
            Files.writeString(Path.of("target", "ven-e2e-timings.txt"), test + ": " + line + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("cannot record timings: " + e.getMessage());
        }
    }
}
