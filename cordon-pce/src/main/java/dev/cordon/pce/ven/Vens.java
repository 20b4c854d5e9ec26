package dev.cordon.pce.ven;

/**
 * The VEN side of the PCE as {@link dev.cordon.pce.PceServer} wires it, handed to the HTTP layer in one value. It
 * holds no job and no state: each piece is its own service, and callers use the piece they need.
 */
public record Vens(VenActivation activation, AgentTokens tokens, PolicyLongPoll polls, Heartbeats heartbeats,
                   AgentEvents events, VenAdmin admin, Goodbyes goodbyes) {}
