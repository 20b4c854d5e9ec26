package dev.cordon.pce.console.traffic;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last few answers of each session (Explorer results, maps, hit counts), so sorting, paging or opening a panel
 * does not run the query again. Keyed by the session's CSRF token (unique per session, never shown to another
 * browser) and the query; at most {@link #MAX} answers in all, the least recently used dropped first.
 */
final class Recent<T> {
    private static final int MAX = 24;

    private final Map<String, T> answers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, T> eldest) {
            return size() > MAX;
        }
    };

    synchronized T get(String session, String query) {
        return answers.get(session + "\n" + query);
    }

    synchronized void put(String session, String query, T a) {
        answers.put(session + "\n" + query, a);
    }
}
