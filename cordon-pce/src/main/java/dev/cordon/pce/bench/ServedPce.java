package dev.cordon.pce.bench;

import dev.cordon.pce.PceServer;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The child side of {@link ChildPce}: a PCE in this process on a temporary directory (and the given database, if
 * any), prepared by the bench, that prints {@code "<port> <owner key>"} (or {@code "error <message>"}) as its first
 * line and runs until its standard input closes; then it stops and removes its directory.
 */
final class ServedPce {
    /** What the bench does to the started PCE before it is announced (seed it, for example). */
    interface Setup {
        void run(PceServer pce, String ownerKey) throws IOException;
    }

    private ServedPce() {}

    static void serve(String tempPrefix, String dbUrl, Setup setup) throws IOException {
        Path dir = Files.createTempDirectory(tempPrefix);
        PceServer pce = null;
        try {
            pce = new PceServer(new PceServer.Config(dir, dbUrl, "127.0.0.1", 0, true), new PrintStream(new ByteArrayOutputStream()));
            pce.start();
            if (!Files.exists(pce.ownerKeyFile())) {
                System.out.println("error db_not_empty: the database at --db-url already holds a PCE; the bench"
                        + " seeds org 1 and would change it: give it an empty database.");
                return;
            }
            String key = Files.readString(pce.ownerKeyFile()).trim();
            setup.run(pce, key);
            System.out.println(pce.port() + " " + key);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // nothing is asked: the PCE runs until the bench closes this input
            }
        } catch (RuntimeException e) {
            System.out.println("error " + e.getMessage());
        } finally {
            System.out.flush();
            if (pce != null) pce.stop();
            deleteQuietly(dir);
        }
    }

    static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
