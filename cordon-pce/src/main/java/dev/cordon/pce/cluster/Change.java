package dev.cordon.pce.cluster;

import java.util.Locale;
import java.util.Optional;

/**
 * One change a PCE node tells the others about, so they drop what they cached and wake their long polls.
 *
 * <p>On the wire (the {@code NOTIFY} payload): {@code <node> <type> [<href>]}, e.g. {@code 3f2a9c1e version} or
 * {@code 3f2a9c1e ven /orgs/1/vens/7d…}.
 */
public record Change(Type type, String href) {
    public enum Type {
        /** A provision or restore made a new active version. */
        VERSION,
        /** A label or workload changed: compiled policy may change without a new version. */
        LIVE,
        /** A VEN was suspended, reactivated or unpaired: forget its cached agent token. */
        VEN,
        /** A VEN was marked as missing heartbeats: its next heartbeat must clear the condition. */
        MISSED,
        /** Anything may have changed (a node lost its LISTEN connection): drop every cache. */
        ALL,
        /**
         * A node started provisioning the whole draft of the org {@code href} ({@code /orgs/N}): the others may build
         * the engine of the coming version now, so that its commit finds it built ({@code policy.Prebuilds}). A hint
         * only: nothing is dropped, and a node that ignores it (or an older version of Cordon) builds after the
         * {@code version} change as before.
         */
        PROVISIONING
    }

    public static final Change VERSION = new Change(Type.VERSION, null);
    public static final Change LIVE = new Change(Type.LIVE, null);
    public static final Change ALL = new Change(Type.ALL, null);

    public static Change ven(String href) {
        return new Change(Type.VEN, href);
    }

    public static Change missed(String href) {
        return new Change(Type.MISSED, href);
    }

    public static Change provisioning(int org) {
        return new Change(Type.PROVISIONING, "/orgs/" + org);
    }

    /** The payload as sent by {@code node}. */
    String encode(String node) {
        return node + " " + type.name().toLowerCase(Locale.ROOT) + (href == null ? "" : " " + href);
    }

    /** A payload as received: the sending node and its change; empty for anything this version does not know. */
    record Received(String node, Change change) {}

    static Optional<Received> decode(String payload) {
        if (payload == null) return Optional.empty();
        String[] parts = payload.split(" ", 3);
        if (parts.length < 2) return Optional.empty();
        Type type;
        try {
            type = Type.valueOf(parts[1].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String href = parts.length == 3 ? parts[2] : null;
        if ((type == Type.VEN || type == Type.MISSED || type == Type.PROVISIONING) && href == null) return Optional.empty();
        return Optional.of(new Received(parts[0], new Change(type, href)));
    }
}
