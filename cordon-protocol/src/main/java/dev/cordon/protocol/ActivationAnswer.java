package dev.cordon.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The {@code 201} answer to an activation: the new VEN, its managed workload, and the agent token for every later
 * call ({@code Authorization: Bearer <agent_token>}), shown this once (the PCE keeps only a salted hash).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"ven", "workload", "agent_token"})
public record ActivationAnswer(
        @JsonProperty("ven") Ref ven,
        @JsonProperty("workload") Ref workload,
        @JsonProperty("agent_token") String agentToken) {
    /** True when the answer names a VEN, a workload and a token (a VEN refuses one that does not). */
    public boolean complete() {
        return ven != null && ven.href() != null && workload != null && workload.href() != null && agentToken != null;
    }
}
