package dev.cordon.pce.ven;

import dev.cordon.pce.core.Json;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.protocol.PolicyAnswer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
    private final Map<String, byte[]> rests = new ConcurrentHashMap<>();

    /** The response body for {@code policy}, whose class body digest is {@code bodyDigest}. */
    byte[] json(FirewallPolicy policy, String bodyDigest) {
        byte[] head = head(policy);
        String key = bodyDigest + "|" + policy.controlPlane();
        byte[] rest = rests.get(key);
        if (rest == null) {
            byte[] whole = Json.write(policy).getBytes(StandardCharsets.UTF_8);
            if (!Arrays.equals(whole, 0, Math.min(head.length, whole.length), head, 0, head.length)) {
                throw new IllegalStateException("A VEN policy's JSON no longer starts with workload, version and hash:"
                        + " PolicyResponses must follow FirewallPolicy's property order.");
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
    private static byte[] head(FirewallPolicy p) {
        return new PolicyAnswer(new PolicyAnswer.Workload(p.workload().href(), p.workload().name()), p.version(),
                p.hash()).head().getBytes(StandardCharsets.UTF_8);
    }
}
