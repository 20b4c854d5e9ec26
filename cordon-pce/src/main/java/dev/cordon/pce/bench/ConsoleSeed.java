package dev.cordon.pce.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.PceServer;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.gen.OrgGenerator;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Workload;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The child process of {@code cordon bench console}: a PCE (H2 in a temporary directory) seeded in its own process
 * before it says it listens. The versioned policy (the generated org's rule sets, services, IP lists and the labels
 * they use) goes in through the import API and is provisioned while the org has no workloads yet (so provisioning
 * compiles nothing); then the workloads and the extra labels — live objects, not versioned — are written straight
 * into the store in one transaction, as an import would write them but without parsing, validating and
 * set-aside-judging a 100,000-workload JSON document first (that took most of the old seeding's time). The
 * generated org is valid by construction ({@code OrgGenerator}), which is what the skipped checks would confirm.
 * Engine caches follow the store's write counters, so the PCE serves the seeded org as if it had been imported.
 *
 * <p>Arguments: {@code labels workloads rules seed}. First line out: {@code "<port> <owner key>"} (or
 * {@code "error <message>"}), as {@link ApiBench.ApiBenchServer}; it stops when its standard input closes.
 */
public final class ConsoleSeed {
    private ConsoleSeed() {
    }

    public static void main(String[] args) throws IOException {
        ServedPce.serve("cordon-bench-console", null, (pce, key) -> seed(pce, key, Integer.parseInt(args[0]),
                Integer.parseInt(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3])));
    }

    static void seed(PceServer pce, String ownerKey, int labels, int workloads, int rules, long seed) {
        PolicyDocument generated = OrgGenerator.generate(workloads, rules, seed);
        PolicyDocument doc = ConsoleBench.withLabels(generated, labels);
        Set<String> policyLabels = new HashSet<>();
        generated.labelsOrEmpty().forEach(l -> policyLabels.add(l.href()));
        PolicyDocument policy = new PolicyDocument(generated.labelsOrEmpty(), doc.labelGroups(), List.of(), doc.ipLists(),
                doc.services(), doc.ruleSets(), doc.firewallSettings(), doc.virtualServices(), doc.serviceBindings());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30)).build();
        ApiBench.Api api = new ApiBench.Api(http, pce.baseUrl() + "/api/v2",
                "Basic " + Base64.getEncoder().encodeToString(ownerKey.getBytes(StandardCharsets.UTF_8)));
        api.expect("POST", "/orgs/1/sec_policy/draft/import", Json.write(policy), 200);
        api.expect("POST", "/orgs/1/sec_policy", "{\"update_description\":\"bench console seed\"}", 201);

        Store store = pce.store();
        String now = Json.now(java.time.Clock.systemUTC());
        store.writeVoid(() -> {
            long nextLabel = 0;
            for (Label l : doc.labelsOrEmpty()) {
                if (policyLabels.contains(l.href())) continue;
                store.objects().put(1, Kind.LABEL.kind(), l.href(), stamped(Json.tree(l), now), null);
                nextLabel = Math.max(nextLabel, 1 + Long.parseLong(l.href().substring(l.href().lastIndexOf('/') + 1)));
            }
            for (Workload w : doc.workloadsOrEmpty()) {
                store.objects().put(1, Kind.WORKLOAD.kind(), w.href(), stamped(Json.tree(w), now), null);
            }
            // new labels made later (none in the bench) never reuse a seeded href
            if (nextLabel > 0) store.counters().advance(1, Kind.LABEL.kind(), nextLabel);
        });
    }

    private static ObjectNode stamped(ObjectNode n, String now) {
        n.put("created_at", now).put("updated_at", now);
        return n;
    }
}
