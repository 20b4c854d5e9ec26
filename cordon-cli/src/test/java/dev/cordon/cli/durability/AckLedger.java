package dev.cordon.cli.durability;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the PCE acknowledged (answered 2xx) and with which content, and the check, after a restart, that all of it
 * is still there.
 *
 * <p>Labels and workloads are never removed by anything the burst does (an import upserts them), so each one
 * acknowledged must be present, cumulatively over every round. Draft objects (IP lists, services, rule sets and
 * rules) are replaced wholesale by an import or a restore: one is checked strictly when it was sent after every
 * import/restore of its round had been answered (nothing can have replaced it since); an earlier one must, when
 * still present, have its acknowledged content. Provisioned versions: each acknowledged one must exist with the
 * description we gave it and the {@code created_at} and {@code object_counts} its 201 answered, versions must run
 * 1..N without gap or duplicate, and a version once seen must keep the same content in every later round.
 */
final class AckLedger {
    /** An acknowledged write: the fields we sent (the stored object must contain them) and when it was sent. */
    record Ack(String kind, JsonNode expected, long sentAt) {}

    final Map<String, Ack> live = new ConcurrentHashMap<>();
    final Map<String, Ack> draft = new ConcurrentHashMap<>();
    /** version → {description, created_at, object_counts} as acknowledged. */
    final Map<Long, JsonNode> versions = new ConcurrentHashMap<>();
    /** version → its content (rule sets, IP lists, services) the first time it was read after a restart. */
    final Map<Long, String> versionContent = new TreeMap<>();
    /** nanoTime by which every import/restore sent so far was answered; MAX while one is in flight. */
    volatile long replacesSettledAt = Long.MIN_VALUE;

    /** What one verification found. */
    record Verdict(int acknowledged, int lost, int checkedStrictly, int superseded, long versions,
                   List<String> problems) {}

    Verdict verify(Api api) throws Exception {
        return verify(api, true);
    }

    /**
     * {@code rereadAll} false reads the content of versions not seen before only (a round's check stays short);
     * true compares every version's content with what it was when first seen.
     */
    Verdict verify(Api api, boolean rereadAll) throws Exception {
        List<String> problems = new ArrayList<>();
        int acknowledged = live.size() + draft.size() + versions.size();
        int lost = 0;
        Map<String, JsonNode> have = new java.util.HashMap<>();
        for (String path : List.of("/orgs/1/labels", "/orgs/1/workloads", "/orgs/1/sec_policy/draft/ip_lists",
                "/orgs/1/sec_policy/draft/services", "/orgs/1/sec_policy/draft/rule_sets")) {
            Api.Answer a = api.get(path + "?max_results=1000000");
            if (a.status() != 200) throw new AssertionError("GET " + path + " → " + a.status() + " " + a.body());
            for (JsonNode n : a.json()) {
                have.put(n.path("href").asText(), n);
                for (JsonNode rule : n.path("rules")) have.put(rule.path("href").asText(), rule);
            }
        }
        for (var e : live.entrySet()) {
            JsonNode got = have.get(e.getKey());
            if (got == null) {
                lost++;
                problems.add("lost " + e.getValue().kind() + " " + e.getKey());
            } else if (!contains(got, e.getValue().expected())) {
                lost++;
                problems.add("changed " + e.getKey() + ": acknowledged " + e.getValue().expected() + ", now " + got);
            }
        }
        int strict = 0;
        int superseded = 0;
        for (var e : draft.entrySet()) {
            JsonNode got = have.get(e.getKey());
            boolean mustBeThere = e.getValue().sentAt() > replacesSettledAt;
            if (mustBeThere) strict++;
            if (got == null && mustBeThere) {
                lost++;
                problems.add("lost " + e.getValue().kind() + " " + e.getKey());
            } else if (got == null) {
                superseded++;
            } else if (!contains(got, e.getValue().expected())) {
                lost++;
                problems.add("changed " + e.getKey() + ": acknowledged " + e.getValue().expected() + ", now " + got);
            }
        }
        Api.Answer list = api.get("/orgs/1/sec_policy?max_results=1000000");
        Map<Long, JsonNode> stored = new TreeMap<>();
        for (JsonNode v : list.json()) {
            long n = v.path("version").asLong();
            if (stored.put(n, v) != null) problems.add("version " + n + " listed twice");
        }
        long expectedNext = 1;
        for (long n : stored.keySet()) {
            if (n != expectedNext) problems.add("versions not contiguous: " + stored.keySet());
            expectedNext = n + 1;
        }
        for (var e : versions.entrySet()) {
            JsonNode got = stored.get(e.getKey());
            JsonNode ack = e.getValue();
            if (got == null) {
                lost++;
                problems.add("lost version " + e.getKey());
            } else if (!got.path("created_at").equals(ack.path("created_at"))
                    || !got.path("object_counts").equals(ack.path("object_counts"))
                    || (ack.has("description") && !got.path("update_description").equals(ack.path("description")))) {
                lost++;
                problems.add("version " + e.getKey() + " acknowledged as " + ack + ", now " + got);
            }
        }
        for (long n : stored.keySet()) {
            if (!rereadAll && versionContent.containsKey(n)) continue;
            String content = content(api, n);
            String before = versionContent.putIfAbsent(n, content);
            if (before != null && !before.equals(content)) {
                lost++;
                problems.add("version " + n + " changed content between restarts");
            }
        }
        return new Verdict(acknowledged, lost, strict, superseded, stored.size(), problems);
    }

    /** A version's policy objects, as text: what must never change once provisioned. */
    static String content(Api api, long version) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String kind : List.of("rule_sets", "ip_lists", "services")) {
            Api.Answer a = api.get("/orgs/1/sec_policy/" + version + "/" + kind + "?max_results=1000000");
            if (a.status() != 200) throw new AssertionError("GET version " + version + " " + kind + " → " + a.status());
            sb.append(a.body()).append('\n');
        }
        return sb.toString();
    }

    /** Every field of {@code expected} is in {@code got} with an equal value (recursively for objects). */
    static boolean contains(JsonNode got, JsonNode expected) {
        if (!expected.isObject()) return expected.equals(got);
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            var f = it.next();
            if (got == null || !got.has(f.getKey())) return false;
            JsonNode g = got.get(f.getKey());
            if (f.getValue().isArray()) {
                if (!g.isArray() || g.size() != f.getValue().size()) return false;
                for (int i = 0; i < g.size(); i++) if (!contains(g.get(i), f.getValue().get(i))) return false;
            } else if (!contains(g, f.getValue())) {
                return false;
            }
        }
        return true;
    }
}
