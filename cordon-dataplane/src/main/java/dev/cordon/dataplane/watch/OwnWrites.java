package dev.cordon.dataplane.watch;

import java.util.LinkedHashSet;
import java.util.function.LongConsumer;

/**
 * The process ids of the commands one dataplane started recently (its {@code nft}, {@code iptables-restore}
 * children), so its own commits are not mistaken for someone else's change. Fed by
 * {@code CommandRunner.observed(own)}; holds the last {@value #KEEP} pids (a commit is announced while its process
 * runs, so only recent ones matter, and a pid the kernel reuses after that is long out of the window). Thread-safe.
 */
public final class OwnWrites implements LongConsumer {
    static final int KEEP = 256;
    private final LinkedHashSet<Long> pids = new LinkedHashSet<>();

    @Override
    public synchronized void accept(long pid) {
        pids.remove(pid);
        pids.add(pid);
        if (pids.size() > KEEP) pids.remove(pids.iterator().next());
    }

    public synchronized boolean contains(long pid) {
        return pids.contains(pid);
    }
}
