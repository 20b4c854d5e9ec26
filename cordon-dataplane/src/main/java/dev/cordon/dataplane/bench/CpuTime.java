package dev.cordon.dataplane.bench;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * CPU time of this process (every thread) plus the children it has waited for ({@code getrusage} SELF and
 * CHILDREN), in microseconds: what one step of the dataplane costs, including the {@code ipset} and
 * {@code iptables-restore} processes it runs, whatever else the machine is doing. Wall time on a loaded machine
 * mostly measures the wait for a core; CPU per step does not (it leaves out kernel work done in other contexts,
 * e.g. RCU freeing a replaced set, for both sides of a ratio alike).
 */
final class CpuTime {
    private interface C extends Library {
        C LIB = Native.load("c", C.class);

        /** {@code struct rusage} is 18 longs on 64-bit Linux: two timevals, then 14 counters. */
        int getrusage(int who, long[] usage);
    }

    private static final int SELF = 0;
    private static final int CHILDREN = -1;

    private CpuTime() {}

    /** Microseconds of user and system CPU so far (this process and its waited-for children), or -1 if unknown. */
    static long micros() {
        try {
            return of(SELF) + of(CHILDREN);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return -1;
        }
    }

    private static long of(int who) {
        long[] u = new long[18];
        if (C.LIB.getrusage(who, u) != 0) throw new IllegalStateException("getrusage failed");
        return u[0] * 1_000_000 + u[1] + u[2] * 1_000_000 + u[3];
    }
}
