/**
 * The VEN's copy of the flow batch wire records of {@code POST /api/v2/ven/traffic}: field for field the PCE's
 * {@code dev.cordon.pce.traffic.wire} (the VEN may not depend on the PCE's classes); both move to the shared
 * {@code cordon-protocol} module at merge, and {@code FlowUploaderTest} holds the JSON names to the PCE's contract.
 */
package dev.cordon.ven.flows.wire;
