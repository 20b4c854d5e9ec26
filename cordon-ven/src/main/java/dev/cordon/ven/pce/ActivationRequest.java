package dev.cordon.ven.pce;

import java.util.List;
import java.util.Objects;

/** The body of {@code POST /api/v2/ven/activate} (API.md, "VEN protocol"). */
public record ActivationRequest(String activationCode, String hostname, List<HostInterface> interfaces,
                                String osType, String venType, String version) {
    public ActivationRequest {
        Objects.requireNonNull(activationCode, "activationCode");
        Objects.requireNonNull(hostname, "hostname");
        interfaces = List.copyOf(interfaces);
    }

    /** One interface address of the host, as the PCE stores it on the workload. */
    public record HostInterface(String name, String address) {}
}
