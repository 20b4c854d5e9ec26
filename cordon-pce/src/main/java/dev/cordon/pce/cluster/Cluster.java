package dev.cordon.pce.cluster;

import dev.cordon.pce.store.Store;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PCE nodes sharing one PostgreSQL database, as seen from one of them.
 *
 * <p>{@link #publish} tells the other nodes what this node changed, with {@code NOTIFY cordon_changes}; a listener
 * thread holds a dedicated connection with {@code LISTEN cordon_changes} and hands every other node's change to
 * the subscribers, who drop their caches and re-check their parked long polls. When the listening connection
 * breaks, the thread reconnects and delivers {@link Change#ALL} (a change may have been missed meanwhile).
 *
 * <p>On H2 there is one node: {@link #local()} publishes nothing and never delivers anything.
 *
 * <pre>
 *   Cluster cluster = Cluster.of(store);          // LISTEN starts on PostgreSQL
 *   cluster.subscribe(change -> ...);             // other nodes' changes, on the listener thread
 *   cluster.publish(Change.VERSION);              // after this node's provision committed
 * </pre>
 */
public final class Cluster implements AutoCloseable {
    public static final String CHANNEL = "cordon_changes";
    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

    private final Store store;
    private final String node = UUID.randomUUID().toString().substring(0, 8);
    private final List<Consumer<Change>> subscribers = new CopyOnWriteArrayList<>();
    private final Thread listener;
    private volatile boolean closed;
    private volatile Connection listening;
    private volatile boolean listeningNow;

    private Cluster(Store store, boolean listen) {
        this.store = store;
        if (!listen) {
            listener = null;
            return;
        }
        listener = new Thread(this::listen, "cordon-cluster-" + node);
        listener.setDaemon(true);
    }

    /** A single node: publishes nothing, hears nothing. */
    public static Cluster local() {
        return new Cluster(null, false);
    }

    /** The cluster of the store's database: LISTENs on PostgreSQL (ready when this returns), local on H2. */
    public static Cluster of(Store store) {
        if (!store.database().isPostgres()) return local();
        Cluster c = new Cluster(store, true);
        c.listener.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        synchronized (c) {
            while (!c.listeningNow && System.nanoTime() < deadline) {
                try {
                    c.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (!c.listeningNow) {
            c.close();
            throw new IllegalStateException("Cannot LISTEN " + CHANNEL + " on the PostgreSQL database within 10 s:"
                    + " check that the database accepts one more connection per PCE node (max_connections).");
        }
        return c;
    }

    /** This node's id as it appears in notifications (random per process). */
    public String node() {
        return node;
    }

    public boolean isMultiNode() {
        return listener != null;
    }

    /** Other nodes' changes go to {@code s}, on the listener thread: keep it short (queue work elsewhere). */
    public void subscribe(Consumer<Change> s) {
        subscribers.add(s);
    }

    /**
     * Tells the other nodes about a change this node made. Call it after the change committed (or inside the write
     * transaction: PostgreSQL then delivers it at commit). A failure to notify is logged, not thrown: the change is
     * committed, and the other nodes' periodic check catches up.
     */
    public void publish(Change c) {
        if (listener == null || closed) return;
        try {
            store.database().notify(CHANNEL, c.encode(node));
        } catch (RuntimeException e) {
            LOG.warn("could not notify the other PCE nodes of {}: {}", c, e.getMessage());
        }
    }

    private void listen() {
        boolean reconnected = false;
        while (!closed) {
            try (Connection c = store.database().dedicatedConnection(); Statement st = c.createStatement()) {
                listening = c;
                st.execute("LISTEN " + CHANNEL);
                synchronized (this) {
                    listeningNow = true;
                    notifyAll();
                }
                if (reconnected) {
                    LOG.info("listening for other PCE nodes' changes again; dropping every cache");
                    deliver(Change.ALL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] got = pg.getNotifications(500);
                    if (got == null) continue;
                    for (PGNotification n : got) {
                        Change.decode(n.getParameter()).filter(r -> !r.node().equals(node))
                                .ifPresent(r -> deliver(r.change()));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) return;
                LOG.warn("lost the LISTEN connection to PostgreSQL ({}); reconnecting in 1 s", e.getMessage());
                reconnected = true;
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void deliver(Change c) {
        for (Consumer<Change> s : subscribers) {
            try {
                s.accept(c);
            } catch (RuntimeException e) {
                LOG.warn("handling {} from another PCE node failed: {}", c, e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (listener == null) return;
        listener.interrupt();
        Connection c = listening;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
        try {
            listener.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
