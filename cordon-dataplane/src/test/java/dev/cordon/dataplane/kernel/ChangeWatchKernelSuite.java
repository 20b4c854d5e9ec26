package dev.cordon.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.ChangeWatch;
import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.Policies;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Event-driven tamper detection (issue 13): {@link Dataplane#watch} announces a foreign change to what Cordon owns as
 * the kernel reports it, so a tamper loop repairs it without waiting for its poll; Cordon's own writes are not
 * announced. The loop here polls once an hour, so only the announcement can make it repair within the test. Run once
 * per backend (the iptables backend's changes are iptables-nft commits, which the kernel announces the same way).
 */
abstract class ChangeWatchKernelSuite {
    protected abstract Backends.Choice backend();

    /** A foreign change to Cordon's own input chain, as another tool (or an administrator) would make it. */
    protected abstract List<String> tamper();

    /** A foreign change in a table that holds nothing of Cordon's in primary (not announced). */
    protected abstract List<String> unrelated();

    protected Lab lab;
    protected Lab.Host host;
    protected Dataplane dp;
    private ChangeWatch watch;
    private Thread loop;

    @BeforeEach
    void setUp() {
        lab = Lab.create();
        host = lab.host("10.2.0.1");
        dp = host.dataplane(backend());
    }

    @AfterEach
    void tearDown() {
        try {
            if (loop != null) loop.interrupt();
            if (watch != null) watch.close();
        } finally {
            lab.close();
        }
    }

    @Test
    void aForeignChangeIsRepairedWithoutWaitingForThePoll() throws InterruptedException {
        dp.apply(Policies.richNoCustom(EnforcementMode.FULL, Coexistence.PRIMARY));
        Semaphore kick = new Semaphore(0);
        Semaphore repaired = new Semaphore(0);
        watch = dp.watch(kick::release);
        assertThat(watch.live()).as("the kernel's change notifications are watched").isTrue();
        loop = new Thread(() -> {
            try {
                while (true) {
                    kick.tryAcquire(1, TimeUnit.HOURS); // the safety poll: never within this test
                    kick.drainPermits();
                    if (dp.check().tampered()) {
                        dp.repair();
                        repaired.release();
                    }
                }
            } catch (InterruptedException e) {
                // the test is over
            }
        });
        loop.setDaemon(true);
        loop.start();
        host.run(tamper().toArray(String[]::new));
        assertThat(repaired.tryAcquire(20, TimeUnit.SECONDS)).as("repaired on the kernel's notification").isTrue();
        assertThat(dp.checkFull().changes()).as("the firewall is as applied again").isEmpty();
    }

    @Test
    void cordonsOwnWritesAndUnrelatedTablesAreNotAnnounced() throws InterruptedException {
        dp.apply(Policies.richNoCustom(EnforcementMode.FULL, Coexistence.PRIMARY));
        AtomicInteger announced = new AtomicInteger();
        Semaphore any = new Semaphore(0);
        watch = dp.watch(() -> {
            announced.incrementAndGet();
            any.release();
        });
        dp.apply(Policies.allowOne("192.0.2.10", 80, EnforcementMode.FULL, Coexistence.PRIMARY));
        dp.repair();
        dp.apply(Policies.richNoCustom(EnforcementMode.FULL, Coexistence.PRIMARY));
        host.run(unrelated().toArray(String[]::new));
        // notifications arrive in commit order: once the foreign change is announced, every earlier one was read
        host.run(tamper().toArray(String[]::new));
        assertThat(any.tryAcquire(20, TimeUnit.SECONDS)).as("the foreign change is announced").isTrue();
        assertThat(announced.get()).as("only the foreign change to Cordon's state was announced, not Cordon's own"
                + " applies and repair, nor the change to another tool's table").isEqualTo(1);
    }
}
