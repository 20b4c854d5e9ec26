package dev.cordon.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cordon.protocol.flows.FlowReporting;
import java.util.List;

/**
 * The body of {@code POST /api/v2/ven/heartbeat}: the hash of the policy in force (null before the first successful
 * apply, and sent as null), the policy sync state ({@code syncing}, {@code applied}, {@code error}), health messages,
 * and the dataplane backend the VEN enforces with (e.g. {@code iptables}; left out by VENs from before it existed, and
 * the PCE then keeps what it knew). Null health is none. {@code flow_reporting}: what the VEN's traffic reporting does
 * now ({@link FlowReporting}); left out by a VEN that does not report traffic. A heartbeat with it is answered
 * {@code 200} with a {@link HeartbeatAnswer}, one without it {@code 204}.
 */
@JsonPropertyOrder({"applied_hash", "sync_state", "health", "dataplane_backend", "flow_reporting"})
public record Heartbeat(
        @JsonProperty("applied_hash") String appliedHash,
        @JsonProperty("sync_state") String syncState,
        @JsonProperty("health") List<Health> health,
        @JsonProperty("dataplane_backend") @JsonInclude(JsonInclude.Include.NON_NULL) String dataplaneBackend,
        @JsonProperty("flow_reporting") @JsonInclude(JsonInclude.Include.NON_NULL) FlowReporting flowReporting) {
    public static final String SYNCING = "syncing";
    public static final String APPLIED = "applied";
    public static final String ERROR = "error";

    @JsonCreator
    public Heartbeat {
        health = health == null ? List.of() : List.copyOf(health);
    }

    /** A heartbeat of a VEN that does not report traffic. */
    public Heartbeat(String appliedHash, String syncState, List<Health> health, String dataplaneBackend) {
        this(appliedHash, syncState, health, dataplaneBackend, null);
    }

    /** The same heartbeat with the VEN's traffic reporting state. */
    public Heartbeat withFlowReporting(FlowReporting reporting) {
        return new Heartbeat(appliedHash, syncState, health, dataplaneBackend, reporting);
    }
}
