package dev.cordon.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cordon.protocol.flows.FlowSettings;

/**
 * The PCE's {@code 200} answer to a heartbeat that carried {@code flow_reporting} (a VEN that reports traffic):
 * {@code traffic}, what the PCE asks of its reporting now ({@link FlowSettings}). A heartbeat without
 * {@code flow_reporting} (a VEN from before, or one whose traffic reporting did not start) is answered {@code 204}
 * with no body, as before.
 */
public record HeartbeatAnswer(@JsonProperty("traffic") FlowSettings traffic) {}
