package dev.cordon.pce.store;

import java.util.List;

/** A stored event: its per-org sequence number and its JSON body. */
public record EventRow(long seq, String body) {

    /** A page of events, newest first, and the total number matching. */
    public record Page(List<EventRow> rows, long total) {}
}
