package dev.cordon.pce.ven;

import dev.cordon.pce.core.Json;
import dev.cordon.policy.compile.Endpoint;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.WorkloadRef;
import dev.cordon.protocol.PolicyAnswer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The bodies of {@code GET /ven/policy} responses, serialised once per policy class and control plane.
 *
 * <p>A policy's JSON is a head — {@code {"workload":{…},"version":N,"hash":"…"}, the protocol's {@link PolicyAnswer} —
 * followed by the rest: mode,
 * coexistence, the sets with every member, the entries, the custom statements and the control plane. The rest is the
 * same for every workload of one policy class served through one PCE endpoint, and the class's body digest
 * ({@link dev.cordon.policy.compile.CompiledOrg.PolicyBasis}) covers all of it but the control plane. So the rest is
 * written once per (body digest, control plane), and each VEN's body is its own head followed by those shared bytes:
 * 10,000 parked polls in a few classes cost a few serialisations, not 10,000.
 *
 * <p>Invariant: {@link #json} returns exactly the bytes of {@code Json.write(policy)} in UTF-8 (a unit test holds it to
 * that; the first body of each class is the full serialisation, checked to start with the head built here). Entries
 * are keyed by content, so one made for an older engine is still right; {@link #clear} only bounds memory.
 */
final class PolicyResponses {
    /** A class's shared part is keyed by its body digest and control plane (a record: no key string per answer). */
    private record Key(String bodyDigest, List<Endpoint> controlPlane) {}

    private final Map<Key, byte[]> rests = new ConcurrentHashMap<>();

    /** The response body for {@code policy}, whose class body digest is {@code bodyDigest}. */
    byte[] json(FirewallPolicy policy, String bodyDigest) {
        return json(policy.workload(), policy.version(), policy.hash(), bodyDigest, policy.controlPlane(), () -> policy);
    }

    /**
     * The response body of the policy of {@code workload} at {@code version} with {@code hash}, whose class body
     * digest is {@code bodyDigest}, served with {@code controlPlane}; {@code full} builds that policy, asked only for
     * the first body of a class (a woken VEN's answer is then its head and the class's shared bytes, with no policy
     * built for it).
     */
    byte[] json(WorkloadRef workload, long version, String hash, String bodyDigest, List<Endpoint> controlPlane,
                Supplier<FirewallPolicy> full) {
        byte[] head = head(workload, version, hash);
        Key key = new Key(bodyDigest, controlPlane);
        byte[] rest = rests.get(key);
        if (rest == null) {
            byte[] whole = Json.write(full.get()).getBytes(StandardCharsets.UTF_8);
            // also proves the hash given equals the built policy's: the head carries it
            if (!Arrays.equals(whole, 0, Math.min(head.length, whole.length), head, 0, head.length)) {
                throw new IllegalStateException("A VEN policy's JSON no longer starts with workload, version and hash:"
                        + " PolicyResponses must follow FirewallPolicy's property order and hash.");
            }
            rests.putIfAbsent(key, Arrays.copyOfRange(whole, head.length, whole.length));
            return whole;
        }
        byte[] out = Arrays.copyOf(head, head.length + rest.length);
        System.arraycopy(rest, 0, out, head.length, rest.length);
        return out;
    }

    /** Forgets every shared part (called when the active engine changes). */
    void clear() {
        rests.clear();
    }

    int size() {
        return rests.size();
    }

    /** The head as the protocol defines it ({@link PolicyAnswer}): workload, version and hash, in that order. */
    private static byte[] head(WorkloadRef w, long version, String hash) {
        return new PolicyAnswer(new PolicyAnswer.Workload(w.href(), w.name()), version, hash).head()
                .getBytes(StandardCharsets.UTF_8);
    }
}
