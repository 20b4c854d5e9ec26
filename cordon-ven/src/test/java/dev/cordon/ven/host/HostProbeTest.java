package dev.cordon.ven.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.exec.FakeCommandRunner;
import dev.cordon.protocol.ActivationRequest.HostInterface;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The VEN reports the addresses peers can reach, read from {@code ip -j addr} where it enforces. */
class HostProbeTest {
    static final String IP_J_ADDR = """
            [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"addr_info":[
               {"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"},
               {"family":"inet6","local":"::1","prefixlen":128,"scope":"host"}]},
             {"ifindex":2,"ifname":"eth0","flags":["BROADCAST","UP"],"addr_info":[
               {"family":"inet","local":"10.1.1.10","prefixlen":32,"scope":"global"},
               {"family":"inet6","local":"fd00::10","prefixlen":128,"scope":"global"},
               {"family":"inet6","local":"fe80::1","prefixlen":64,"scope":"link"}]},
             {"ifindex":3,"ifname":"eth1","flags":["BROADCAST"],"addr_info":[]}]
            """;

    @Test
    void loopbackAndLinkLocalAddressesAreLeftOut() {
        assertThat(HostProbe.parse(IP_J_ADDR)).containsExactly(new HostInterface("eth0", "10.1.1.10"),
                new HostInterface("eth0", "fd00::10"));
    }

    @Test
    void addressesAreReadThroughTheRunnerSoANamespaceReportsItsOwn() {
        FakeCommandRunner runner = new FakeCommandRunner().answer(List.of("ip", "-j", "addr"), 0, IP_J_ADDR, "");
        HostInfo h = new HostProbe(runner, "prod-web").probe();
        assertThat(h.hostname()).isEqualTo("prod-web");
        assertThat(h.interfaces()).hasSize(2);
        assertThat(runner.calls()).extracting(FakeCommandRunner.Call::commandLine).containsExactly("ip -j addr show");
    }
}
