package dev.cordon.dataplane.nftables.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Policies;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.model.EnforcementMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The nft batch of the rich policy in every mode and coexistence state, against golden files under
 * {@code src/test/resources/golden/nftables}. Run with {@code -Dcordon.golden.update=true} to rewrite them, then
 * review the diff. {@code NftablesKernelLoadTest} loads every golden file into a real kernel.
 */
class NftRendererGoldenTest {
    static Stream<Arguments> variants() {
        return Stream.of(EnforcementMode.values()).flatMap(m -> Stream.of(Coexistence.values()).map(c -> Arguments.of(m, c)));
    }

    static Path golden(EnforcementMode mode, Coexistence c) {
        return Paths.get("src/test/resources/golden/nftables", "rich-" + mode.wire() + "-" + c.wire() + ".nft");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("variants")
    void renderedBatchMatchesGoldenFile(EnforcementMode mode, Coexistence c) throws IOException {
        String text = NftRenderer.render(Policies.rich(mode, c)).text();
        Path golden = golden(mode, c);
        if (Boolean.getBoolean("cordon.golden.update")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, text, StandardCharsets.UTF_8);
        }
        assertThat(golden).as("golden file %s (regenerate with -Dcordon.golden.update=true)", golden).exists();
        assertThat(text).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }
}
