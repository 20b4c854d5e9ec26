package dev.cordon.cli.durability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concurrent writers against a PCE until it dies: two threads create labels, one workloads, one provisions and, in
 * its first {@code replaceSteps} steps, also restores earlier versions and imports an earlier version's export into
 * the draft; after those, one thread creates draft objects (IP lists, services, rule sets each with a rule) while
 * the others go on. Every 2xx answer goes into the
 * ledger with the content it acknowledged; a request without an answer (the PCE was killed) is not acknowledged.
 */
final class WriteBurst {
    private final Api api;
    private final AckLedger ledger;
    private final String tag;
    private final int replaceSteps;
    final AtomicInteger acknowledged = new AtomicInteger();
    final AtomicInteger policySteps = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stop;
    final AtomicInteger provisions = new AtomicInteger();
    final AtomicInteger imports = new AtomicInteger();
    final AtomicInteger restores = new AtomicInteger();
    final AtomicInteger unexpected = new AtomicInteger();
    final List<String> unexpectedAnswers = java.util.Collections.synchronizedList(new ArrayList<>());

    WriteBurst(Api api, AckLedger ledger, String tag, int replaceSteps) {
        this.api = api;
        this.ledger = ledger;
        this.tag = tag;
        this.replaceSteps = replaceSteps;
    }

    interface Step {
        void run(int i) throws Exception;
    }

    WriteBurst start() {
        loop("labels-a", i -> label("a" + i));
        loop("labels-b", i -> label("b" + i));
        loop("workloads", this::workload);
        loop("draft", this::draftObjects);
        loop("policy", i -> {
            policy(i, i < replaceSteps);
            policySteps.incrementAndGet();
        });
        return this;
    }

    /**
     * Waits until the burst is under way (at least {@code writes} acknowledged and the imports/restores done) and then
     * a random 0-400 ms more, so that the kill falls in the middle of it however loaded the machine is.
     */
    void awaitUnderWay(int writes) throws InterruptedException {
        long t0 = System.nanoTime();
        while ((acknowledged.get() < writes || policySteps.get() < replaceSteps + 2)
                && System.nanoTime() - t0 < 120_000_000_000L) {
            Thread.sleep(20);
        }
        Thread.sleep(ThreadLocalRandom.current().nextLong(0, 400));
    }

    /** Stops the writers (after the kill: their requests fail at once). */
    void stop() throws InterruptedException {
        stop = true;
        for (Thread t : threads) t.join(120_000);
    }

    private void loop(String name, Step step) {
        Thread t = new Thread(() -> {
            for (int i = 0; !stop; i++) {
                try {
                    step.run(i);
                } catch (IOException e) {
                    return; // the PCE is gone: whatever was in flight is not acknowledged
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    unexpected.incrementAndGet();
                    unexpectedAnswers.add(name + ": " + e);
                    return;
                }
            }
        }, "burst-" + name);
        t.start();
        threads.add(t);
    }

    private Api.Answer created(String kind, String path, ObjectNode body, boolean versioned) throws Exception {
        long sent = System.nanoTime();
        Api.Answer a = api.post(path, body.toString());
        if (a.status() == 201) {
            String href = a.json().path("href").asText();
            (versioned ? ledger.draft : ledger.live).put(href, new AckLedger.Ack(kind, body, sent));
            acknowledged.incrementAndGet();
        } else {
            note(kind, a);
        }
        return a;
    }

    private void note(String what, Api.Answer a) {
        unexpected.incrementAndGet();
        if (unexpectedAnswers.size() < 20) unexpectedAnswers.add(what + " → " + a.status() + " " + a.body());
    }

    private void label(String id) throws Exception {
        ObjectNode b = Api.JSON.createObjectNode().put("key", "app").put("value", tag + "-" + id);
        created("label", "/orgs/1/labels", b, false);
    }

    private void workload(int i) throws Exception {
        ObjectNode b = Api.JSON.createObjectNode().put("name", tag + "-wl-" + i).put("hostname", tag + "-host-" + i);
        created("workload", "/orgs/1/workloads", b, false);
    }

    private void draftObjects(int i) throws Exception {
        if (policySteps.get() < replaceSteps) {
            // a restore is refused while the draft has pending changes: draft writes begin once they are done
            Thread.sleep(20);
            return;
        }
        ObjectNode ip = Api.JSON.createObjectNode().put("name", tag + "-ips-" + i);
        ip.putArray("ip_ranges").addObject().put("from_ip", "10." + (i >> 8 & 255) + "." + (i & 255) + ".0/24");
        created("ip_list", "/orgs/1/sec_policy/draft/ip_lists", ip, true);
        ObjectNode svc = Api.JSON.createObjectNode().put("name", tag + "-svc-" + i);
        svc.putArray("service_ports").addObject().put("proto", 6).put("port", 1000 + i % 60000);
        created("service", "/orgs/1/sec_policy/draft/services", svc, true);
        ObjectNode rs = Api.JSON.createObjectNode().put("name", tag + "-rs-" + i);
        rs.putArray("scopes").addArray();
        Api.Answer a = created("rule_set", "/orgs/1/sec_policy/draft/rule_sets", rs, true);
        if (a.status() != 201) return;
        ObjectNode rule = Api.JSON.createObjectNode();
        rule.putArray("providers").addObject().put("actors", "ams");
        rule.putArray("consumers").addObject().put("actors", "ams");
        rule.putArray("ingress_services").addObject().put("proto", 6).put("port", 2000 + i % 60000);
        created("sec_rule", a.json().path("href").asText() + "/sec_rules", rule, true);
    }

    private void policy(int i, boolean replacing) throws Exception {
        long active = latest();
        if (replacing && active > 1 && i % 3 == 1) {
            long from = ThreadLocalRandom.current().nextLong(1, active + 1);
            replace("restore", () -> {
                Api.Answer a = api.post("/orgs/1/sec_policy/" + from + "/restore", "{}");
                if (a.status() == 201) {
                    restores.incrementAndGet();
                    acknowledged.incrementAndGet();
                    version(a.json(), null);
                }
                return a;
            });
        } else if (replacing && active > 0 && i % 3 == 2) {
            long from = ThreadLocalRandom.current().nextLong(1, active + 1);
            Api.Answer export = api.get("/orgs/1/sec_policy/" + from + "/export");
            if (export.status() != 200) {
                note("export", export);
                return;
            }
            replace("import", () -> {
                Api.Answer a = api.post("/orgs/1/sec_policy/draft/import", export.body());
                if (a.status() / 100 == 2) {
                    imports.incrementAndGet();
                    acknowledged.incrementAndGet();
                }
                else note("import", a);
                return a;
            });
        } else {
            String description = tag + " provision " + i;
            Api.Answer a = api.post("/orgs/1/sec_policy", Api.JSON.createObjectNode()
                    .put("update_description", description).toString());
            if (a.status() == 201) {
                provisions.incrementAndGet();
                acknowledged.incrementAndGet();
                version(a.json(), description);
            }
            // 406 "nothing to provision" is a normal answer when the draft equals the active version
        }
        Thread.sleep(20);
    }

    interface Call {
        Api.Answer run() throws Exception;
    }

    /** An import or restore: while it is in flight, every draft object may be replaced by it. */
    private void replace(String what, Call call) throws Exception {
        ledger.replacesSettledAt = Long.MAX_VALUE;
        call.run();
        ledger.replacesSettledAt = System.nanoTime();
    }

    private void version(JsonNode answer, String description) {
        ObjectNode v = Api.JSON.createObjectNode();
        v.set("created_at", answer.path("created_at"));
        v.set("object_counts", answer.path("object_counts"));
        if (description != null) v.put("description", description);
        ledger.versions.put(answer.path("version").asLong(), v);
    }

    private long latest() throws Exception {
        Api.Answer a = api.get("/orgs/1/sec_policy?max_results=1");
        if (a.status() != 200 || a.json().isEmpty()) return 0;
        return a.json().get(0).path("version").asLong();
    }
}
