package dev.cordon.pce.ven;

import java.time.Duration;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * How long a VEN may stay silent before its workload is offline, per org, workload labels and VEN type: Illumio's
 * {@code workload_disconnected_timeout_seconds} and {@code workload_goodbye_timeout_seconds} (org workload settings).
 * {@link #NEVER} (−1) means the workload never goes offline. The sweep asks {@link #forOrg} once per org and pass.
 */
@FunctionalInterface
public interface OfflineTimers {
    /** The timer value that means "never offline". */
    long NEVER = -1;

    /** The timers of one org. */
    Org forOrg(int org);

    /** The timers of one org, by the workload's label hrefs and its VEN type ({@code server}, {@code endpoint}). */
    interface Org {
        /** Seconds of silence after which the workload is offline, or {@link #NEVER}. */
        long disconnectedSeconds(Set<String> labelHrefs, String venType);

        /** Seconds after a goodbye after which the workload is offline, or {@link #NEVER}. */
        long goodbyeSeconds(Set<String> labelHrefs, String venType);
    }

    /** How a per-org timers value {@code T} answers one of the two questions. */
    @FunctionalInterface
    interface Pick<T> {
        long seconds(T timers, Set<String> labelHrefs, String venType);
    }

    /**
     * The same timer for every org and workload, after a silence and after a goodbye alike: {@code disconnected} null
     * means never.
     */
    static OfflineTimers fixed(Duration disconnected) {
        long s = disconnected == null ? NEVER : Math.max(1, disconnected.toSeconds());
        Org org = new Org() {
            @Override
            public long disconnectedSeconds(Set<String> labelHrefs, String venType) {
                return s;
            }

            @Override
            public long goodbyeSeconds(Set<String> labelHrefs, String venType) {
                return s;
            }
        };
        return o -> org;
    }

    /**
     * Timers read per org from a settings store, e.g. {@code OfflineTimers.perOrg(workloadSettings::timers,
     * Timers::disconnectedSeconds, Timers::goodbyeSeconds)}.
     */
    static <T> OfflineTimers perOrg(IntFunction<T> timers, Pick<T> disconnected, Pick<T> goodbye) {
        return org -> {
            T t = timers.apply(org);
            return new Org() {
                @Override
                public long disconnectedSeconds(Set<String> labelHrefs, String venType) {
                    return disconnected.seconds(t, labelHrefs, venType);
                }

                @Override
                public long goodbyeSeconds(Set<String> labelHrefs, String venType) {
                    return goodbye.seconds(t, labelHrefs, venType);
                }
            };
        };
    }
}
