package dev.cordon.pce.ven;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.pce.core.Json;
import dev.cordon.policy.Engine;
import dev.cordon.policy.compile.Endpoint;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Workload;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Policy response bodies built from a part shared per policy class are exactly the full serialisation. */
class PolicyResponsesTest {
    static final String WEB = "/orgs/1/labels/1";
    static final String DB = "/orgs/1/labels/2";
    static final Endpoint PCE = new Endpoint("127.0.0.1", 8443);

    static PolicyDocument document(List<Workload> workloads) {
        PolicyDocument d = Json.convert(Json.parse("""
                {"labels": [{"href": "/orgs/1/labels/1", "key": "role", "value": "web"},
                            {"href": "/orgs/1/labels/2", "key": "role", "value": "db"}],
                 "workloads": [
                   {"href": "/orgs/1/workloads/web1", "name": "web1", "labels": [{"href": "/orgs/1/labels/1"}],
                    "interfaces": [{"name": "eth0", "address": "10.0.0.1"}], "enforcement_mode": "full", "managed": true},
                   {"href": "/orgs/1/workloads/web2", "name": "web \\"two\\" – naïve", "labels": [{"href": "/orgs/1/labels/1"}],
                    "interfaces": [{"name": "eth0", "address": "10.0.0.2"}], "enforcement_mode": "full", "managed": true},
                   {"href": "/orgs/1/workloads/db1", "name": "db1", "labels": [{"href": "/orgs/1/labels/2"}],
                    "interfaces": [{"name": "eth0", "address": "10.0.1.1"}], "enforcement_mode": "full", "managed": true}],
                 "ip_lists": [{"href": "/orgs/1/sec_policy/draft/ip_lists/1", "name": "Any (0.0.0.0/0 and ::/0)",
                               "ip_ranges": [{"from_ip": "0.0.0.0/0"}, {"from_ip": "::/0"}]}],
                 "rule_sets": [{"href": "/orgs/1/sec_policy/draft/rule_sets/1", "name": "web", "scopes": [[]],
                   "rules": [
                     {"href": "/orgs/1/sec_policy/draft/rule_sets/1/sec_rules/1",
                      "providers": [{"label": {"href": "/orgs/1/labels/1"}}],
                      "consumers": [{"ip_list": {"href": "/orgs/1/sec_policy/draft/ip_lists/1"}}],
                      "ingress_services": [{"proto": 6, "port": 443}]},
                     {"href": "/orgs/1/sec_policy/draft/rule_sets/1/sec_rules/2",
                      "providers": [{"label": {"href": "/orgs/1/labels/2"}}],
                      "consumers": [{"label": {"href": "/orgs/1/labels/1"}}],
                      "ingress_services": [{"proto": 6, "port": 5432}]}]}]}
                """), PolicyDocument.class, "test document");
        return workloads == null ? d : d.withWorkloads(workloads);
    }

    static byte[] json(PolicyResponses responses, Engine engine, String workload, Endpoint endpoint) {
        FirewallPolicy p = engine.compile(workload, 7, List.of(endpoint));
        return responses.json(p, engine.compileAll().basisOf(workload).bodyDigest());
    }

    static byte[] full(Engine engine, String workload, Endpoint endpoint) {
        return Json.write(engine.compile(workload, 7, List.of(endpoint))).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void bodiesAreExactlyTheFullSerialisationWhetherBuiltFirstOrFromTheSharedPart() {
        Engine engine = Engine.of(document(null));
        PolicyResponses responses = new PolicyResponses();
        for (int round = 0; round < 2; round++) {
            for (String w : List.of("/orgs/1/workloads/web1", "/orgs/1/workloads/web2", "/orgs/1/workloads/db1")) {
                assertThat(new String(json(responses, engine, w, PCE), StandardCharsets.UTF_8)).as("%s, round %d", w, round)
                        .isEqualTo(new String(full(engine, w, PCE), StandardCharsets.UTF_8));
            }
        }
        // web1 and web2 share a class: three workloads, two classes, one endpoint → two shared parts
        assertThat(responses.size()).isEqualTo(2);
    }

    @Test
    void twoPollsOfOneWorkloadGetIdenticalBytesAndTwoWorkloadsOfOneClassShareAllButTheHead() {
        Engine engine = Engine.of(document(null));
        PolicyResponses responses = new PolicyResponses();
        byte[] web1 = json(responses, engine, "/orgs/1/workloads/web1", PCE);
        assertThat(json(responses, engine, "/orgs/1/workloads/web1", PCE)).isEqualTo(web1);
        String a = new String(web1, StandardCharsets.UTF_8);
        String b = new String(json(responses, engine, "/orgs/1/workloads/web2", PCE), StandardCharsets.UTF_8);
        assertThat(a.substring(a.indexOf(",\"enforcement_mode\"")))
                .isEqualTo(b.substring(b.indexOf(",\"enforcement_mode\"")));
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void aRelabelChangesTheBytesOfTheRelabelledWorkloadOnly() {
        Engine before = Engine.of(document(null));
        PolicyResponses responses = new PolicyResponses();
        byte[] web2Before = json(responses, before, "/orgs/1/workloads/web2", PCE);
        byte[] web1Before = json(responses, before, "/orgs/1/workloads/web1", PCE);

        List<Workload> relabelled = new ArrayList<>();
        for (Workload w : before.document().workloadsOrEmpty()) {
            relabelled.add(w.href().endsWith("/web2") ? w.withLabels(List.of(Ref.of(DB))) : w);
        }
        Engine after = Engine.of(document(relabelled));
        byte[] web2After = json(responses, after, "/orgs/1/workloads/web2", PCE);
        assertThat(web2After).isNotEqualTo(web2Before).isEqualTo(full(after, "/orgs/1/workloads/web2", PCE));
        assertThat(Json.parse(new String(web2After, StandardCharsets.UTF_8)).get("inbound").toString()).contains("5432");
        // web1 reaches the db set, which gained web2's address: its class body changed too, and its bytes follow
        byte[] web1After = json(responses, after, "/orgs/1/workloads/web1", PCE);
        assertThat(web1After).isNotEqualTo(web1Before).isEqualTo(full(after, "/orgs/1/workloads/web1", PCE));
    }

    @Test
    void anotherEndpointGetsItsOwnSharedPart() {
        Engine engine = Engine.of(document(null));
        PolicyResponses responses = new PolicyResponses();
        Endpoint other = new Endpoint("10.9.9.9", 443);
        json(responses, engine, "/orgs/1/workloads/web1", PCE);
        assertThat(json(responses, engine, "/orgs/1/workloads/web2", other))
                .isEqualTo(full(engine, "/orgs/1/workloads/web2", other));
        assertThat(responses.size()).isEqualTo(2);
    }

    /**
     * What a woken VEN is answered from — its basis, the hash computed from it and the class's shared bytes, with no
     * policy built for it — is exactly the full serialisation of the compiled policy, for every workload, in either
     * order of first use.
     */
    @Test
    void bodiesBuiltFromTheBasisAloneAreTheFullSerialisation() {
        Engine engine = Engine.of(document(null));
        List<String> all = List.of("/orgs/1/workloads/web2", "/orgs/1/workloads/web1", "/orgs/1/workloads/db1");
        for (List<String> order : List.of(all, List.of(all.get(2), all.get(1), all.get(0)))) {
            PolicyResponses responses = new PolicyResponses();
            for (String w : order) {
                var basis = engine.compileAll().basisOf(w);
                var ref = new dev.cordon.policy.compile.WorkloadRef(w, basis.name());
                String hash = FirewallPolicy.hashOf(ref, basis.bodyDigest(), List.of(PCE));
                assertThat(hash).isEqualTo(engine.compile(w, 7, List.of(PCE)).hash());
                byte[] body = responses.json(ref, 7, hash, basis.bodyDigest(), List.of(PCE),
                        () -> engine.compile(w, 7, List.of(PCE)));
                assertThat(new String(body, StandardCharsets.UTF_8)).as(w)
                        .isEqualTo(new String(full(engine, w, PCE), StandardCharsets.UTF_8));
            }
        }
    }
}
