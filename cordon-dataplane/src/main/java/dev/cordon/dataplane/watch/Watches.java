package dev.cordon.dataplane.watch;

import dev.cordon.dataplane.ChangeWatch;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.dataplane.exec.ProcessCommandRunner;
import dev.cordon.dataplane.flows.netlink.NetlinkException;
import dev.cordon.dataplane.foreign.NftTableId;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a backend's {@link NftEvents} where its runner reaches a real network stack; {@link ChangeWatch#NONE} elsewhere. */
public final class Watches {
    private static final Logger log = LoggerFactory.getLogger(Watches.class);

    private Watches() {}

    /**
     * Watches the network stack {@code runner} works in. A runner that starts no real processes (a test's fake) has no
     * kernel to watch; a socket that cannot be opened (not root, no nf_tables) leaves the poll alone to find changes,
     * and says so once in the log.
     */
    public static ChangeWatch start(CommandRunner runner, OwnWrites own, Predicate<NftTableId> interesting,
                                    Runnable onChange) {
        return start(runner, own, interesting, null, onChange);
    }

    /** As above; {@code noted} learns what each announced transaction changed ({@link NftEvents#start}). */
    public static ChangeWatch start(CommandRunner runner, OwnWrites own, Predicate<NftTableId> interesting,
                                    java.util.function.Consumer<java.util.List<NftChange>> noted, Runnable onChange) {
        if (!(runner instanceof ProcessCommandRunner p)) return ChangeWatch.NONE;
        try {
            return NftEvents.start(p.namespace(), own, interesting, noted, onChange);
        } catch (NetlinkException e) {
            log.warn("cannot watch nftables change notifications in {} ({}); tampering is found by the poll only",
                    runner.where(), e.getMessage());
            return ChangeWatch.NONE;
        }
    }
}
