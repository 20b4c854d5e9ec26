package dev.cordon.ven;

import dev.cordon.protocol.ActivationRequest.HostInterface;
import dev.cordon.ven.Fakes.FakeEnforcer;
import dev.cordon.ven.Fakes.FakePce;
import dev.cordon.ven.host.HostInfo;
import dev.cordon.ven.state.StateDir;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent's unit tests share: a fake PCE and a fake enforcer writing one log, a fresh state directory, and a
 * configuration on a fixed clock for host {@link #HOST}. Each test class builds its {@link Agent} with the sleeps it
 * needs.
 */
abstract class AgentFixture {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final HostInfo HOST = new HostInfo("web1", List.of(new HostInterface("eth0", "10.0.0.1")));

    @TempDir
    Path dir;
    Fakes.Log log;
    FakePce pce;
    FakeEnforcer enforcer;
    StateDir state;
    AgentConfig cfg;

    @BeforeEach
    void setUpAgentFixture() {
        log = new Fakes.Log();
        pce = new FakePce(log);
        enforcer = new FakeEnforcer(log);
        state = StateDir.open(dir.resolve("state"));
        cfg = AgentConfig.of("http://127.0.0.1:9", "CODE", null, null, dir.resolve("state")).withClock(CLOCK)
                .withLegacyEnvFiles(List.of());
    }
}
