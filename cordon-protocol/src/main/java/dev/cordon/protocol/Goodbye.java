package dev.cordon.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The body of {@code POST /api/v2/ven/goodbye}: the VEN says it is going away on purpose, so the PCE judges its
 * silence by the goodbye timer ({@code workload_goodbye_timeout_seconds}) instead of the disconnected timer. Sent
 * once, when {@code cordon ven} stops gracefully (SIGTERM, Ctrl-C, the host shutting down); not when it is unpaired
 * (the PCE already removed it) and not when it dies (nothing is sent then). {@code reason} says why it stops (today
 * only {@link #SHUTDOWN}); {@code applied_hash} is the policy the host keeps enforcing while the VEN is away (the
 * firewall stays as it is), null when none was ever applied, and sent as null.
 */
@JsonPropertyOrder({"reason", "applied_hash"})
public record Goodbye(
        @JsonProperty("reason") String reason,
        @JsonProperty("applied_hash") String appliedHash) {
    /** The VEN service was stopped: a signal, Ctrl-C, or the host shutting down. */
    public static final String SHUTDOWN = "shutdown";
}
