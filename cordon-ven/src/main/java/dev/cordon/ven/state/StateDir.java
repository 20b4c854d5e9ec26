package dev.cordon.ven.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.dataplane.SavedFirewall;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.json.PolicyJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The VEN's state directory: what it must remember across restarts and crashes.
 *
 * <pre>
 *   identity.json            who it is to the PCE (token, pinned certificate)        written at activation
 *   policy.json              the last policy applied successfully ("last good")       after every good apply
 *   applied.json             the snapshot read back from the kernel after that apply  after apply and repair
 *   firewall-before.json     iptables-save / ip6tables-save output before activation  once, at activation
 * </pre>
 *
 * <p>Invariant: every file is either its previous content or its new content, never a mix, whatever instant the
 * process dies at. Each write goes to a temporary file in the same directory (created mode 0600), is forced to disk,
 * atomically renamed over the target, and the directory itself is forced so the rename survives a power loss. The
 * directory is mode 0700; files hold an agent token and so are readable by root only.
 */
public final class StateDir {
    public static final String IDENTITY = "identity.json";
    public static final String POLICY = "policy.json";
    public static final String APPLIED = "applied.json";
    public static final String FIREWALL_BEFORE = "firewall-before.json";

    private static final ObjectMapper JSON = PolicyJson.mapper();

    private final Path dir;

    private StateDir(Path dir) {
        this.dir = dir;
    }

    /** Opens (creating it mode 0700 if needed) the state directory. */
    public static StateDir open(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            if (!Files.isWritable(dir)) {
                throw new IllegalStateException("the VEN state directory " + dir + " is not writable: run the VEN as"
                        + " root or give --state-dir a directory it owns");
            }
            return new StateDir(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the VEN state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Optional<Identity> identity() {
        return read(IDENTITY).map(t -> parse(t, Identity.class, IDENTITY));
    }

    public void writeIdentity(Identity id) {
        write(IDENTITY, json(id));
    }

    /** The last good policy, if one was ever applied. */
    public Optional<FirewallPolicy> lastGoodPolicy() {
        return read(POLICY).map(t -> PolicyJson.read(t, FirewallPolicy.class, "last good policy (" + dir.resolve(POLICY) + ")"));
    }

    public void writeLastGoodPolicy(FirewallPolicy p) {
        write(POLICY, PolicyJson.writePretty(p));
    }

    public Optional<String> appliedSnapshot() {
        return read(APPLIED);
    }

    public void writeAppliedSnapshot(String json) {
        write(APPLIED, json);
    }

    public Optional<SavedFirewall> firewallBefore() {
        return read(FIREWALL_BEFORE).map(t -> parse(t, SavedFirewall.class, FIREWALL_BEFORE));
    }

    public void writeFirewallBefore(SavedFirewall f) {
        write(FIREWALL_BEFORE, json(f));
    }

    /** Forgets the pairing and the policies (unpair); the directory stays. */
    public void clear() {
        for (String f : new String[] {IDENTITY, POLICY, APPLIED, FIREWALL_BEFORE}) {
            try {
                Files.deleteIfExists(dir.resolve(f));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + dir.resolve(f) + ": " + e.getMessage(), e);
            }
        }
        forceDirectory();
    }

    /** Reads a file of the state directory; empty when it does not exist. */
    public Optional<String> read(String name) {
        Path p = dir.resolve(name);
        try {
            return Files.exists(p) ? Optional.of(Files.readString(p)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /** Replaces a file atomically: temp file (0600) + fsync + rename + directory fsync. */
    public void write(String name, String content) {
        Path target = dir.resolve(name);
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + name + ".", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IllegalStateException("the file system of " + dir + " cannot rename atomically; put the VEN"
                        + " state directory on a local POSIX file system", e);
            }
            tmp = null;
            forceDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort; a stale temp file is never read
                }
            }
        }
    }

    private void forceDirectory() {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a directory; the rename itself was atomic
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + o.getClass().getSimpleName(), e);
        }
    }

    private <T> T parse(String text, Class<T> type, String file) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the VEN state file " + dir.resolve(file) + " is damaged ("
                    + e.getOriginalMessage() + "): restore it or unpair and activate again", e);
        }
    }
}
