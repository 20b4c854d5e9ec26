package dev.cordon.ven.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.dataplane.exec.ProcessCommandRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code cordon bench capture} on the real kernel, small: its lines are there and well formed, and at a modest rate
 * the VEN's capture path accounts for every new connection the kernel saw (NEW events delivered = connections in
 * the spooled batches = the kernel's own count, nothing dropped anywhere). No figure is judged: only completeness.
 */
class CaptureBenchKernelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void atAModestRateEveryNewConnectionReachesTheSpoolAndTheBenchLeavesNothingBehind() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new CaptureBench(new CaptureBench.Options(10, 100, 1, Duration.ofSeconds(1), List.of(2000),
                Backends.Choice.IPTABLES, new PrintStream(bytes, true, StandardCharsets.UTF_8))).run();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!l.isBlank()) lines.add(JSON.readTree(l));
        }
        assertThat(lines).extracting(n -> n.get("measure").asText()).containsExactly("connect_rate", "loss", "loss_onset");
        JsonNode rate = lines.get(0);
        assertThat(rate.get("capture_on_per_s").asDouble()).isPositive();
        assertThat(rate.get("capture_off_per_s").asDouble()).isPositive();
        JsonNode loss = lines.get(1);
        long kernel = loss.get("conntrack_new").asLong();
        assertThat(kernel).as("the kernel saw the client's connections").isGreaterThan(100);
        assertThat(loss.get("new_events").asLong()).isEqualTo(kernel);
        assertThat(loss.get("spooled_connections").asLong()).isEqualTo(kernel);
        assertThat(loss.get("missing").asLong()).isZero();
        assertThat(loss.get("kernel_overruns").asLong()).isZero();
        assertThat(loss.get("aggregator_dropped").asLong()).isZero();
        assertThat(loss.get("spool_dropped").asLong()).isZero();
        assertThat(lines.get(2).get("loss_starts_per_s").isNull()).isTrue();
        assertThat(ProcessCommandRunner.host().run("ip", "netns", "list").stdout()).doesNotContain("cdp-cap-");
    }
}
