package dev.cordon.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The body of {@code POST /api/v2/ven/activate}: the activation code from a pairing key, the host's name and
 * interfaces, and what the VEN is ({@code os_type}, {@code ven_type} {@code server|endpoint}, its {@code version},
 * the {@code dataplane_backend} it enforces with, e.g. {@code iptables}). {@code name} (the workload's name; default
 * the hostname) is for other clients; the VEN sends none. Null interfaces are none.
 */
@JsonPropertyOrder({"activation_code", "hostname", "interfaces", "os_type", "ven_type", "version", "name",
        "dataplane_backend"})
public record ActivationRequest(
        @JsonProperty("activation_code") String activationCode,
        @JsonProperty("hostname") String hostname,
        @JsonProperty("interfaces") List<HostInterface> interfaces,
        @JsonProperty("os_type") String osType,
        @JsonProperty("ven_type") String venType,
        @JsonProperty("version") String version,
        @JsonProperty("name") @JsonInclude(JsonInclude.Include.NON_NULL) String name,
        @JsonProperty("dataplane_backend") @JsonInclude(JsonInclude.Include.NON_NULL) String dataplaneBackend) {
    public ActivationRequest {
        interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
    }

    /** One interface address of the host, as the PCE stores it on the workload ({@code cidr_block}: prefix length). */
    @JsonPropertyOrder({"name", "address", "cidr_block"})
    public record HostInterface(
            @JsonProperty("name") @JsonInclude(JsonInclude.Include.NON_NULL) String name,
            @JsonProperty("address") String address,
            @JsonProperty("cidr_block") @JsonInclude(JsonInclude.Include.NON_NULL) Integer cidrBlock) {
        /** An address without a prefix length (what the VEN reports). */
        public HostInterface(String name, String address) {
            this(name, address, null);
        }
    }
}
