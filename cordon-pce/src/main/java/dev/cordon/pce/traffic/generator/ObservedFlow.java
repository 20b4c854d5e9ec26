package dev.cordon.pce.traffic.generator;

import java.util.List;

/**
 * One flow record as the generator needs it: both ends, the service, the connections, the end that reported it
 * ({@code inbound}: the destination, {@code outbound}: the source) and the decision the draft policy gives it there.
 */
public record ObservedFlow(End src, End dst, int proto, Integer port, long connections, String direction,
                           String draftDecision) {

    public ObservedFlow {
        if (direction == null) direction = "inbound";
    }

    /** An end: its address and, when a workload has it, the workload's href and labels; {@code null} workload: unmanaged address. */
    public record End(String ip, String workload, List<Label> labels) {
        public End {
            labels = labels == null ? List.of() : List.copyOf(labels);
        }

        public static End address(String ip) {
            return new End(ip, null, List.of());
        }

        boolean isWorkload() {
            return workload != null;
        }

        boolean has(String labelHref) {
            for (Label l : labels) if (l.href().equals(labelHref)) return true;
            return false;
        }
    }

    /** A label of an end. */
    public record Label(String href, String key, String value) {}

    /** The same flow whichever end reported it. */
    record Key(String src, String dst, int proto, Integer port) {}

    Key key() {
        return new Key(src.ip(), dst.ip(), proto, port);
    }

    boolean allowed() {
        return "allowed".equals(draftDecision);
    }
}
