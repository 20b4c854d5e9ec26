package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A workload: a managed host (it has a VEN) or an unmanaged one (a set of addresses with labels).
 * {@code firewallCoexistence} and {@code agent} are computed by the PCE and carried through unchanged.
 * {@code publicIp} (Illumio's NAT address of the host) is accepted, stored and returned; the engine does not use it.
 * {@code firewallCoexistence} and {@code agent} are computed by the PCE and carried through unchanged; so is
 * {@code online} (Illumio's field: false while the workload's VEN is silent past its offline timer, set by the PCE).
 * {@code visibilityLevel} (Illumio's {@code visibility_level}: what its VEN reports of its traffic) is the PCE's to
 * send to the VEN; the engine does not use it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Workload(String href, String name, String hostname, String description, List<Ref> labels,
                       List<Interface> interfaces, EnforcementMode enforcementMode, Boolean managed, Ven ven,
                       String osType, FirewallCoexistenceStatus firewallCoexistence, JsonNode agent,
                       String externalDataSet, String externalDataReference, String publicIp,
                       String createdAt, String updatedAt, Ref createdBy, Ref updatedBy, Boolean online,
                       String visibilityLevel) {
    public Workload {
        labels = Lists.copy(labels);
        interfaces = Lists.copy(interfaces);
    }

    public static Workload managed(String href, String name, List<Ref> labels, List<Interface> interfaces,
                                   EnforcementMode mode, String venType, String osType) {
        return new Workload(href, name, name, null, labels, interfaces, mode, true, new Ven(null, venType), osType,
                null, null, null, null, null, null, null, null, null, null, null);
    }

    public static Workload unmanaged(String href, String name, List<Ref> labels, List<Interface> interfaces) {
        return new Workload(href, name, name, null, labels, interfaces, null, false, null, null,
                null, null, null, null, null, null, null, null, null, null, null);
    }

    public boolean isManaged() {
        return Boolean.TRUE.equals(managed);
    }

    /** The mode the engine uses: unmanaged workloads enforce nothing; a managed one without a mode is idle. */
    @JsonIgnore
    public EnforcementMode effectiveMode() {
        if (!isManaged()) {
            return EnforcementMode.IDLE;
        }
        return enforcementMode == null ? EnforcementMode.IDLE : enforcementMode;
    }

    public boolean isEndpoint() {
        return ven != null && ven.isEndpoint();
    }

    public List<Ref> labelsOrEmpty() {
        return Lists.orEmpty(labels);
    }

    public List<Interface> interfacesOrEmpty() {
        return Lists.orEmpty(interfaces);
    }

    /** False only when the PCE marked the workload offline (its VEN silent past its timer). */
    @JsonIgnore
    public boolean isOffline() {
        return Boolean.FALSE.equals(online);
    }

    /**
     * The interfaces whose addresses the workload has in policy: none while it is offline, so its addresses leave
     * every peer's policy (isolation) while rules that name it stay valid and its stored interfaces stay as they are.
     */
    public List<Interface> policyInterfaces() {
        return isOffline() ? List.of() : interfacesOrEmpty();
    }

    /** Name for messages: the name, else the hostname, else the href. */
    @JsonIgnore
    public String display() {
        if (name != null && !name.isBlank()) {
            return name;
        }
        return hostname != null ? hostname : href;
    }

    public Workload withLabels(List<Ref> newLabels) {
        return new Workload(href, name, hostname, description, newLabels, interfaces, enforcementMode, managed, ven,
                osType, firewallCoexistence, agent, externalDataSet, externalDataReference, publicIp, createdAt, updatedAt,
                createdBy, updatedBy, online, visibilityLevel);
    }

    public Workload withInterfaces(List<Interface> newInterfaces) {
        return new Workload(href, name, hostname, description, labels, newInterfaces, enforcementMode, managed, ven,
                osType, firewallCoexistence, agent, externalDataSet, externalDataReference, publicIp, createdAt, updatedAt,
                createdBy, updatedBy, online, visibilityLevel);
    }

    public Workload withOnline(Boolean isOnline) {
        return new Workload(href, name, hostname, description, labels, interfaces, enforcementMode, managed, ven,
                osType, firewallCoexistence, agent, externalDataSet, externalDataReference, publicIp, createdAt, updatedAt,
                createdBy, updatedBy, isOnline, visibilityLevel);
    }

    public Workload withEnforcementMode(EnforcementMode mode) {
        return new Workload(href, name, hostname, description, labels, interfaces, mode, managed, ven,
                osType, firewallCoexistence, agent, externalDataSet, externalDataReference, publicIp, createdAt, updatedAt,
                createdBy, updatedBy, online, visibilityLevel);
    }
}
