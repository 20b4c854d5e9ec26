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
            long syncs0 = store.database().syncs();
            HeartbeatWrites<Integer> writes = new HeartbeatWrites<>(store, i -> {
                store.objects().put(1, "ven", "/orgs/1/vens/" + i, JSON.createObjectNode().put("n", i), null);
                if (i == 0) {
                    leaderInside.countDown();
                    await(release);
                }
                // the followers' transaction commits only after the leader's sync: were the group commit pipelined
                // (next group at the commit), one sync could cover both groups and the count below depend on timing
                if (i == 1) awaitSyncs(store, syncs0 + 1);
                return i % 2 == 0;
            });
            try (Group group = Group.start(writes, followers, leaderInside)) {
                assertThat(group.followers).noneMatch(Future::isDone);
                release.countDown();

                assertThat(group.leader.get(30, TimeUnit.SECONDS)).isTrue();
                for (int i = 1; i <= followers; i++) {
                    assertThat(group.followers.get(i - 1).get(30, TimeUnit.SECONDS)).as("outcome of heartbeat %d", i)
                            .isEqualTo(i % 2 == 0);
                }
                assertThat(store.database().syncs() - syncs0).as("one sync for the leader's group, one for all followers")
                        .isEqualTo(2);
                for (int i = 0; i <= followers; i++) {
                    assertThat(store.objects().get(1, "ven", "/orgs/1/vens/" + i)).as("heartbeat %d written", i).isPresent();
                }
            } finally {
                release.countDown();
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
            try (Group group = Group.start(writes, followers, leaderInside)) {
                release.countDown();
                assertThat(group.leader.get(30, TimeUnit.SECONDS)).isTrue();
                for (int i = 1; i <= followers; i++) {
                    Future<Boolean> f = group.followers.get(i - 1);
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

    /**
     * Heartbeat 0 on one thread, held inside its group's write until the test releases it, and heartbeats 1..n on
     * others, each queued behind that group once {@code start} returns.
     */
    private static final class Group implements AutoCloseable {
        final ExecutorService pool;
        final Future<Boolean> leader;
        final List<Future<Boolean>> followers = new ArrayList<>();

        private Group(HeartbeatWrites<Integer> writes, int n, CountDownLatch leaderInside) throws InterruptedException {
            pool = Executors.newFixedThreadPool(n + 1);
            try {
                leader = pool.submit(() -> writes.write(0));
                await(leaderInside);
                for (int i = 1; i <= n; i++) {
                    int v = i;
                    followers.add(pool.submit(() -> writes.write(v)));
                }
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (writes.queued() < n && System.nanoTime() < until) Thread.sleep(5);
                assertThat(writes.queued()).as("heartbeats queued behind the leader's group").isEqualTo(n);
            } catch (RuntimeException | InterruptedException | AssertionError e) {
                pool.shutdownNow();
                throw e;
            }
        }

        static Group start(HeartbeatWrites<Integer> writes, int n, CountDownLatch leaderInside) throws InterruptedException {
            return new Group(writes, n, leaderInside);
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }

    private static void awaitSyncs(Store store, long atLeast) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (store.database().syncs() < atLeast) {
            if (System.nanoTime() > until) throw new IllegalStateException("timed out waiting for the leader's sync");
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
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
