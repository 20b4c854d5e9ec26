package dev.cordon.pce.ven;

import dev.cordon.pce.api.ApiException;
import java.util.HashMap;
import java.util.Map;

/**
 * Bounds the policy long polls parked on this node: at most {@code perNode} in all (each holds a connection and a
 * little memory), and at most {@code perVen} for one VEN (a VEN needs one; a few more cover a poll whose connection
 * died unseen before its wait ended). Over a bound the poll is refused with a {@code Retry-After}: {@code 429} when
 * one VEN parks too many (the VEN's fault), {@code 503} when the node is full (another node, or this one soon, can
 * answer). Thread ownership: request threads park, the completing thread (timer, waker, recheck) releases; every
 * method holds this object's monitor for one or two map operations.
 */
final class ParkedPolls {
    static final long RETRY_AFTER_SECONDS = 10;
    private final int perNode;
    private final int perVen;
    private final Map<String, Integer> byVen = new HashMap<>();
    private int total;

    ParkedPolls(int perNode, int perVen) {
        this.perNode = perNode;
        this.perVen = perVen;
    }

    /** Takes a place for one parked poll of {@code venHref}, or throws the 429/503 to answer instead. */
    synchronized void park(String venHref) {
        int mine = byVen.getOrDefault(venHref, 0);
        if (mine >= perVen) {
            throw ApiException.tooManyRequests("too_many_parked_polls", "This VEN already has " + mine + " policy"
                    + " polls waiting on this PCE node (at most " + perVen + "): poll again after the one waiting is"
                    + " answered, or in " + RETRY_AFTER_SECONDS + " s.", RETRY_AFTER_SECONDS);
        }
        if (total >= perNode) {
            throw ApiException.unavailable("pce_busy", "This PCE node holds its limit of " + perNode + " waiting"
                    + " policy polls (cordon pce --max-parked-polls): poll again in " + RETRY_AFTER_SECONDS + " s, or"
                    + " through another node.", RETRY_AFTER_SECONDS);
        }
        byVen.put(venHref, mine + 1);
        total++;
    }

    /** Gives back the place of a parked poll that was answered. */
    synchronized void release(String venHref) {
        Integer mine = byVen.get(venHref);
        if (mine == null) return;
        if (mine <= 1) byVen.remove(venHref);
        else byVen.put(venHref, mine - 1);
        total--;
    }

    synchronized int total() {
        return total;
    }
}
