package dev.cordon.pce.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The data directory holds the database (every API key hash, every policy), the TLS private key and the owner's API
 * key: only the PCE's own user may read it. H2 creates its files with the process umask (0644 under the usual 022)
 * and older versions of Cordon left the directory 0755, so the modes are set on every start, for an existing
 * directory too, and again once the database and the TLS files exist: directories 0700, files 0600.
 */
public final class DataDirModes {
    static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private DataDirModes() {}

    /** Sets the modes of {@code dir} and everything under it (symbolic links are left alone, not followed). */
    public static void restrict(Path dir) {
        try {
            if (!Files.getFileStore(dir.toAbsolutePath()).supportsFileAttributeView("posix")) return;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the file system of the data directory " + dir + ": "
                    + e.getMessage(), e);
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.forEach(p -> {
                try {
                    if (Files.isSymbolicLink(p)) return;
                    Files.setPosixFilePermissions(p, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? DIR : FILE);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a lock or temp file the database removed meanwhile
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("Cannot restrict the data directory " + dir + " to its owner (mode 0700,"
                    + " files 0600): " + e.getMessage() + ". Fix its owner (chown) so this user may change it.", e);
        }
    }
}
