package dev.cordon.protocol.flows;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a VEN's traffic reporting is doing now, sent in its heartbeat ({@code flow_reporting}): the visibility level
 * it honours and the seconds between its uploads at the moment (its {@code --flow-report-interval}, or the shorter
 * interval the PCE asked for while that lasts). A VEN without traffic reporting leaves it out; a heartbeat that has
 * it is answered with the PCE's {@link FlowSettings} ({@code 200 HeartbeatAnswer}) instead of {@code 204}.
 */
public record FlowReporting(@JsonProperty("visibility_level") String visibilityLevel,
                            @JsonProperty("interval_seconds") long intervalSeconds) {}
