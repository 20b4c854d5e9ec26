package dev.cordon.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The VEN protocol's wire format, held still: every record written equals its golden file
 * ({@code src/test/resources/golden/*.json}, one line each) and reads back equal to itself. A change here is a
 * change of the protocol between VENs and PCEs of different versions: review the golden diff as such. Run with
 * {@code -Dcordon.golden.update=true} to rewrite the files.
 */
class WireRecordsTest {
    private static final ObjectMapper PLAIN = new ObjectMapper();

    static ObjectNode info() {
        ObjectNode info = PLAIN.createObjectNode();
        info.put("chain", "CORDON-IN").putArray("changes").add("rule removed");
        return info;
    }

    static Stream<Arguments> records() {
        return Stream.of(
                Arguments.of("activation-request", new ActivationRequest("K1", "web1", List.of(
                        new ActivationRequest.HostInterface("eth0", "10.0.0.1"),
                        new ActivationRequest.HostInterface("eth0", "fd00::1", 64)),
                        "linux", "server", "0.1.0", null, "iptables")),
                Arguments.of("activation-request-named", new ActivationRequest("K1", "web1", List.of(), null, null,
                        null, "web one", null)),
                Arguments.of("activation-answer", new ActivationAnswer(new Ref("/orgs/1/vens/7d2c"),
                        new Ref("/orgs/1/workloads/3f1a"), "a1b2c3d4.s3cr3t")),
                Arguments.of("policy-answer", new PolicyAnswer(new PolicyAnswer.Workload("/orgs/1/workloads/3f1a",
                        "web \"one\""), 7, "9f86d081884c7d65")),
                Arguments.of("heartbeat", new Heartbeat("9f86d081884c7d65", Heartbeat.APPLIED, List.of(
                        new Health("dataplane", "warning", "ipset is slow")), "iptables")),
                Arguments.of("heartbeat-with-flow-reporting", new Heartbeat("9f86d081884c7d65", Heartbeat.APPLIED,
                        List.of(), "nftables", new dev.cordon.protocol.flows.FlowReporting("flow_summary", 60))),
                Arguments.of("heartbeat-answer", new HeartbeatAnswer(new dev.cordon.protocol.flows.FlowSettings(
                        "flow_drops", 10, 540L))),
                Arguments.of("heartbeat-answer-default-rate", new HeartbeatAnswer(
                        new dev.cordon.protocol.flows.FlowSettings("flow_full_detail", null, null))),
                Arguments.of("heartbeat-before-first-apply", new Heartbeat(null, Heartbeat.SYNCING, List.of(), null)),
                Arguments.of("heartbeat-health-without-severity", new Heartbeat("h1", Heartbeat.ERROR, List.of(
                        new Health("policy_apply", null, "line 7 failed")), null)),
                Arguments.of("goodbye", new Goodbye(Goodbye.SHUTDOWN, "9f86d081884c7d65")),
                Arguments.of("goodbye-before-first-apply", new Goodbye(Goodbye.SHUTDOWN, null)),
                Arguments.of("agent-event", new AgentEvent(AgentEvent.TAMPERING, "success", "err",
                        Instant.parse("2026-01-02T03:04:05.678Z"), info())),
                Arguments.of("agent-event-without-info", new AgentEvent(AgentEvent.REFRESH_POLICY, "success", "info",
                        Instant.parse("2026-01-02T03:04:05Z"), null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void recordIsWrittenAsItsGoldenFile(String name, Object record) throws IOException {
        String json = Wire.write(record);
        Path golden = Path.of("src/test/resources/golden", name + ".json");
        if (Boolean.getBoolean("cordon.golden.update")) Files.writeString(golden, json + "\n", StandardCharsets.UTF_8);
        assertThat(golden).as("golden file %s (regenerate with -Dcordon.golden.update=true)", golden).exists();
        assertThat(json).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8).strip());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void recordReadsBackEqual(String name, Object record) throws IOException {
        assertThat(Wire.read(Wire.write(record), record.getClass(), name)).isEqualTo(record);
        // and through a tree, as the PCE binds a checked body
        assertThat(Wire.read(Wire.tree(record), record.getClass(), name)).isEqualTo(record);
        // a plain mapper, as either side may have its own, writes the same bytes: the records name their fields
        assertThat(PLAIN.writeValueAsString(record)).isEqualTo(Wire.write(record));
    }

    @Test
    void agentEventsAreSentAsAList() throws IOException {
        List<AgentEvent> events = List.of(new AgentEvent(AgentEvent.REFRESH_POLICY, "failure", "err",
                Instant.parse("2026-01-02T03:04:05Z"), info()));
        String json = Wire.write(events);
        assertThat(json).isEqualTo("[" + Wire.write(events.get(0)) + "]");
        assertThat(List.of(Wire.read(json, AgentEvent[].class, "events"))).isEqualTo(events);
    }

    @Test
    void policyAnswerReadsTheHeadOfAWholePolicyAndWritesItsPrefix() {
        String body = "{\"workload\":{\"href\":\"/orgs/1/workloads/3f1a\",\"name\":\"web1\"},\"version\":7,"
                + "\"hash\":\"ab\",\"enforcement_mode\":\"full\",\"sets\":[],\"control_plane\":[]}";
        PolicyAnswer head = Wire.read(body, PolicyAnswer.class, "policy");
        assertThat(head).isEqualTo(new PolicyAnswer(new PolicyAnswer.Workload("/orgs/1/workloads/3f1a", "web1"), 7, "ab"));
        assertThat(body).startsWith(head.head() + ",");
    }

    @Test
    void answersIgnoreFieldsANewerPceAdds() {
        ActivationAnswer a = Wire.read("{\"ven\":{\"href\":\"/orgs/1/vens/1\",\"ven_type\":\"server\"},"
                + "\"workload\":{\"href\":\"/orgs/1/workloads/1\"},\"agent_token\":\"t.s\",\"later\":1}",
                ActivationAnswer.class, "activation answer");
        assertThat(a.complete()).isTrue();
        assertThat(new ActivationAnswer(new Ref("/orgs/1/vens/1"), null, "t.s").complete()).isFalse();
    }

    @Test
    void requestsRefuseUnknownFieldsAndWrongTypes() {
        assertThatThrownBy(() -> Wire.read("{\"applied_hash\":null,\"sync_state\":\"applied\",\"health\":[],"
                + "\"surprise\":1}", Heartbeat.class, "heartbeat"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heartbeat").hasMessageContaining("surprise");
        assertThatThrownBy(() -> Wire.read("{\"applied_hash\":5,\"sync_state\":\"applied\"}", Heartbeat.class, "heartbeat"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGoodbyeRefusesUnknownFieldsLikeEveryRequest() {
        assertThatThrownBy(() -> Wire.read("{\"reason\":\"shutdown\",\"applied_hash\":null,\"when\":1}",
                Goodbye.class, "goodbye")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("when");
        assertThat(Wire.read("{\"reason\":\"shutdown\"}", Goodbye.class, "goodbye"))
                .isEqualTo(new Goodbye(Goodbye.SHUTDOWN, null));
    }

    @Test
    void missingListsAreEmpty() {
        assertThat(Wire.read("{\"applied_hash\":\"h\",\"sync_state\":\"applied\"}", Heartbeat.class, "heartbeat").health())
                .isEmpty();
        assertThat(Wire.read("{\"activation_code\":\"K\",\"hostname\":\"h\"}", ActivationRequest.class, "activation")
                .interfaces()).isEmpty();
    }
}
