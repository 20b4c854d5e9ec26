package dev.cordon.protocol.flows;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Capture events a VEN lost since its previous batch, by where they were lost: {@code kernel} (netlink ENOBUFS,
 * NFLOG sequence gaps), {@code aggregator} (its in-memory table was full) and {@code spool} (the on-disk spool was
 * full while the PCE was away, oldest batches dropped).
 */
public record DroppedEvents(@JsonProperty("kernel") long kernel,
                            @JsonProperty("aggregator") long aggregator,
                            @JsonProperty("spool") long spool) {
    public static final DroppedEvents NONE = new DroppedEvents(0, 0, 0);
}
