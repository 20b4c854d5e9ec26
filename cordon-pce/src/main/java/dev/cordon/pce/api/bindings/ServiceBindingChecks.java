package dev.cordon.pce.api.bindings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.objects.ObjectService;
import dev.cordon.pce.policy.PolicyDocuments;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.model.ServiceBinding;
import dev.cordon.policy.model.ServicePort;
import dev.cordon.policy.model.VirtualService;
import dev.cordon.policy.validate.ValidationError;
import java.util.ArrayList;
import java.util.List;

/**
 * A service binding names an existing workload and a provisioned (active) virtual service, as Illumio requires;
 * each port override names one of the virtual service's ports (port and proto) and a new port 1-65535 (to
 * {@code new_to_port} for a range). References may be sent whole or as active hrefs; they are stored as draft hrefs,
 * which is how the engine's documents name virtual services.
 */
public final class ServiceBindingChecks implements ObjectService.Checks {
    private final Store store;
    private final PolicyDocuments policy;

    public ServiceBindingChecks(Store store, PolicyDocuments policy) {
        this.store = store;
        this.policy = policy;
    }

    @Override
    public void prepare(int org, ObjectNode node, JsonNode old, Principal by) {
        for (String f : List.of("virtual_service", "workload")) {
            if (node.get(f) instanceof ObjectNode ref && ref.hasNonNull("href")) node.set(f, Json.ref(ref.get("href").asText()));
        }
    }

    @Override
    public void validate(int org, Object obj, Object old, Principal by) {
        ServiceBinding b = (ServiceBinding) obj;
        List<ValidationError> errors = new ArrayList<>();
        if (b.workload() == null || store.objects().get(org, Kind.WORKLOAD.kind(), b.workload().href()).isEmpty()) {
            errors.add(new ValidationError("unknown_reference", "The service binding needs an existing workload"
                    + " ({\"workload\": {\"href\": \"/orgs/" + org + "/workloads/<uuid>\"}}), not "
                    + (b.workload() == null ? "none" : b.workload().href()) + "."));
        }
        VirtualService vs = null;
        if (b.virtualService() != null) {
            for (VirtualService v : policy.activeSnapshot(org).virtualServicesOrEmpty()) {
                if (v.href().equals(b.virtualService().href())) vs = v;
            }
        }
        if (vs == null) {
            errors.add(new ValidationError("unknown_reference", "The service binding needs a provisioned virtual service"
                    + " ({\"virtual_service\": {\"href\": \"/orgs/" + org + "/sec_policy/active/virtual_services/<uuid>\"}}), not "
                    + (b.virtualService() == null ? "none" : b.virtualService().href().replace("/draft/", "/active/"))
                    + ": provision it first."));
        }
        for (ServiceBinding.PortOverride o : b.portOverridesOrEmpty()) {
            final VirtualService service = vs;
            boolean names = service != null && service.servicePortsOrEmpty().stream().anyMatch((ServicePort p) ->
                    o.port() != null && o.port().equals(p.port()) && o.proto() != null && o.proto().equals(p.proto()));
            if (service != null && !names) {
                errors.add(new ValidationError("invalid_port_override", "Port override " + o.port() + "/" + o.proto()
                        + " names no port of virtual service '" + service.name() + "': use one of its service_ports."));
            }
            boolean range = o.newToPort() == null || (o.newPort() != null && o.newToPort() >= o.newPort() && o.newToPort() <= 65535);
            if (o.newPort() == null || o.newPort() < 1 || o.newPort() > 65535 || !range) {
                errors.add(new ValidationError("invalid_port_override", "Port override of " + o.port() + " needs new_port"
                        + " 1-65535 (and new_to_port from new_port to 65535 for a range), not " + o.newPort()
                        + (o.newToPort() == null ? "" : "-" + o.newToPort()) + "."));
            }
        }
        if (!errors.isEmpty()) throw ApiException.invalid(errors);
    }
}
