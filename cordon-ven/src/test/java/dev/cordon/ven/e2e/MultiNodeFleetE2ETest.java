package dev.cordon.ven.e2e;

import static dev.cordon.ven.e2e.Fleet.await;
import static dev.cordon.ven.e2e.Fleet.check;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.dataplane.kernel.Lab;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.PceHarness;
import dev.cordon.policy.testing.Scenarios;
import dev.cordon.ven.e2e.Fleet.Ven;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two PCE nodes on one PostgreSQL (the harness starts it as the {@code postgres} user; fails, never skips, without
 * it), four real VENs in network namespaces: prod-web and dev-web attached to node A, prod-db and dev-db to node B.
 * The seed-precedence policy is written on node B and provisioned there; a rule is then added on node A and
 * provisioned on node B. Every VEN, whichever node it talks to, converges on each version, and real TCP between the
 * namespaces matches the scenario's expectations.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeFleetE2ETest {
    static final Duration SETTLE = Duration.ofSeconds(20);
    static final Set<String> ON_A = Set.of("prod-web", "dev-web");

    Fleet fleet;
    PceHarness nodeB;
    Scenarios.Scenario scenario;
    final Map<String, Lab.Host> hosts = new LinkedHashMap<>();

    Api a() {
        return fleet.pce.owner;
    }

    Api b() {
        return nodeB.owner;
    }

    @BeforeAll
    void build() {
        fleet = new Fleet(PceHarness::postgres);
        try {
            nodeB = PceHarness.joining(fleet.pce);
            scenario = Scenarios.load(Scenarios.folder().resolve("seed-precedence.json"));
            ObjectNode versioned = scenario.raw().get("policy").deepCopy();
            versioned.remove("workloads");
            check(b().post("/orgs/1/sec_policy/draft/import", versioned.toString()), 200);

            hosts.putAll(fleet.startScenario(scenario, w -> ON_A.contains(w.name()) ? a() : b(),
                    w -> "http://127.0.0.1:" + (ON_A.contains(w.name()) ? fleet.pce : nodeB).server.port(),
                    Map.of("prod-db", "tcp:8080"), SETTLE));
        } catch (RuntimeException | Error e) {
            tearDown();
            throw e;
        }
    }

    @AfterAll
    void tearDown() {
        try {
            if (nodeB != null) nodeB.close();
        } finally {
            if (fleet != null) fleet.close();
        }
    }

    long provisionOn(Api node, String why) {
        Api.Resp r = node.post("/orgs/1/sec_policy", Map.of("update_description", why));
        check(r, 201);
        return r.body().get("version").asLong();
    }

    void everyVenEnforces(long version) {
        for (Ven v : fleet.vens.values()) {
            await(SETTLE, v.name + " (on node " + (ON_A.contains(v.name) ? "A" : "B") + ") enforcing version " + version,
                    () -> v.version() == version);
        }
    }

    void expectMatrix(Map<String, Boolean> expected) {
        Map<String, Boolean> actual = new LinkedHashMap<>();
        expected.keySet().forEach(flow -> {
            String[] p = flow.split(" ");
            actual.put(flow, hosts.get(p[0]).reaches(hosts.get(p[2]).address, Integer.parseInt(p[4]), "tcp"));
        });
        assertThat(actual).as("connectivity matrix (flow -> allowed)").isEqualTo(expected);
    }

    static String flow(String from, String to, int port) {
        return from + " -> " + to + " : " + port;
    }

    @Test
    @Order(1)
    void aProvisionOnNodeBReachesTheVensOnBothNodesAndTrafficMatchesTheScenario() {
        long v = provisionOn(b(), "seed precedence, from node B");
        everyVenEnforces(v);
        Map<String, Boolean> expected = new LinkedHashMap<>();
        for (Scenarios.Check c : scenario.checks()) {
            if (c.proto().equals("tcp")) expected.put(flow(c.from(), c.to(), c.port()), c.expect().equals("allowed"));
        }
        assertThat(expected).isNotEmpty();
        expectMatrix(expected);
        // each node sees every VEN's report, whichever node the VEN talks to
        for (Ven ven : fleet.vens.values()) {
            for (Api node : List.of(a(), b())) {
                await(SETTLE, ven.name + " reported applied, seen by each node", () -> {
                    Api.Resp r = node.get(ven.venHref());
                    return r.status() == 200 && "applied".equals(r.body().path("security_policy_sync_state").asText());
                });
            }
        }
    }

    @Test
    @Order(2)
    void aRuleAddedOnNodeAAndProvisionedOnNodeBOpensTheFlowBetweenVensOnDifferentNodes() {
        assertThat(hosts.get("prod-web").reaches(hosts.get("prod-db").address, 8080, "tcp")).isFalse();
        Api.Resp r = a().post("/orgs/1/sec_policy/draft/rule_sets/2/sec_rules", Map.of(
                "providers", List.of(Map.of("label", Map.of("href", "/orgs/1/labels/4"))),
                "consumers", List.of(Map.of("label", Map.of("href", "/orgs/1/labels/3"))),
                "ingress_services", List.of(Map.of("proto", 6, "port", 8080)), "unscoped_consumers", false));
        check(r, 201);
        long v = provisionOn(b(), "web -> db 8080, written on A, provisioned on B");
        await(SETTLE, "prod-db (node B) enforcing version " + v, () -> fleet.vens.get("prod-db").version() == v);
        await(SETTLE, "prod-web (node A) enforcing version " + v, () -> fleet.vens.get("prod-web").version() == v);
        assertThat(hosts.get("prod-web").reaches(hosts.get("prod-db").address, 8080, "tcp")).isTrue();
        assertThat(hosts.get("dev-web").reaches(hosts.get("prod-db").address, 8080, "tcp")).isFalse();
    }
}
