package dev.cordon.pce.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The natural-order sort keys lists are sorted by in the database, and their backfill of older rows. */
class SortKeysTest {
    @TempDir
    Path data;

    @Test
    void keysOrderTextNaturallyAndCaseFolded() {
        List<String> names = new ArrayList<>(List.of("app-94", "App-5", "app-10", "app-4", "app-004x", "b", "app-", "app", "web10db2", "web9db10"));
        names.sort(Comparator.comparing(SortKeys::of));
        assertThat(names).containsExactly("app", "app-", "app-4", "app-004x", "App-5", "app-10", "app-94", "b", "web9db10", "web10db2");
        assertThat(SortKeys.of(null)).isNull();
        assertThat(SortKeys.of("x".repeat(5000))).hasSizeLessThanOrEqualTo(600).matches("[0-9a-f]*");
    }

    @Test
    void theStoreSortsAndPagesByTheKeysAndFillsThemInForOlderRows() {
        try (Store store = Store.open(data, null)) {
            for (int i = 1; i <= 12; i++) {
                ObjectNode w = Json.object().put("href", "/orgs/1/workloads/w" + (100 - i)).put("name", "host-" + i).put("hostname", "h" + i);
                store.objects().put(1, "workload", w.get("href").asText(), w, null);
            }
            List<String> asc = names(store.objects().list(1, "workload", Filter.NONE, new ListOrder(ListOrder.Column.NAME, false, 0), 5));
            assertThat(asc).containsExactly("host-1", "host-2", "host-3", "host-4", "host-5");
            Page desc = store.objects().list(1, "workload", Filter.NONE, new ListOrder(ListOrder.Column.NAME, true, 10), 5);
            assertThat(names(desc)).containsExactly("host-2", "host-1");
            assertThat(desc.total()).isEqualTo(12);
            Filter two = new Filter(null, null, null, null, null, null, null, List.of("/orgs/1/workloads/w99", "/orgs/1/workloads/w90", "/nothing"));
            assertThat(names(store.objects().list(1, "workload", two, 50))).containsExactlyInAnyOrder("host-1", "host-10");

            // a row written before V6 has no keys: the backfill gives them, so it sorts like the others
            store.database().change(h -> h.createUpdate("UPDATE objects SET sort_name = NULL, sort_hostname = NULL"
                    + " WHERE kind = 'workload'").execute());
            SortKeys.backfill(store.database());
            assertThat(names(store.objects().list(1, "workload", Filter.NONE, new ListOrder(ListOrder.Column.HOSTNAME, false, 0), 3)))
                    .containsExactly("host-1", "host-2", "host-3");
        }
    }

    private static List<String> names(Page p) {
        return p.rows().stream().map(r -> Json.parse(r.body()).path("name").asText()).toList();
    }
}
