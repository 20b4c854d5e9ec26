package dev.cordon.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.bench.LoadClient;
import dev.cordon.dataplane.bench.MinimalFirewall;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The bench's load tool and its minimal-firewall baseline, on real namespaces (counts, never times): connects
 * complete with no firewall and the client reports its CPU per connect; under each {@link MinimalFirewall} (iptables,
 * native nft) the one allowed client still connects (its replies pass as established) and any other address gets
 * nowhere.
 */
class LoadClientKernelTest {
    @Test
    void loadClientConnectsAndTheMinimalFirewallAdmitsOnlyItsClient() {
        try (Lab lab = Lab.create(); LoadClient load = LoadClient.prepare()) {
            Lab.Host server = lab.host("10.5.0.1");
            Lab.Host client = lab.host("10.5.0.2");
            Lab.Host stranger = lab.host("10.5.0.3");
            Process p = load.startServer(server.ns, 24000);
            try {
                Duration second = Duration.ofSeconds(1);
                LoadClient.Run none = load.sample(client.ns, server.address, 24000, second, p);
                assertThat(none.perSecond()).as("no firewall").isPositive();
                if (load.kind().equals("c")) {
                    assertThat(none.clientUserUs()).as("the client reports its CPU per connect").isNotNegative();
                    assertThat(none.clientSystemUs()).isPositive();
                    assertThat(none.serverUs()).as("the server's CPU is read from its processes").isNotNegative();
                }
                for (MinimalFirewall minimal : MinimalFirewall.values()) {
                    minimal.apply(server.runner(), client.address, 24000);
                    assertThat(load.rate(client.ns, server.address, 24000, second)).as("%s: the allowed client", minimal).isPositive();
                    assertThat(load.rate(stranger.ns, server.address, 24000, second)).as("%s: any other address", minimal).isZero();
                    minimal.remove(server.runner());
                    assertThat(load.rate(stranger.ns, server.address, 24000, second)).as("%s: removed", minimal).isPositive();
                }
            } finally {
                LoadClient.stop(p);
            }
        }
    }
}
