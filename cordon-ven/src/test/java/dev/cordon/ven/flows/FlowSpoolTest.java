package dev.cordon.ven.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowSpoolTest {
    @TempDir
    Path dir;

    @Test
    void batchesStayUntilAcknowledgedAndTheSeqSurvivesARestartWithAnEmptySpool() {
        FlowSpool s = FlowSpool.open(dir, FlowSpool.DEFAULT_MAX_BYTES);
        assertThat(s.nextSeq()).isEqualTo(1);
        s.append(1, 3, new byte[] {1, 2, 3});
        s.append(2, 4, new byte[] {4});
        assertThat(s.pending()).extracting(FlowSpool.Batch::seq).containsExactly(1L, 2L);
        assertThat(s.pending().get(1).body()).containsExactly(4);
        assertThat(FlowSpool.open(dir, FlowSpool.DEFAULT_MAX_BYTES).pending()).hasSize(2);
        s.acknowledge(1);
        assertThat(s.pending()).extracting(FlowSpool.Batch::seq).containsExactly(2L);
        s.acknowledge(2);
        assertThat(s.pending()).isEmpty();
        FlowSpool again = FlowSpool.open(dir, FlowSpool.DEFAULT_MAX_BYTES);
        assertThat(again.nextSeq()).as("an acknowledged seq is never reused").isEqualTo(3);
        assertThatThrownBy(() -> again.append(2, 1, new byte[1])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void overTheBoundTheOldestBatchesAreDroppedAndTheirFlowsCounted() {
        FlowSpool s = FlowSpool.open(dir, 100_000);
        Random r = new Random(1);
        for (long seq = 1; seq <= 10; seq++) {
            byte[] body = new byte[30_000];
            r.nextBytes(body);
            s.append(seq, 10, body);
        }
        assertThat(s.bytes()).isLessThanOrEqualTo(100_000);
        assertThat(s.pending()).extracting(FlowSpool.Batch::seq).containsExactly(8L, 9L, 10L);
        assertThat(s.takeDropped()).isEqualTo(70);
        assertThat(s.takeDropped()).isZero();
    }
}
