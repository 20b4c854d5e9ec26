package dev.cordon.pce.core;

import dev.cordon.policy.model.Interface;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.Workload;
import dev.cordon.policy.validate.ValidationError;
import inet.ipaddr.IPAddressString;
import java.util.List;

/**
 * What every layer of the PCE knows of a workload: which of its fields are the PCE's own, and what stops the engine
 * from compiling it. Here rather than with the API's write rules because provisioning and VEN activation ask the
 * same questions.
 */
public final class Workloads {
    /**
     * Fields the PCE computes or owns (VEN activation, computed status); ignored in request bodies. {@code managed}
     * and {@code ven} are kept from the stored object, the others are computed when a workload is shown.
     */
    public static final List<String> READ_ONLY = List.of("agent", "firewall_coexistence", "firewall_coexistence_warning", "managed",
            "online", "policy_conditions", "ven");

    /**
     * Illumio's workload field for offline workloads (SPEC §10): stored {@code false} while the workload's VEN is
     * silent past its timer ({@code pce.ven.OfflineSweep}), kept from the stored object like {@code managed}.
     */
    public static final String ONLINE = "online";

    private Workloads() {}

    /** True when the stored workload is offline (its VEN silent past the timer). */
    public static boolean isOffline(com.fasterxml.jackson.databind.JsonNode stored) {
        com.fasterxml.jackson.databind.JsonNode o = stored.get(ONLINE);
        return o != null && o.isBoolean() && !o.booleanValue();
    }

    /**
     * The workload as the engine gets it: an offline one marked so ({@link Workload#policyInterfaces} is then empty:
     * its addresses leave every peer's policy while rules that name it stay valid); null stays null (set aside).
     */
    public static Workload inPolicy(com.fasterxml.jackson.databind.JsonNode stored, Workload parsed) {
        if (parsed == null || !isOffline(stored)) return parsed;
        return parsed.withOnline(false);
    }

    /**
     * Everything that would stop the engine from compiling this one workload (interface addresses and prefix
     * lengths, VEN type, labels), with the engine's tokens. The API's writes, VEN activation and the provisioning
     * path's check of stored workloads all ask this, so one rule decides what a compilable workload is.
     */
    public static List<ValidationError> problems(Workload w, List<Label> labels) {
        List<ValidationError> out = new java.util.ArrayList<>();
        for (Interface i : w.interfacesOrEmpty()) {
            if (i.address() == null || !new IPAddressString(i.address()).isIPAddress()) {
                out.add(new ValidationError("invalid_interface_address", "Workload '" + w.display() + "' interface '"
                        + i.name() + "' has address '" + i.address() + "', which is not an IPv4 or IPv6 address."));
            }
        }
        if (!out.isEmpty()) return out;
        // everything else the engine checks of one workload (prefix lengths, VEN type), with the engine's messages
        return dev.cordon.policy.validate.Validator.validate(
                dev.cordon.policy.model.PolicyDocument.empty().withLabels(labels).withWorkloads(List.of(w)));
    }
}
