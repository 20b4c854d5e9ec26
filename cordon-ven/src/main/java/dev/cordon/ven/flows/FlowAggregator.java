package dev.cordon.ven.flows;

import dev.cordon.dataplane.flows.BlockedPacket;
import dev.cordon.dataplane.flows.ConnEvent;
import dev.cordon.protocol.flows.FlowSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kernel events → flow summaries, one per {@link FlowKey} per report interval.
 *
 * <ul>
 *   <li>NEW counts a connection and remembers its key by conntrack id, so its DESTROY (perhaps intervals later, and
 *       under a newer policy) adds its packets and bytes to the same key in the interval it ends in. The state is
 *       {@code active} while a connection of the summary is open at the flush, else {@code closed}.</li>
 *   <li>SNAPSHOT (connections that existed at start) gives summaries of state {@code snapshot}, once, with the
 *       counters so far.</li>
 *   <li>A blocked packet counts one connection per attempt (flow key and source port, remembered 130 s, so SYN
 *       retransmissions count once even across intervals) and its packets and bytes are unknown (0): only headers
 *       are copied.</li>
 * </ul>
 * In and out are from this workload's view: inbound connections' original direction is "in", outbound's "out".
 * The table is bounded ({@code maxKeys} per interval, {@code maxLive} open connections): an event past a bound is
 * counted in {@link #dropped()} and reported in the next batch, never silently lost.
 *
 * <p>Thread ownership: called from the capture's reader threads and the reporter's flush; all methods are
 * synchronized (a few microseconds each).
 */
public final class FlowAggregator {
    public static final int DEFAULT_MAX_KEYS = 100_000;
    public static final int DEFAULT_MAX_LIVE = 1_000_000;
    /**
     * How long a blocked attempt (flow key + source port) is remembered: a retransmission within this time of the
     * attempt's first packet is the same attempt, in whichever interval it falls. Linux retries a SYN 6 times by
     * default ({@code tcp_syn_retries}), 1+2+4+8+16+32 s after the first, then gives up at 127 s; 130 s covers it.
     */
    static final java.time.Duration ATTEMPT_WINDOW = java.time.Duration.ofSeconds(130);
    /** Attempts remembered at most; past it an attempt is counted without remembering (a retry may count again). */
    static final int MAX_ATTEMPTS = 200_000;

    private final int maxKeys;
    private final int maxLive;
    private volatile Classifier classifier;
    private Map<FlowKey, Acc> interval = new LinkedHashMap<>();
    private final Map<Long, FlowKey> live = new HashMap<>();
    /** Blocked attempts seen lately, by flow key and source port: when each was first seen. Spans intervals. */
    private final Map<Attempt, Instant> attempts = new HashMap<>();
    private Instant latestBlocked = Instant.EPOCH;
    private long dropped;

    public FlowAggregator(Classifier classifier, int maxKeys, int maxLive) {
        this.classifier = classifier;
        this.maxKeys = maxKeys;
        this.maxLive = maxLive;
    }

    /** A new policy (or new local addresses): events from now on are classified with it. */
    public void use(Classifier c) {
        this.classifier = c;
    }

    public Classifier classifier() {
        return classifier;
    }

    public synchronized void connection(ConnEvent e, Instant now) {
        switch (e.kind()) {
            case NEW -> {
                FlowKey k = classifier.key(e).orElse(null);
                if (k == null) return;
                Acc a = acc(k);
                if (a == null) return;
                if (live.size() >= maxLive) {
                    dropped++;
                    return;
                }
                live.put(e.id(), k);
                a.connections++;
                a.open++;
                a.seen(now);
            }
            case DESTROY -> {
                FlowKey k = live.remove(e.id());
                if (k == null) return; // began before capture (reported in the snapshot) or not this workload's
                Acc a = acc(k);
                if (a == null) return;
                a.open--;
                a.closed = true;
                a.add(k, e);
                a.seen(now);
            }
            case SNAPSHOT -> {
                FlowKey k = classifier.key(e).orElse(null);
                if (k == null) return;
                Acc a = acc(k);
                if (a == null) return;
                a.connections++;
                a.add(k, e);
                a.seen(now);
            }
        }
    }

    /**
     * A packet Cordon blocked. One blocked attempt is one connection, however many of its packets are logged and in
     * however many intervals they fall: the attempt is the flow key plus the source port, remembered for
     * {@link #ATTEMPT_WINDOW} from its first packet. A retransmission in a later interval adds no connection there
     * (and makes no summary of its own); it only moves the last-seen time of a summary the interval already has.
     */
    public synchronized void blocked(BlockedPacket p, Instant now) {
        FlowKey k = classifier.key(p).orElse(null);
        if (k == null) return;
        if (now.isAfter(latestBlocked)) latestBlocked = now;
        Attempt at = new Attempt(k, p.srcPort());
        Instant first = attempts.get(at);
        if (first != null && now.isBefore(first.plus(ATTEMPT_WINDOW))) {
            Acc a = interval.get(k);
            if (a != null) a.seen(now);
            return;
        }
        Acc a = acc(k);
        if (a == null) return;
        remember(at, now);
        a.connections++;
        a.seen(now);
    }

    private void remember(Attempt at, Instant now) {
        if (attempts.size() >= MAX_ATTEMPTS) {
            Instant expired = now.minus(ATTEMPT_WINDOW);
            attempts.values().removeIf(t -> !t.isAfter(expired));
            if (attempts.size() >= MAX_ATTEMPTS) return;
        }
        attempts.put(at, now);
    }

    /** One blocked connection attempt: its flow and the source port that tells attempts of the flow apart. */
    private record Attempt(FlowKey key, int srcPort) {}

    private Acc acc(FlowKey k) {
        Acc a = interval.get(k);
        if (a != null) return a;
        if (interval.size() >= maxKeys) {
            dropped++;
            return null;
        }
        a = new Acc();
        interval.put(k, a);
        return a;
    }

    /**
     * The summaries of the interval that ends now, as {@code visibility} allows; starts the next interval. A key
     * whose connections are still open is carried into the next interval (0 new connections) so that its DESTROY
     * has a place to land.
     */
    public synchronized List<FlowSummary> flush(Visibility visibility) {
        if (!attempts.isEmpty()) {
            Instant expired = latestBlocked.minus(ATTEMPT_WINDOW); // the events' own clock, not the wall's
            attempts.values().removeIf(t -> !t.isAfter(expired));
        }
        Map<FlowKey, Acc> done = interval;
        interval = new LinkedHashMap<>();
        List<FlowSummary> out = new ArrayList<>(done.size());
        for (Map.Entry<FlowKey, Acc> en : done.entrySet()) {
            FlowKey k = en.getKey();
            Acc a = en.getValue();
            if (a.open > 0) {
                Acc carried = new Acc();
                carried.open = a.open;
                interval.put(k, carried);
            }
            if (a.connections == 0 && a.first == null) continue;
            if (!visibility.reports(k.decision())) continue;
            boolean counts = visibility.counts();
            String state = k.snapshot() ? "snapshot" : a.open > 0 ? "active" : "closed";
            out.add(new FlowSummary(k.direction(), k.localIp(), k.peerIp(), k.proto(), k.port(), k.icmpType(),
                    k.icmpCode(), k.decision(), k.reason(), k.ruleHref(), k.policyVersion(), a.connections,
                    a.first.toString(), a.last.toString(), counts ? a.packetsIn : 0, counts ? a.packetsOut : 0,
                    counts ? a.bytesIn : 0, counts ? a.bytesOut : 0, state));
        }
        return out;
    }

    /** Events lost to the bounds so far, and resets the count (reported once, in the next batch). */
    public synchronized long takeDropped() {
        long d = dropped;
        dropped = 0;
        return d;
    }

    public synchronized long dropped() {
        return dropped;
    }

    /** Blocked attempts remembered (for the bound and for tests). */
    synchronized int rememberedAttempts() {
        return attempts.size();
    }

    /** Open connections being followed (for the bound and for tests). */
    public synchronized int liveConnections() {
        return live.size();
    }

    private static final class Acc {
        long connections;
        long open;
        boolean closed;
        long packetsIn;
        long packetsOut;
        long bytesIn;
        long bytesOut;
        Instant first;
        Instant last;

        void seen(Instant now) {
            if (first == null || now.isBefore(first)) first = now;
            if (last == null || now.isAfter(last)) last = now;
        }

        void add(FlowKey k, ConnEvent e) {
            boolean inbound = k.direction().equals("inbound");
            packetsIn += inbound ? e.packetsOrig() : e.packetsReply();
            packetsOut += inbound ? e.packetsReply() : e.packetsOrig();
            bytesIn += inbound ? e.bytesOrig() : e.bytesReply();
            bytesOut += inbound ? e.bytesReply() : e.bytesOrig();
        }
    }
}
