package dev.cordon.ven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cordon.ven.enforce.FirewallRestore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Configuration is validated once, with a message that says what to pass instead. */
class AgentConfigTest {
    static final Path DIR = Path.of("/tmp/cordon-ven-config-test");

    @Test
    void plainHttpIsAcceptedOnlyForLoopback() {
        assertThat(AgentConfig.of("http://127.0.0.1:8080", "c", null, null, DIR).pce().getPort()).isEqualTo(8080);
        assertThat(AgentConfig.of("http://[::1]:8080", "c", null, null, DIR).pce()).isNotNull();
        assertThat(AgentConfig.of("http://localhost:8080", "c", null, null, DIR).pce()).isNotNull();
        assertThatThrownBy(() -> AgentConfig.of("http://pce.example:8080", "c", null, null, DIR))
                .hasMessageContaining("loopback").hasMessageContaining("https://");
        assertThat(AgentConfig.of("https://pce.example:8443", "c", null, null, DIR).pce().getScheme()).isEqualTo("https");
        assertThatThrownBy(() -> AgentConfig.of("ftp://pce", "c", null, null, DIR)).hasMessageContaining("https://");
    }

    @Test
    void thePceIsRequiredExceptForALocalUnpair() {
        assertThatThrownBy(() -> AgentConfig.of(null, "c", null, null, DIR)).hasMessageContaining("--pce");
        assertThat(AgentConfig.forUnpair(null, DIR, FirewallRestore.SAVED).unpair()).isEqualTo(FirewallRestore.SAVED);
    }

    @Test
    void badNamespaceNamesAndVenTypesAreRefused() {
        assertThatThrownBy(() -> AgentConfig.of("http://127.0.0.1:1", "c", "bad name;", null, DIR))
                .hasMessageContaining("--netns");
        assertThatThrownBy(() -> AgentConfig.of("http://127.0.0.1:1", "c", null, null, DIR).withVenType("laptop"))
                .hasMessageContaining("server or endpoint");
        assertThatThrownBy(() -> FirewallRestore.parse("closed")).hasMessageContaining("saved");
    }

    @Test
    void defaultsMatchTheSpec() {
        AgentConfig c = AgentConfig.of("http://127.0.0.1:1", "c", null, null, null);
        assertThat(c.stateDir()).isEqualTo(AgentConfig.DEFAULT_STATE_DIR);
        assertThat(c.tamperInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.venType()).isEqualTo("server");
        assertThat(c.legacyEnvFiles()).contains(AgentConfig.DEFAULT_ENV_FILE, AgentConfig.DEFAULT_STATE_DIR.resolve("ven.env"));
    }

    @Test
    void retryDelaysDoubleFromTheMinimumUpToTheMaximum() {
        AgentConfig c = AgentConfig.of("http://127.0.0.1:1", "c", null, null, DIR)
                .withBackoff(Duration.ofMillis(500), Duration.ofSeconds(3));
        assertThat(c.backoff(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(c.backoff(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.backoff(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.backoff(4)).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.backoff(100)).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> c.withBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1))).hasMessageContaining("below");
        assertThatThrownBy(() -> c.withIntervals(Duration.ofSeconds(301), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("0 to 300");
    }
}
