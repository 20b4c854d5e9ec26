package dev.cordon.pce.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Counters inside a write transaction are read once and written back once before the commit: the values handed out
 * must be the same as with a statement per value — consecutive, visible to {@code values} and {@code advance} in the
 * same transaction, kept by a commit (also across reopening the store) and forgotten by a rollback.
 */
class CountersTest {
    @TempDir
    Path data;

    @Test
    void valuesTakenInATransactionAreConsecutiveSeenInsideItAndKeptOnlyWhenItCommits() {
        try (Store store = Store.open(data, null)) {
            Counters c = store.counters();
            assertThat(store.write(() -> List.of(c.next(1, "x.a"), c.next(1, "x.a"), c.next(1, "x.a"))))
                    .as("a new counter starts at 1").containsExactly(1L, 2L, 3L);
            assertThat(store.write(() -> {
                long first = c.next(1, "x.a");
                long second = c.next(2, "x.a"); // another org's counter of the same name
                assertThat(c.values(1, "x.")).as("values() inside the transaction sees what next() took")
                        .containsEntry("x.a", 5L);
                long third = c.next(1, "x.a"); // after a write-back the memo goes on
                return List.of(first, second, third);
            })).containsExactly(4L, 1L, 5L);
            assertThatThrownBy(() -> store.writeVoid(() -> {
                c.next(1, "x.a");
                c.next(1, "x.b");
                throw new IllegalStateException("use case refused");
            })).isInstanceOf(IllegalStateException.class);
            assertThat(c.values(1, "x.")).as("a rolled-back transaction takes nothing").containsExactly(
                    java.util.Map.entry("x.a", 6L));
            store.writeVoid(() -> {
                assertThat(c.next(1, "x.a")).isEqualTo(6L);
                c.advance(1, "x.a", 100);
                assertThat(c.next(1, "x.a")).as("advance() in the same transaction moves the memo too").isEqualTo(100L);
            });
            assertThat(c.next(1, "x.a")).as("outside a transaction: a write of its own").isEqualTo(101L);
        }
        try (Store store = Store.open(data, null)) {
            assertThat(store.write(() -> store.counters().next(1, "x.a"))).as("kept across reopening").isEqualTo(102L);
        }
    }
}
