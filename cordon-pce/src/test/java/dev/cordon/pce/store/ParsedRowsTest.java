package dev.cordon.pce.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A row is parsed again only when its text changed; values follow the rows' order; other orgs are apart. */
class ParsedRowsTest {
    final AtomicInteger parses = new AtomicInteger();
    final ParsedRows<String> rows = new ParsedRows<>(b -> {
        parses.incrementAndGet();
        return b.toUpperCase();
    });

    @Test
    void unchangedTextIsNotParsedAgain() {
        List<Row> first = List.of(new Row("/orgs/1/labels/1", "a"), new Row("/orgs/1/labels/2", "b"));
        assertThat(rows.of(1, first)).containsExactly("A", "B");
        assertThat(rows.of(1, List.of(new Row("/orgs/1/labels/2", "b"), new Row("/orgs/1/labels/1", "a2"))))
                .containsExactly("B", "A2");
        assertThat(parses).hasValue(3);
        assertThat(rows.of(2, List.of(new Row("/orgs/1/labels/1", "a2")))).containsExactly("A2");
        assertThat(parses).as("another org has its own cache").hasValue(4);
    }

    @Test
    void deletedRowsAreForgotten() {
        List<Row> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) many.add(new Row("/orgs/1/labels/" + i, "v" + i));
        rows.of(1, many);
        rows.of(1, many.subList(0, 10)); // 190 deleted: dropped from the cache
        parses.set(0);
        rows.of(1, many);
        assertThat(parses).as("the dropped ones are parsed again").hasValue(190);
    }
}
