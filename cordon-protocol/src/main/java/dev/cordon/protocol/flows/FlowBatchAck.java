package dev.cordon.protocol.flows;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The PCE's answer to a {@link FlowBatch}: {@code acknowledged_seq} is the highest seq the PCE has stored for this
 * VEN (the VEN may delete every spooled batch up to it); {@code duplicate} is true when this batch had been stored
 * before (a resend), so nothing was added.
 */
public record FlowBatchAck(@JsonProperty("acknowledged_seq") long acknowledgedSeq,
                           @JsonProperty("duplicate") boolean duplicate,
                           @JsonProperty("flows_stored") int flowsStored) {}
