package dev.cordon.ven.host;

import dev.cordon.protocol.ActivationRequest.HostInterface;
import java.util.List;

/** What the VEN reports about its host at activation: hostname and interface addresses. */
public record HostInfo(String hostname, List<HostInterface> interfaces) {
    public HostInfo {
        interfaces = List.copyOf(interfaces);
    }
}
