package dev.cordon.pce.settings;

import java.util.List;
import java.util.Set;

/**
 * The two offline timers as stored: how long a VEN may be silent before its workload counts as disconnected
 * ({@code workload_disconnected_timeout_seconds}) and how long after a goodbye ({@code workload_goodbye_timeout_seconds}).
 */
public record Timers(List<Timer> disconnected, List<Timer> goodbye) {
    public Timers {
        disconnected = List.copyOf(disconnected);
        goodbye = List.copyOf(goodbye);
    }

    /** Seconds of silence after which a workload with these labels and VEN type is offline; {@link Timer#NEVER} for never. */
    public long disconnectedSeconds(Set<String> labelHrefs, String venType) {
        return pick(disconnected, labelHrefs, venType);
    }

    /** Seconds after a VEN's goodbye after which its workload is offline; {@link Timer#NEVER} for never. */
    public long goodbyeSeconds(Set<String> labelHrefs, String venType) {
        return pick(goodbye, labelHrefs, venType);
    }

    /** The most specific entry that applies (most scope labels, a VEN type over none); the list's order breaks ties. */
    private static long pick(List<Timer> timers, Set<String> labels, String venType) {
        Timer best = null;
        for (Timer t : timers) {
            if (!t.applies(labels, venType)) continue;
            if (best == null || rank(t) > rank(best)) best = t;
        }
        // validation keeps a default entry (empty scope, any VEN type) in every list, so best is never null
        return best == null ? Timer.NEVER : best.seconds();
    }

    private static int rank(Timer t) {
        return t.scope().size() * 2 + (t.venType() == null ? 0 : 1);
    }
}
