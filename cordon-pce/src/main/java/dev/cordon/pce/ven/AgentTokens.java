package dev.cordon.pce.ven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.auth.Secrets;
import dev.cordon.pce.cluster.Change;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.store.Row;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.validate.ValidationError;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Agent tokens: issuing one at activation, the bearer authentication of every VEN request, the in-memory cache of
 * verified tokens, and the tombstone an unpaired VEN's token becomes.
 *
 * <p>A token is {@code <id>.<secret>}; only the id (the lookup) and a salted hash of the secret are stored. A
 * verified token is remembered in {@link #verified} until its VEN is suspended or unpaired (here or, through the
 * {@link dev.cordon.pce.cluster.Cluster}, on another node), so thousands of polling VENs do not each cost a database
 * read. An unpaired VEN's token row stays as a tombstone: its next request gets {@code 401} with the token
 * {@code ven_unpaired_saved|default}, which tells the VEN how to restore its firewall.
 *
 * <p>Threads: {@link #verified} is written by request threads (authenticate) and cleared by admin request threads
 * ({@link #forget}) and the cluster listener thread ({@link #changed}); it is a {@link ConcurrentHashMap} and nothing
 * else is held. A forget racing an authentication that read the VEN as active just before may leave that one entry
 * cached until the next forget, as before the split.
 */
public final class AgentTokens {
    /** The 401 token an unpaired VEN gets, followed by its firewall_restore ({@code saved} or {@code default}). */
    public static final String UNPAIRED_TOKEN = "ven_unpaired_";

    private final Store store;
    /** Verified token text → its VEN. */
    private final Map<String, Agent> verified = new ConcurrentHashMap<>();

    public AgentTokens(Store store) {
        this.store = store;
    }

    /** Stores a new token for the VEN (inside the activation's transaction) and returns its text, shown once. */
    String issue(int org, String venHref) {
        String tokenId = Secrets.random(8);
        String secret = Secrets.random(32);
        String salt = Secrets.random(16);
        store.objects().insertNew(org, VenKinds.AGENT_TOKEN, tokenHref(venHref), Json.object().put("ven", venHref)
                .put("salt", salt).put("hash", Secrets.hash(salt, secret)), tokenId);
        return tokenId + "." + secret;
    }

    /** Turns the VEN's token into a tombstone (inside the unpair's transaction); nothing when it has none. */
    void tombstone(int org, String venHref, String firewallRestore, String at) {
        String href = tokenHref(venHref);
        store.objects().get(org, VenKinds.AGENT_TOKEN, href).ifPresent(text -> {
            ObjectNode tomb = (ObjectNode) Json.parse(text);
            tomb.putObject("unpaired").put("firewall_restore", firewallRestore).put("at", at);
            store.objects().put(org, VenKinds.AGENT_TOKEN, href, tomb,
                    store.objects().lookupOf(org, VenKinds.AGENT_TOKEN, href).orElse(null));
        });
    }

    /** Authenticates {@code Authorization: Bearer <agent_token>}; 401 for unknown, suspended or unpaired VENs. */
    public Agent authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.badCredential(ApiException.Failure.UNKNOWN_KEY,
                    "VEN requests carry Authorization: Bearer <agent_token> from activation.");
        }
        String token = authorization.substring(7).trim();
        Agent known = verified.get(token);
        if (known != null) return known;
        int dot = token.indexOf('.');
        Optional<Row> row = dot <= 0 ? Optional.empty()
                : store.objects().findByLookup(VenKinds.AGENT_TOKEN, token.substring(0, dot));
        if (row.isEmpty()) {
            throw ApiException.badCredential(ApiException.Failure.UNKNOWN_KEY,
                    "Unknown agent token: the VEN is not paired; activate it again.");
        }
        JsonNode t = Json.parse(row.get().body());
        if (!Secrets.matches(Json.text(t, "salt"), token.substring(dot + 1), Json.text(t, "hash"))) {
            throw ApiException.badCredential(ApiException.Failure.WRONG_SECRET, "Wrong agent token: activate the VEN again.");
        }
        String venHref = Json.text(t, "ven");
        JsonNode unpaired = t.path("unpaired");
        if (unpaired.isObject()) {
            String restore = Json.text(unpaired, "firewall_restore");
            throw new ApiException(401, List.of(new ValidationError(UNPAIRED_TOKEN + restore,
                    "This VEN was unpaired at " + Json.text(unpaired, "at") + " (firewall_restore " + restore + "): it"
                            + " takes Cordon's rules away, restores the firewall (" + restore + "), forgets its pairing"
                            + " and stops. To enforce again, activate it with a new pairing key.")));
        }
        int org = VenKinds.orgOf(venHref);
        JsonNode ven = Json.parse(store.objects().get(org, VenKinds.VEN, venHref)
                .orElseThrow(() -> ApiException.unauthorized("This VEN was unpaired: activate it again.")));
        if (!"active".equals(Json.text(ven, "status"))) {
            throw ApiException.unauthorized("This VEN is " + Json.text(ven, "status") + ": an admin must set its status"
                    + " to active (PUT " + venHref + ").");
        }
        Agent a = new Agent(org, venHref, ven.path("workload").path("href").asText(), Json.text(ven, "hostname"));
        verified.put(token, a);
        return a;
    }

    /** Forgets the VEN's verified token, so its next request reads its status (suspended, unpaired) again. */
    void forget(String venHref) {
        verified.values().removeIf(a -> a.venHref().equals(venHref));
    }

    /** Another node's change: a VEN suspended or unpaired there, or anything (a lost LISTEN connection). */
    public void changed(Change c) {
        switch (c.type()) {
            case VEN -> forget(c.href());
            case ALL -> verified.clear();
            default -> { }
        }
    }

    private static String tokenHref(String venHref) {
        return venHref + "/token";
    }
}
