package dev.cordon.pce.auth.throttle;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The (key id, source) pairs that recently authenticated successfully, so that a key locked by guesses from
 * elsewhere keeps working where it is really used. Bounded: the least recently used pair is forgotten first.
 * Thread ownership: called from any request thread; each method holds this object's monitor for one map operation.
 */
final class KnownSources {
    private final Map<String, Boolean> pairs;

    KnownSources(int capacity) {
        this.pairs = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void add(String keyId, String subject) {
        pairs.put(keyId + "|" + subject, Boolean.TRUE);
    }

    synchronized boolean contains(String keyId, String subject) {
        return pairs.get(keyId + "|" + subject) != null;
    }
}
