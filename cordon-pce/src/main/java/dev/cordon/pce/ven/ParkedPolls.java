package dev.cordon.pce.ven;

import dev.cordon.pce.core.ApiException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Bounds the policy long polls parked on this node: at most {@code perNode} in all (each holds a connection and a
 * little memory), and at most {@code perVen} for one VEN. A VEN needs one; a VEN killed and restarted leaves its old
 * poll parked, on a connection nobody reads, until its wait ends. So one more poll of a VEN at its bound is not
 * refused: it supersedes the VEN's oldest parked poll, which is answered "no change" at once, and a VEN can never
 * hold more. A node at its bound refuses a new poll with {@code 503} and a {@code Retry-After} (another node, or
 * this one soon, can answer). Thread ownership: request threads park, the completing thread (timer, waker,
 * recheck) releases; every method holds this object's monitor for a few map operations, never while completing.
 */
final class ParkedPolls {
    static final long RETRY_AFTER_SECONDS = 10;
    private final int perNode;
    private final int perVen;
    private final Map<String, ArrayDeque<CompletableFuture<byte[]>>> byVen = new HashMap<>();
    private int total;

    ParkedPolls(int perNode, int perVen) {
        this.perNode = perNode;
        this.perVen = perVen;
    }

    /**
     * Parks {@code poll} for {@code venHref}; returns the VEN's oldest poll it supersedes (for the caller to answer
     * "no change"), or null. Throws the {@code 503} to answer instead when the node is full.
     */
    synchronized CompletableFuture<byte[]> park(String venHref, CompletableFuture<byte[]> poll) {
        ArrayDeque<CompletableFuture<byte[]>> mine = byVen.get(venHref);
        if (mine != null && mine.size() >= perVen) {
            CompletableFuture<byte[]> oldest = mine.pollFirst();
            mine.addLast(poll);
            return oldest;
        }
        if (total >= perNode) {
            throw ApiException.unavailable("pce_busy", "This PCE node holds its limit of " + perNode + " waiting"
                    + " policy polls (cordon pce --max-parked-polls): poll again in " + RETRY_AFTER_SECONDS + " s, or"
                    + " through another node.", RETRY_AFTER_SECONDS);
        }
        byVen.computeIfAbsent(venHref, k -> new ArrayDeque<>()).addLast(poll);
        total++;
        return null;
    }

    /** Gives back the place of a parked poll that was answered (nothing when it was superseded already). */
    synchronized void release(String venHref, CompletableFuture<byte[]> poll) {
        ArrayDeque<CompletableFuture<byte[]>> mine = byVen.get(venHref);
        if (mine == null || !mine.removeIf(f -> f == poll)) return;
        if (mine.isEmpty()) byVen.remove(venHref);
        total--;
    }

    synchronized int total() {
        return total;
    }
}
