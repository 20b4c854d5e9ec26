package dev.cordon.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The body of {@code POST /api/v2/ven/heartbeat}: the hash of the policy in force (null before the first successful
 * apply, and sent as null), the policy sync state ({@code syncing}, {@code applied}, {@code error}), health messages,
 * and the dataplane backend the VEN enforces with (e.g. {@code iptables}; left out by VENs from before it existed, and
 * the PCE then keeps what it knew). Null health is none.
 */
@JsonPropertyOrder({"applied_hash", "sync_state", "health", "dataplane_backend"})
public record Heartbeat(
        @JsonProperty("applied_hash") String appliedHash,
        @JsonProperty("sync_state") String syncState,
        @JsonProperty("health") List<Health> health,
        @JsonProperty("dataplane_backend") @JsonInclude(JsonInclude.Include.NON_NULL) String dataplaneBackend) {
    public static final String SYNCING = "syncing";
    public static final String APPLIED = "applied";
    public static final String ERROR = "error";

    public Heartbeat {
        health = health == null ? List.of() : List.copyOf(health);
    }
}
