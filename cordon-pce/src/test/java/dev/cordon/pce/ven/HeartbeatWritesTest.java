package dev.cordon.pce.ven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.pce.store.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heartbeats written in groups: those that arrive while a group is written share the next transaction and its sync,
 * each caller gets its own outcome only after its write is durable, and one failing item does not fail the others.
 */
class HeartbeatWritesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path data;

    @Test
    void heartbeatsArrivingDuringAWriteShareTheNextTransactionAndItsSync() throws Exception {
        int followers = 40;
        try (Store store = Store.open(data, null)) {
            CountDownLatch leaderInside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger transactions = new AtomicInteger();
            HeartbeatWrites<Integer> writes = new HeartbeatWrites<>(store, i -> {
                store.objects().put(1, "ven", "/orgs/1/vens/" + i, JSON.createObjectNode().put("n", i), null);
                if (i == 0) {
                    transactions.incrementAndGet();
                    leaderInside.countDown();
                    await(release);
                }
                return i % 2 == 0;
            });
            ExecutorService pool = Executors.newFixedThreadPool(followers + 1);
            try {
                long syncs0 = store.database().syncs();
                Future<Boolean> leader = pool.submit(() -> writes.write(0));
                await(leaderInside);
                List<Future<Boolean>> rest = new ArrayList<>();
                for (int i = 1; i <= followers; i++) {
                    int v = i;
                    rest.add(pool.submit(() -> writes.write(v)));
                }
                // every follower is queued behind the leader's group before the leader's transaction ends
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (writes.queued() < followers && System.nanoTime() < until) Thread.sleep(5);
                assertThat(writes.queued()).isEqualTo(followers);
                assertThat(rest).noneMatch(Future::isDone);
                release.countDown();

                assertThat(leader.get(30, TimeUnit.SECONDS)).isTrue();
                for (int i = 1; i <= followers; i++) {
                    assertThat(rest.get(i - 1).get(30, TimeUnit.SECONDS)).as("outcome of heartbeat %d", i).isEqualTo(i % 2 == 0);
                }
                assertThat(store.database().syncs() - syncs0).as("one sync for the leader's group, one for all followers")
                        .isEqualTo(2);
                for (int i = 0; i <= followers; i++) {
                    assertThat(store.objects().get(1, "ven", "/orgs/1/vens/" + i)).as("heartbeat %d written", i).isPresent();
                }
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aFailingHeartbeatFailsAloneAndTheOthersOfItsGroupAreWritten() throws Exception {
        int followers = 10;
        try (Store store = Store.open(data, null)) {
            CountDownLatch leaderInside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            HeartbeatWrites<Integer> writes = new HeartbeatWrites<>(store, i -> {
                if (i == 7) throw new IllegalArgumentException("heartbeat 7 is bad");
                store.objects().put(1, "ven", "/orgs/1/vens/" + i, JSON.createObjectNode().put("n", i), null);
                if (i == 0) {
                    leaderInside.countDown();
                    await(release);
                }
                return true;
            });
            ExecutorService pool = Executors.newFixedThreadPool(followers + 1);
            try {
                Future<Boolean> leader = pool.submit(() -> writes.write(0));
                await(leaderInside);
                List<Future<Boolean>> rest = new ArrayList<>();
                for (int i = 1; i <= followers; i++) {
                    int v = i;
                    rest.add(pool.submit(() -> writes.write(v)));
                }
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (writes.queued() < followers && System.nanoTime() < until) Thread.sleep(5);
                release.countDown();
                assertThat(leader.get(30, TimeUnit.SECONDS)).isTrue();
                for (int i = 1; i <= followers; i++) {
                    Future<Boolean> f = rest.get(i - 1);
                    if (i == 7) {
                        assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).hasRootCauseMessage("heartbeat 7 is bad");
                        assertThat(store.objects().get(1, "ven", "/orgs/1/vens/7")).isEmpty();
                    } else {
                        assertThat(f.get(30, TimeUnit.SECONDS)).isTrue();
                        assertThat(store.objects().get(1, "ven", "/orgs/1/vens/" + i)).as("heartbeat %d written", i).isPresent();
                    }
                }
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
        }
    }

    @Test
    void insideAWriteTransactionAHeartbeatJoinsIt() {
        try (Store store = Store.open(data, null)) {
            HeartbeatWrites<Integer> writes = new HeartbeatWrites<>(store, i -> {
                store.objects().put(1, "ven", "/orgs/1/vens/" + i, JSON.createObjectNode().put("n", i), null);
                return true;
            });
            long syncs0 = store.database().syncs();
            assertThat(store.write(() -> writes.write(1) && writes.write(2))).isTrue();
            assertThat(store.database().syncs() - syncs0).isEqualTo(1);
            assertThat(store.objects().get(1, "ven", "/orgs/1/vens/2")).isPresent();
        }
    }

    private static void await(CountDownLatch l) {
        try {
            if (!l.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
