/**
 * The VEN protocol on the wire (API.md, "VEN protocol"; Cordon's own, Illumio publishes none): one immutable record
 * per body that crosses between a VEN and the PCE, used by both sides, so neither builds or parses the other's JSON
 * by hand and a golden test ({@code WireRecordsTest}) holds the format still.
 *
 * <ul>
 *   <li>{@link dev.cordon.protocol.ActivationRequest} → {@link dev.cordon.protocol.ActivationAnswer}:
 *       {@code POST /api/v2/ven/activate}.
 *   <li>{@link dev.cordon.protocol.PolicyAnswer}: the head of what {@code GET /api/v2/ven/policy} returns with
 *       {@code 200}; the whole body is the engine's {@code FirewallPolicy} (cordon-policy), which this module may not
 *       name: it depends on Jackson and nothing of Cordon's.
 *   <li>{@link dev.cordon.protocol.Heartbeat} with its {@link dev.cordon.protocol.Health} messages:
 *       {@code POST /api/v2/ven/heartbeat}.
 *   <li>{@link dev.cordon.protocol.AgentEvent}: a list of them is {@code POST /api/v2/ven/events}.
 *   <li>{@link dev.cordon.protocol.Goodbye}: {@code POST /api/v2/ven/goodbye}, once, when the VEN stops gracefully.
 * </ul>
 *
 * <p>Flow batches (VENs reporting the connections they saw, for traffic visibility) are in
 * {@code dev.cordon.protocol.flows}: {@code POST /api/v2/ven/traffic}.
 *
 * <p>Conventions: field names are explicit ({@code @JsonProperty}) and ordered ({@code @JsonPropertyOrder}), so the
 * format does not depend on a mapper's naming strategy; optional fields a VEN did not send before they existed are
 * left out when null; answers the VEN reads ignore fields it does not know, so a newer PCE may add some. The PCE
 * checks what a VEN sends field by field before it binds it to a record ({@code pce.ven.VenInputs}): the records
 * validate nothing a VEN could get wrong, so a mistake is a {@code 406} naming the field, not a binding error.
 */
package dev.cordon.protocol;
