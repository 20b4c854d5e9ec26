package dev.cordon.pce.api.unsupported;

import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.post;
import static io.javalin.apibuilder.ApiBuilder.put;

import dev.cordon.pce.api.kit.ApiGroup;
import dev.cordon.pce.api.kit.Guard;
import dev.cordon.pce.core.Json;
import dev.cordon.policy.validate.ValidationError;
import io.javalin.http.Context;
import java.util.List;

/**
 * Illumio collections Cordon does not implement, answered {@code 404 not_supported} with a message saying so, rather
 * than the generic "no such path": container clusters and their container workload profiles (Kubernetes, for the
 * containerised VEN). Nothing is faked: no object is created, listed or stored.
 */
public final class UnsupportedEndpoints implements ApiGroup {
    private static final String MESSAGE = "Container clusters and container workload profiles (Kubernetes, for the"
            + " containerised VEN) are not supported by Cordon yet: Cordon's VEN enforces on Linux hosts and network"
            + " namespaces; label the hosts' workloads instead.";

    private final Guard guard;

    public UnsupportedEndpoints(Guard guard) {
        this.guard = guard;
    }

    @Override
    public void addEndpoints() {
        // every method on the collection and anything below it (profiles live under a cluster)
        get("/api/v2/orgs/{org}/container_clusters", guard.read(this::refuse));
        post("/api/v2/orgs/{org}/container_clusters", guard.read(this::refuse));
        get("/api/v2/orgs/{org}/container_clusters/<rest>", guard.read(this::refuse));
        post("/api/v2/orgs/{org}/container_clusters/<rest>", guard.read(this::refuse));
        put("/api/v2/orgs/{org}/container_clusters/<rest>", guard.read(this::refuse));
        delete("/api/v2/orgs/{org}/container_clusters/<rest>", guard.read(this::refuse));
    }

    private void refuse(Context ctx) {
        guard.org(ctx);
        Guard.json(ctx, 404, Json.write(List.of(new ValidationError("not_supported", MESSAGE))));
    }
}
