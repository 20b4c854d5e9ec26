package dev.cordon.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One agent health message in a heartbeat: a type, {@code info|warning|error}, and what it says. The VEN sends all
 * three; a field another client leaves out stays out (the PCE shows health as it was sent).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "severity", "message"})
public record Health(
        @JsonProperty("type") String type,
        @JsonProperty("severity") String severity,
        @JsonProperty("message") String message) {}
