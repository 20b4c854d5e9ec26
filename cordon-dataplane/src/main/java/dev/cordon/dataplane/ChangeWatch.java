package dev.cordon.dataplane;

/**
 * A running watch of the kernel's change notifications ({@link Dataplane#watch}): until closed it calls its callback
 * soon after someone other than this dataplane changed firewall state that may concern Cordon, so a tamper check runs
 * at once instead of at the next poll. It never decides what is tampering (the check does), and it is lossy by
 * nature (netlink may drop notifications; a lost batch also calls the callback), so callers keep a slow poll.
 */
public interface ChangeWatch extends AutoCloseable {
    /** No notifications (a backend or runner that cannot watch): only the poll finds changes. */
    ChangeWatch NONE = new ChangeWatch() {
        @Override
        public boolean live() {
            return false;
        }

        @Override
        public void close() {}
    };

    /** True while notifications arrive. */
    boolean live();

    /** Stops watching; the callback is not called after this returns. */
    @Override
    void close();
}
