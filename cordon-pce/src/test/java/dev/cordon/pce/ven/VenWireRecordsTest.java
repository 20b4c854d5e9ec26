package dev.cordon.pce.ven;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.Api.Resp;
import dev.cordon.pce.harness.PceHarness;
import dev.cordon.protocol.ActivationAnswer;
import dev.cordon.protocol.ActivationRequest;
import dev.cordon.protocol.AgentEvent;
import dev.cordon.protocol.Health;
import dev.cordon.protocol.Heartbeat;
import dev.cordon.protocol.PolicyAnswer;
import dev.cordon.protocol.Wire;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The PCE speaks the protocol's records ({@code dev.cordon.protocol}): what a VEN writes with them is accepted, what
 * the PCE answers reads back into them strictly, and the dataplane backend a VEN reports reaches its VEN object as
 * {@code cordon_dataplane_backend}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VenWireRecordsTest {
    PceHarness pce;
    Api api;

    @BeforeAll
    void start() {
        pce = PceHarness.h2();
        api = pce.owner;
    }

    @AfterAll
    void stop() {
        pce.close();
    }

    String code() {
        Resp p = api.post("/orgs/1/pairing_profiles", Map.of("name", "wire-" + UUID.randomUUID(), "enforcement_mode", "full"));
        assertThat(p.status()).as(p.toString()).isEqualTo(201);
        return api.post(p.body().get("href").asText() + "/pairing_key", Map.of()).body().get("activation_code").asText();
    }

    Resp activate(String backend) {
        ActivationRequest request = new ActivationRequest(code(), "wire-" + UUID.randomUUID().toString().substring(0, 6),
                List.of(new ActivationRequest.HostInterface("eth0", "10.44.0.1"),
                        new ActivationRequest.HostInterface("eth0", "10.44.0.2", 24)),
                "linux", "server", "0.1.0", null, backend);
        Resp r = pce.anonymous.post("/ven/activate", Wire.write(request));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r;
    }

    @Test
    void anActivationWrittenWithTheRecordIsAnsweredWithTheAnswerRecord() {
        Resp r = activate("iptables");
        ActivationAnswer answer = Wire.read(r.raw().body(), ActivationAnswer.class, "activation answer");
        assertThat(answer.complete()).isTrue();
        assertThat(Wire.write(answer)).as("nothing beyond the record").isEqualTo(r.raw().body());
        JsonNode w = api.get(answer.workload().href()).body();
        assertThat(w.get("interfaces").toString())
                .isEqualTo("[{\"name\":\"eth0\",\"address\":\"10.44.0.1\"},{\"name\":\"eth0\",\"address\":\"10.44.0.2\",\"cidr_block\":24}]");
        JsonNode ven = api.get(answer.ven().href()).body();
        assertThat(ven.get("cordon_dataplane_backend").asText()).isEqualTo("iptables");
    }

    @Test
    void thePolicyAnswerStartsWithTheProtocolsHead() {
        Resp r = activate("iptables");
        Api ven = pce.anonymous.withAuthorization("Bearer " + r.body().get("agent_token").asText());
        Resp policy = ven.get("/ven/policy");
        assertThat(policy.status()).isEqualTo(200);
        PolicyAnswer head = Wire.read(policy.raw().body(), PolicyAnswer.class, "policy answer");
        assertThat(head.workload().href()).isEqualTo(r.body().get("workload").get("href").asText());
        assertThat(head.hash()).isEqualTo(policy.body().get("hash").asText());
        assertThat(policy.raw().body()).startsWith(head.head() + ",");
        Resp again = ven.get("/ven/policy?" + PolicyAnswer.KNOWN_HASH + "=" + head.hash() + "&"
                + PolicyAnswer.WAIT_SECONDS + "=0");
        assertThat(again.status()).isEqualTo(304);
    }

    @Test
    void heartbeatsCarryTheBackendAndOneWithoutItKeepsTheKnownOne() {
        Resp r = activate(null);
        String venHref = r.body().get("ven").get("href").asText();
        Api ven = pce.anonymous.withAuthorization("Bearer " + r.body().get("agent_token").asText());
        assertThat(api.get(venHref).body().get("cordon_dataplane_backend").isNull()).as("not reported yet").isTrue();

        Resp hb = ven.post("/ven/heartbeat", Wire.write(new Heartbeat(null, Heartbeat.SYNCING,
                List.of(new Health("dataplane", "info", "starting")), "nftables")));
        assertThat(hb.status()).as(hb.toString()).isEqualTo(204);
        assertThat(api.get(venHref).body().get("cordon_dataplane_backend").asText()).isEqualTo("nftables");
        JsonNode listed = null;
        for (JsonNode v : api.get("/orgs/1/vens?max_results=10000").body()) {
            if (v.get("href").asText().equals(venHref)) listed = v;
        }
        assertThat(listed).as("in the list").isNotNull();
        assertThat(listed.get("cordon_dataplane_backend").asText()).as("in the list too").isEqualTo("nftables");

        // a VEN from before the backend was reported sends none: the PCE keeps what it knew
        assertThat(ven.post("/ven/heartbeat", "{\"applied_hash\":null,\"sync_state\":\"error\",\"health\":[]}").status())
                .isEqualTo(204);
        JsonNode shown = api.get(venHref).body();
        assertThat(shown.get("security_policy_sync_state").asText()).isEqualTo("error");
        assertThat(shown.get("cordon_dataplane_backend").asText()).isEqualTo("nftables");
    }

    @Test
    void aBackendThatIsNotANameIsRefusedWithItsToken() {
        Resp bad = pce.anonymous.post("/ven/activate", Map.of("activation_code", code(), "hostname", "h1",
                "dataplane_backend", "Ip Tables!"));
        assertThat(bad.status()).isEqualTo(406);
        assertThat(bad.token()).isEqualTo("invalid_dataplane_backend");
        Resp typed = pce.anonymous.post("/ven/activate", Map.of("activation_code", code(), "hostname", "h1",
                "dataplane_backend", 4));
        assertThat(typed.status()).isEqualTo(406);
        assertThat(typed.token()).isEqualTo("invalid_field_type");
        assertThat(typed.body().get(0).get("message").asText()).contains("dataplane_backend must be a string");

        Resp r = activate("iptables");
        Api ven = pce.anonymous.withAuthorization("Bearer " + r.body().get("agent_token").asText());
        Resp hb = ven.post("/ven/heartbeat", Map.of("sync_state", "applied", "dataplane_backend", "x".repeat(40)));
        assertThat(hb.status()).isEqualTo(406);
        assertThat(hb.token()).isEqualTo("invalid_dataplane_backend");
    }

    @Test
    void agentEventsWrittenWithTheRecordBecomeOrgEvents() {
        Resp r = activate("iptables");
        Api ven = pce.anonymous.withAuthorization("Bearer " + r.body().get("agent_token").asText());
        String marker = "wire-" + UUID.randomUUID();
        Resp sent = ven.post("/ven/events", Wire.write(List.of(new AgentEvent(AgentEvent.TAMPERING, "success", "err",
                Instant.now(), Api.json("{\"summary\":\"" + marker + "\"}")))));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(204);
        JsonNode events = api.get("/orgs/1/events?event_type=agent.tampering").body();
        assertThat(events.toString()).contains(marker, r.body().get("ven").get("href").asText());
    }
}
