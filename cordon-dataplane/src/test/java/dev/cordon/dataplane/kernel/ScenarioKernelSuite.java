package dev.cordon.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.backend.Backends;
import dev.cordon.policy.testing.Scenarios.Check;
import dev.cordon.policy.testing.Scenarios.Scenario;
import dev.cordon.policy.testing.Scenarios;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario file with checks (and no expected errors), enforced in real namespaces: each check is a real
 * TCP connection or UDP echo and must give exactly the scenario's {@code expect}; kernel checks run with the
 * scenario's foreign rules installed first, and {@code expect_foreign_kept} is checked against the kernel.
 *
 * <p>Backend-neutral: {@link IptablesScenarioKernelTest} runs it on iptables; every backend gets such a subclass.
 */
abstract class ScenarioKernelSuite {
    /** The backend under test. */
    protected abstract Backends.Choice backend();

    static Stream<Scenario> scenarios() {
        return Scenarios.all().stream().filter(s -> !s.isInvalid())
                .filter(s -> !s.checks().isEmpty() || !s.kernelChecks().isEmpty());
    }

    private static String proto(Check c) {
        String p = c.proto().toLowerCase();
        if (!p.equals("tcp") && !p.equals("udp") && !p.equals("6") && !p.equals("17")) return null;
        return p.equals("6") ? "tcp" : p.equals("17") ? "udp" : p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void realPacketsGiveTheScenarioVerdicts(Scenario s) {
        Map<Connectivity.Probe, String> expected = new LinkedHashMap<>();
        for (Check c : concat(s.checks(), s.kernelChecks())) {
            String proto = proto(c);
            if (proto == null) continue; // ICMP and other protocols are judged by the engine tests
            expected.put(new Connectivity.Probe(c.from(), c.to(), c.port(), proto), c.expect());
        }
        try (Connectivity net = new Connectivity(s.document(), new ArrayList<>(expected.keySet()), s.foreignRules(), backend())) {
            Map<Connectivity.Probe, String> actual = net.matrix(new ArrayList<>(expected.keySet()));
            assertThat(actual).as("connectivity matrix of %s:\n%s", s.name(), Connectivity.describe(expected, actual))
                    .isEqualTo(expected);
            s.expectForeignKept().forEach((workload, kept) -> {
                String save = net.host(workload).save();
                boolean present = save.contains("foreign-marker") && save.contains(":DOCKER");
                assertThat(present).as("foreign rules of %s kept (%s):\n%s", workload, kept, save).isEqualTo(kept);
            });
            net.dataplanes().forEach((w, dp) -> assertThat(dp.checkFull().changes()).as("tamper check on %s", w).isEmpty());
        }
    }

    private static List<Check> concat(List<Check> a, List<Check> b) {
        List<Check> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
