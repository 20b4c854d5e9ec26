/**
 * The flow batch of {@code POST /api/v2/ven/traffic}: a VEN's flow summaries with its sequence number and loss
 * counts ({@link dev.cordon.protocol.flows.FlowBatch}), and the PCE's acknowledgement
 * ({@link dev.cordon.protocol.flows.FlowBatchAck}). The VEN writes and the PCE reads these same records; the contract
 * (field by field, what each answer means) is in docs/design/traffic.md.
 */
package dev.cordon.protocol.flows;
