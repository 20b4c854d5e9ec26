package dev.cordon.ven.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.Endpoint;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.WorkloadRef;
import dev.cordon.policy.model.EnforcementMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory survives restarts and never holds a half-written file or a file others can read. */
class StateDirTest {
    @TempDir
    Path tmp;

    @Test
    void theDirectoryIsPrivateAndEveryFileIsReadableByItsOwnerOnly() throws Exception {
        StateDir s = StateDir.open(tmp.resolve("ven"));
        s.writeIdentity(new Identity("http://127.0.0.1:1", "/orgs/1/vens/v", "/orgs/1/workloads/w", "t.s", null, "h",
                "2026-01-01T00:00:00Z"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(s.dir()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(s.dir().resolve(StateDir.IDENTITY))))
                .isEqualTo("rw-------");
    }

    @Test
    void writesReplaceWholeFilesAndLeaveNoTemporaryFilesBehind() throws Exception {
        StateDir s = StateDir.open(tmp.resolve("ven"));
        for (int i = 0; i < 20; i++) s.write("applied.json", "{\"n\":" + i + "}");
        assertThat(s.read("applied.json")).contains("{\"n\":19}");
        try (Stream<Path> files = Files.list(s.dir())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("applied.json");
        }
    }

    @Test
    void theLastGoodPolicyAndIdentityReadBackAsWritten() {
        StateDir s = StateDir.open(tmp.resolve("ven"));
        FirewallPolicy p = FirewallPolicy.of(new WorkloadRef("/orgs/1/workloads/w", "w"), 3, EnforcementMode.SELECTIVE,
                Coexistence.NOT_PRIMARY, List.of(), List.of(), List.of(), List.of(), List.of(new Endpoint("127.0.0.1", 1)));
        s.writeLastGoodPolicy(p);
        Identity id = new Identity("https://pce:8443", "/orgs/1/vens/v", "/orgs/1/workloads/w", "t.s", "ff".repeat(32),
                "h", "2026-01-01T00:00:00Z");
        s.writeIdentity(id);
        StateDir again = StateDir.open(tmp.resolve("ven"));
        assertThat(again.lastGoodPolicy()).contains(p);
        assertThat(again.identity()).contains(id);
        again.clear();
        assertThat(again.identity()).isEmpty();
        assertThat(again.lastGoodPolicy()).isEmpty();
    }

    @Test
    void aDamagedFileIsReportedWithItsPathAndWhatToDo() throws Exception {
        StateDir s = StateDir.open(tmp.resolve("ven"));
        Files.writeString(s.dir().resolve(StateDir.IDENTITY), "{not json");
        assertThatThrownBy(s::identity).hasMessageContaining(StateDir.IDENTITY).hasMessageContaining("unpair");
    }
}
