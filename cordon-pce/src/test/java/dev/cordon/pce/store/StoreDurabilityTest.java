package dev.cordon.pce.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On H2 every change is synced before the store method returns: each committed write transaction and each
 * change made outside one cost a sync, a transaction that changed nothing does not. (The real kill -9 and the
 * fsync system calls are shown by cordon-cli's KillNineDuringWritesIT and FsyncPerWriteIT.)
 */
class StoreDurabilityTest {
    @TempDir
    Path data;

    @Test
    void eachChangeIsSyncedBeforeItsMethodReturns() {
        try (Store store = Store.open(data, null)) {
            var body = new ObjectMapper().createObjectNode().put("key", "app").put("value", "web");
            long s0 = store.database().syncs();
            store.writeVoid(() -> store.objects().put(1, "label", "/orgs/1/labels/1", body, null));
            assertThat(store.database().syncs()).as("a committed write transaction").isEqualTo(s0 + 1);
            store.objects().put(1, "label", "/orgs/1/labels/2", body, null);
            assertThat(store.database().syncs()).as("an autocommit change").isEqualTo(s0 + 2);
            store.events().insert(1, 1, "/orgs/1/events/x", "label.create", "info", "2026-12-02T00:00:00Z", "{}");
            assertThat(store.database().syncs()).as("an event recorded outside a transaction").isEqualTo(s0 + 3);
            store.writeVoid(() -> store.objects().get(1, "label", "/orgs/1/labels/1"));
            assertThat(store.database().syncs()).as("a transaction that only read").isEqualTo(s0 + 3);
            try {
                store.writeVoid(() -> {
                    store.objects().put(1, "label", "/orgs/1/labels/3", body, null);
                    throw new IllegalStateException("use case refused");
                });
            } catch (IllegalStateException expected) {
                // rolled back: nothing to make durable
            }
            assertThat(store.database().syncs()).as("a rolled-back transaction").isEqualTo(s0 + 3);
            assertThat(store.objects().get(1, "label", "/orgs/1/labels/3")).isEmpty();
        }
    }
}
