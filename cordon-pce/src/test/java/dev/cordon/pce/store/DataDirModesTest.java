package dev.cordon.pce.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.pce.PceServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory (database, TLS key, owner key) is the PCE user's alone: 0700, files 0600, also when it existed. */
class DataDirModesTest {
    @TempDir
    Path tmp;

    @Test
    void anExistingOpenDataDirectoryIsClosedOnStartAndTheDatabaseFilesToo() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path stray = Files.writeString(data.resolve("notes.txt"), "left by an operator");
        Files.setPosixFilePermissions(stray, PosixFilePermissions.fromString("rw-r--r--"));
        Path sub = Files.createDirectories(data.resolve("backup"));
        Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxrwxrwx"));

        PceServer pce = new PceServer(new PceServer.Config(data, null, "127.0.0.1", 0, false),
                new PrintStream(new ByteArrayOutputStream())).start();
        try {
            List<Path> all;
            try (Stream<Path> s = Files.walk(data)) {
                all = s.toList();
            }
            assertThat(all).as("the H2 file, the TLS key store and the owner key exist")
                    .anyMatch(p -> p.toString().endsWith(".mv.db")).anyMatch(p -> p.toString().endsWith(".p12"))
                    .anyMatch(p -> p.endsWith("owner-api-key"));
            for (Path p : all) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                assertThat(mode).as(data.relativize(p).toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
            }
        } finally {
            pce.stop();
        }
    }
}
