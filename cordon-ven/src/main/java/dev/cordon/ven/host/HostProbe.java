package dev.cordon.ven.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.protocol.ActivationRequest.HostInterface;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the host's (or a network namespace's) hostname and addresses. Addresses come from {@code ip -j addr} run
 * through the enforcer's {@link CommandRunner}, so with {@code --netns} the VEN reports the namespace it enforces,
 * not the machine it runs on. Loopback, host-scoped and IPv6 link-local addresses are left out: peers cannot reach
 * a workload through them, and policy must not name them.
 */
public final class HostProbe {
    private final CommandRunner runner;
    private final String hostnameOverride;

    public HostProbe(CommandRunner runner, String hostnameOverride) {
        this.runner = runner;
        this.hostnameOverride = hostnameOverride;
    }

    public HostInfo probe() {
        return new HostInfo(hostname(), interfaces());
    }

    String hostname() {
        if (hostnameOverride != null && !hostnameOverride.isBlank()) return hostnameOverride;
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!h.isEmpty()) return h;
        } catch (IOException e) {
            // not Linux /proc: ask the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read this host's name (" + e.getMessage() + "): pass --hostname NAME");
        }
    }

    List<HostInterface> interfaces() {
        CommandResult r = runner.run("ip", "-j", "addr", "show");
        if (!r.ok()) {
            throw new IllegalStateException("`ip -j addr show` failed in " + runner.where() + ": " + r.stderr().strip()
                    + ". Install iproute2 (apt-get install iproute2).");
        }
        return parse(r.stdout());
    }

    /** The reachable addresses in {@code ip -j addr} output, in the order the kernel lists them. */
    public static List<HostInterface> parse(String ipJson) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(ipJson);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read `ip -j addr` output (" + e.getMessage() + ")", e);
        }
        List<HostInterface> out = new ArrayList<>();
        for (JsonNode link : root) {
            String name = link.path("ifname").asText();
            boolean loopback = false;
            for (JsonNode flag : link.path("flags")) loopback |= flag.asText().equals("LOOPBACK");
            if (loopback || name.equals("lo")) continue;
            for (JsonNode a : link.path("addr_info")) {
                String family = a.path("family").asText();
                String scope = a.path("scope").asText("global");
                String local = a.path("local").asText(null);
                if (local == null || !(family.equals("inet") || family.equals("inet6"))) continue;
                if (scope.equals("host") || scope.equals("link")) continue;
                out.add(new HostInterface(name, local));
            }
        }
        return out;
    }
}
