package dev.cordon.ven;

import dev.cordon.ven.enforce.FirewallRestore;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@code cordon ven} is told, validated once, here, with a clear message for each bad value (no quiet
 * corrections). Immutable; {@code with...} methods give variants.
 *
 * @param pce               the PCE's base URL; {@code https://} (certificate pinned at activation), or {@code http://}
 *                          on a loopback address only; may be null only for a local unpair
 * @param activationCode    the pairing key; needed only until the VEN is activated (the state dir remembers)
 * @param netns             the network namespace to enforce and report, or null for the host
 * @param hostname          the hostname to report, or null for the host's own
 * @param stateDir          where token, pinned certificate, last good policy and snapshots live
 * @param venType           {@code server} or {@code endpoint}
 * @param clock             the clock for event timestamps (injected by tests)
 * @param pollWait          how long one policy long poll may wait at the PCE (0..300 s)
 * @param tamperInterval    how often the firewall is compared with the applied snapshot
 * @param heartbeatInterval how often a heartbeat is sent when nothing changes (changes are sent at once)
 * @param backoffMin        the first retry delay after a failed PCE call; doubles up to {@code backoffMax}
 * @param backoffMax        the longest retry delay
 * @param legacyEnvFiles    agent environment files scanned for deprecated settings (SPEC §8)
 * @param unpair            non-null: do not run; unpair locally and restore the firewall this way
 * @param flowReportInterval how often traffic flow summaries are uploaded ({@code --flow-report-interval}, default
 *                          60 s); zero turns traffic capture off
 */
public record AgentConfig(URI pce, String activationCode, String netns, String hostname, Path stateDir,
                          String venType, Clock clock, Duration pollWait, Duration tamperInterval,
                          Duration heartbeatInterval, Duration backoffMin, Duration backoffMax,
                          List<Path> legacyEnvFiles, FirewallRestore unpair, Duration flowReportInterval) {
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/cordon-ven");
    public static final Path DEFAULT_ENV_FILE = Path.of("/etc/default/cordon-ven");

    public AgentConfig {
        if (stateDir == null) stateDir = DEFAULT_STATE_DIR;
        if (venType == null) venType = "server";
        if (clock == null) clock = Clock.systemUTC();
        if (pollWait == null) pollWait = Duration.ofSeconds(30);
        if (tamperInterval == null) tamperInterval = Duration.ofSeconds(1);
        if (heartbeatInterval == null) heartbeatInterval = Duration.ofSeconds(60);
        if (backoffMin == null) backoffMin = Duration.ofSeconds(1);
        if (backoffMax == null) backoffMax = Duration.ofSeconds(30);
        if (legacyEnvFiles == null) legacyEnvFiles = List.of(DEFAULT_ENV_FILE, stateDir.resolve("ven.env"));
        legacyEnvFiles = List.copyOf(legacyEnvFiles);
        if (flowReportInterval == null) flowReportInterval = Duration.ofSeconds(60);
        if (flowReportInterval.isNegative() || flowReportInterval.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("--flow-report-interval must be 1 to 3600 seconds (0 turns traffic"
                    + " reporting off), not " + flowReportInterval.toSeconds());
        }
        if (pce == null && unpair == null) {
            throw new IllegalArgumentException("--pce URL is required for a VEN that was never paired from this state"
                    + " directory (" + stateDir + "): the PCE's address, e.g. https://pce.example:8443");
        }
        if (pce != null) checkPce(pce);
        if (netns != null && !netns.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("--netns '" + netns + "' is not a network namespace name: use letters,"
                    + " digits, '.', '_' or '-' as `ip netns list` shows it");
        }
        if (hostname != null && (hostname.isBlank() || hostname.length() > 255)) {
            throw new IllegalArgumentException("--hostname must be 1 to 255 characters");
        }
        if (!venType.equals("server") && !venType.equals("endpoint")) {
            throw new IllegalArgumentException("VEN type '" + venType + "' is not known: use server or endpoint");
        }
        if (pollWait.isNegative() || pollWait.compareTo(Duration.ofSeconds(300)) > 0) {
            throw new IllegalArgumentException("the policy long-poll wait must be 0 to 300 seconds, not " + pollWait);
        }
        positive("tamper check interval", tamperInterval);
        positive("heartbeat interval", heartbeatInterval);
        positive("minimum retry delay", backoffMin);
        positive("maximum retry delay", backoffMax);
        if (backoffMax.compareTo(backoffMin) < 0) {
            throw new IllegalArgumentException("the maximum retry delay (" + backoffMax + ") is below the minimum ("
                    + backoffMin + ")");
        }
    }

    /** The CLI's form: {@code cordon ven --pce URL --activation-code CODE [--netns NAME] [--hostname NAME] [--state-dir DIR]}. */
    public static AgentConfig of(String pceUrl, String activationCode, String netns, String hostname, Path stateDir) {
        URI uri;
        try {
            uri = pceUrl == null ? null : URI.create(pceUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--pce '" + pceUrl + "' is not a URL: " + e.getMessage());
        }
        return new AgentConfig(uri, activationCode, netns, hostname, stateDir, null, null, null, null, null, null,
                null, null, null, null);
    }

    /** The form for a local unpair: no PCE needed. */
    public static AgentConfig forUnpair(String netns, Path stateDir, FirewallRestore restore) {
        return new AgentConfig(null, null, netns, null, stateDir, null, null, null, null, null, null, null, null,
                Objects.requireNonNull(restore, "restore"), null);
    }

    private static void checkPce(URI pce) {
        String scheme = pce.getScheme();
        if (scheme == null || pce.getHost() == null) {
            throw new IllegalArgumentException("--pce '" + pce + "' is not a URL: give e.g. https://pce.example:8443");
        }
        if (scheme.equalsIgnoreCase("http")) {
            if (!loopback(pce.getHost())) {
                throw new IllegalArgumentException("--pce " + pce + ": plain http:// is allowed only for a PCE on a"
                        + " loopback address (127.0.0.1, ::1, localhost); use https://");
            }
        } else if (!scheme.equalsIgnoreCase("https")) {
            throw new IllegalArgumentException("--pce " + pce + ": use https:// (or http:// on a loopback address)");
        }
    }

    static boolean loopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) return true;
        if (!h.matches("[0-9.]+") && !h.contains(":")) return false; // a name: never resolve it here
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void positive(String what, Duration d) {
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("the " + what + " must be positive, not " + d);
    }

    public AgentConfig withClock(Clock c) {
        return new AgentConfig(pce, activationCode, netns, hostname, stateDir, venType, c, pollWait, tamperInterval,
                heartbeatInterval, backoffMin, backoffMax, legacyEnvFiles, unpair, flowReportInterval);
    }

    public AgentConfig withIntervals(Duration poll, Duration tamper, Duration heartbeat) {
        return new AgentConfig(pce, activationCode, netns, hostname, stateDir, venType, clock, poll, tamper, heartbeat,
                backoffMin, backoffMax, legacyEnvFiles, unpair, flowReportInterval);
    }

    public AgentConfig withBackoff(Duration min, Duration max) {
        return new AgentConfig(pce, activationCode, netns, hostname, stateDir, venType, clock, pollWait,
                tamperInterval, heartbeatInterval, min, max, legacyEnvFiles, unpair, flowReportInterval);
    }

    public AgentConfig withVenType(String type) {
        return new AgentConfig(pce, activationCode, netns, hostname, stateDir, type, clock, pollWait, tamperInterval,
                heartbeatInterval, backoffMin, backoffMax, legacyEnvFiles, unpair, flowReportInterval);
    }

    public AgentConfig withLegacyEnvFiles(List<Path> files) {
        return new AgentConfig(pce, activationCode, netns, hostname, stateDir, venType, clock, pollWait,
                tamperInterval, heartbeatInterval, backoffMin, backoffMax, Objects.requireNonNull(files), unpair, flowReportInterval);
    }

    public AgentConfig withUnpair(FirewallRestore restore) {
        return new AgentConfig(pce, activationCode, netns, hostname, stateDir, venType, clock, pollWait,
                tamperInterval, heartbeatInterval, backoffMin, backoffMax, legacyEnvFiles, restore, flowReportInterval);
    }

    public AgentConfig withFlowReportInterval(Duration interval) {
        return new AgentConfig(pce, activationCode, netns, hostname, stateDir, venType, clock, pollWait,
                tamperInterval, heartbeatInterval, backoffMin, backoffMax, legacyEnvFiles, unpair, interval);
    }

    /** The retry delay after {@code failures} consecutive failures: min, 2·min, 4·min, ... capped at max. */
    public Duration backoff(int failures) {
        if (failures <= 0) return Duration.ZERO;
        long ms = backoffMin.toMillis();
        for (int i = 1; i < failures && ms < backoffMax.toMillis(); i++) ms *= 2;
        return Duration.ofMillis(Math.min(ms, backoffMax.toMillis()));
    }
}
