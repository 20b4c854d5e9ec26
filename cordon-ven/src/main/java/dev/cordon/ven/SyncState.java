package dev.cordon.ven;

/** The VEN's policy sync state, as its heartbeat reports it (API.md). */
public enum SyncState {
    /** A policy is being applied, or none has been applied yet. */
    SYNCING("syncing"),
    /** The newest policy the VEN received is in force. */
    APPLIED("applied"),
    /** The newest policy could not be applied; the last good one stays in force. */
    ERROR("error");

    private final String wire;

    SyncState(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
