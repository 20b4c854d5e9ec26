package dev.cordon.dataplane.flows.capture;

import dev.cordon.dataplane.flows.BlockedPacket;
import dev.cordon.dataplane.flows.ConnEvent;
import dev.cordon.dataplane.flows.PublishedDrops;
import dev.cordon.dataplane.flows.conntrack.ConntrackEvents;
import dev.cordon.dataplane.flows.nflog.NflogListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kernel flow capture for one network namespace: conntrack NEW/DESTROY events (with accounting on), the
 * connections that already existed (one dump, each reported once as {@link ConnEvent.Kind#SNAPSHOT}), and the
 * packets of one NFLOG group (Cordon's drop and would-be-drop log). Two daemon reader threads hand everything to
 * the {@link Sink}; the sink must be quick and thread-safe (it is called from both threads).
 *
 * <p>Order of start: the event subscription first, then the dump, so no connection falls between the two; a
 * connection seen as NEW while the dump ran is not reported again as a snapshot.
 */
public final class FlowCapture implements AutoCloseable {
    /** Where capture listens: namespace (empty = the host), NFLOG group (-1 = none), socket receive buffer. */
    public record Config(Optional<String> netns, int nflogGroup, int receiveBuffer) {
        public static final int DEFAULT_GROUP = dev.cordon.dataplane.flows.FlowMark.NFLOG_GROUP;
        public static final int DEFAULT_BUFFER = 32 << 20;

        public Config {
            if (receiveBuffer < 64 << 10) throw new IllegalArgumentException("the capture receive buffer must be at least 64 KiB");
        }

        public static Config of(Optional<String> netns) {
            return new Config(netns, DEFAULT_GROUP, DEFAULT_BUFFER);
        }
    }

    /** Where captured events go. */
    public interface Sink {
        void connection(ConnEvent e);

        void blocked(BlockedPacket p);
    }

    private final ConntrackEvents conntrack;
    private final NflogListener nflog;
    private final PublishedDrops published = new PublishedDrops();
    private final List<Thread> threads = new ArrayList<>();
    private final Set<Long> seenDuringDump = ConcurrentHashMap.newKeySet();
    private volatile boolean dumping = true;
    private volatile boolean running = true;

    private FlowCapture(ConntrackEvents conntrack, NflogListener nflog) {
        this.conntrack = conntrack;
        this.nflog = nflog;
    }

    /** Starts capture; returns once the snapshot was handed to the sink. */
    public static FlowCapture start(Config cfg, Sink sink) {
        ConntrackEvents ct = ConntrackEvents.open(cfg.netns(), cfg.receiveBuffer());
        NflogListener log;
        try {
            log = cfg.nflogGroup() < 0 ? null : NflogListener.open(cfg.netns(), cfg.nflogGroup(), cfg.receiveBuffer());
        } catch (RuntimeException e) {
            ct.close();
            throw e;
        }
        FlowCapture c = new FlowCapture(ct, log);
        String where = cfg.netns().map(n -> "-" + n).orElse("");
        c.thread("cordon-conntrack" + where, () -> ct.pump(e -> {
            if (c.dumping && e.kind() == ConnEvent.Kind.NEW) c.seenDuringDump.add(e.id());
            sink.connection(e);
        }, () -> c.running));
        if (log != null) c.thread("cordon-nflog" + where, () -> log.pump(p -> c.published.accept(p).ifPresent(sink::blocked),
                () -> c.running));
        try {
            for (ConnEvent e : ct.dump()) {
                if (!c.seenDuringDump.contains(e.id())) sink.connection(e);
            }
        } catch (RuntimeException e) {
            c.close();
            throw e;
        } finally {
            c.dumping = false;
            c.seenDuringDump.clear();
        }
        return c;
    }

    private void thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    /**
     * Events the kernel could not deliver so far: conntrack overruns plus NFLOG gaps and overruns, and published-port
     * drops whose pre-DNAT log was rate-limited away ({@link PublishedDrops}).
     */
    public long kernelLost() {
        return conntrack.overruns() + (nflog == null ? 0 : nflog.lost()) + published.unpaired();
    }

    /** Stops the readers (within their read timeout) and closes the sockets. */
    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        conntrack.close();
        if (nflog != null) nflog.close();
    }
}
