package dev.cordon.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What the policy long poll ({@code GET /api/v2/ven/policy?known_hash=H&wait_seconds=S}) answers with {@code 200}:
 * a {@code FirewallPolicy} whose first fields, in this order, are always the workload, the active version and the
 * policy's hash (H for the next poll); {@code 304} (no body) means "still H". The rest of the body (mode,
 * coexistence, sets, entries, control plane) is the engine's format (cordon-policy, API.md "FirewallPolicy"), read
 * whole by the VEN with the engine's own record; this record is the part the protocol itself relies on, and reads
 * any policy body (other fields ignored). The PCE writes each answer's head from it, so the head cannot drift.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"workload", "version", "hash"})
public record PolicyAnswer(
        @JsonProperty("workload") Workload workload,
        @JsonProperty("version") long version,
        @JsonProperty("hash") String hash) {
    /** Query parameters of the poll. */
    public static final String KNOWN_HASH = "known_hash";
    public static final String WAIT_SECONDS = "wait_seconds";
    /** The longest wait the PCE grants. */
    public static final int MAX_WAIT_SECONDS = 300;

    /** The workload the policy is for. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"href", "name"})
    public record Workload(@JsonProperty("href") String href, @JsonProperty("name") String name) {}

    /**
     * The answer's JSON up to (not including) the closing brace, so the rest of the policy's fields can follow
     * ({@code pce.ven.PolicyResponses} joins it with the part shared by every workload of a policy class).
     */
    public String head() {
        String whole = Wire.write(this);
        return whole.substring(0, whole.length() - 1);
    }
}
