package dev.cordon.ven.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Deprecated per-host coexistence settings (SPEC §8). Older agents read NAT-table and container coexistence from an
 * environment file ({@code /etc/default/cordon-ven}, {@code <state-dir>/ven.env}); coexistence now follows only
 * the PCE's firewall settings, delivered in the policy. The VEN ignores these keys and says so exactly once.
 */
public final class LegacySettings {
    /** Keys of the old per-host coexistence features (any {@code *_COEXISTENCE} key counts). */
    static boolean legacyKey(String key) {
        return key.startsWith("CORDON_") && key.endsWith("_COEXISTENCE")
                || key.equals("CORDON_NAT_IGNORE") || key.equals("CORDON_CONTAINER_MODE");
    }

    private LegacySettings() {}

    /**
     * The one log line to write when any file sets a legacy key, naming every key and file; empty when none does.
     * Unreadable or missing files are skipped.
     */
    public static Optional<String> ignoredNotice(List<Path> files) {
        List<String> found = new ArrayList<>();
        for (Path f : files) {
            if (!Files.isRegularFile(f)) continue;
            List<String> lines;
            try {
                lines = Files.readAllLines(f);
            } catch (IOException e) {
                continue;
            }
            for (String raw : lines) {
                String line = raw.strip();
                if (line.startsWith("export ")) line = line.substring(7).strip();
                int eq = line.indexOf('=');
                if (line.startsWith("#") || eq <= 0) continue;
                String key = line.substring(0, eq).strip();
                if (legacyKey(key)) found.add(key + " (" + f + ")");
            }
        }
        if (found.isEmpty()) return Optional.empty();
        return Optional.of("ignoring deprecated per-host coexistence settings " + String.join(", ", found)
                + ": firewall coexistence now follows the PCE's firewall settings (Settings > Security > Firewall"
                + " Coexistence); remove these keys");
    }
}
