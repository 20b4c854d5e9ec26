package dev.cordon.ven;

import static dev.cordon.ven.Fakes.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.protocol.Goodbye;
import dev.cordon.ven.enforce.FirewallRestore;
import dev.cordon.ven.pce.PceException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The goodbye (what {@code workload_goodbye_timeout_seconds} acts on): a graceful stop sends exactly one, after the
 * last heartbeat, bounded in time, naming the policy the host keeps; a plain stop (a crash, as the PCE sees it), a
 * stop before activation and an unpair send none; a PCE that is away costs the stop nothing but a log line. The
 * agent runs its real loop against the fake PCE; the daemons' sleeps wait until the stop interrupts them.
 */
class AgentGoodbyeTest extends AgentFixture {
    final CountDownLatch never = new CountDownLatch(1);

    /** An agent whose every sleep waits until stop() interrupts it. */
    Agent agent() {
        return new Agent(cfg, pce, enforcer, () -> HOST, state, d -> never.await());
    }

    @Test
    void aGracefulStopSaysGoodbyeOnceAfterTheLastHeartbeatAndLeavesTheFirewall() {
        Agent a = agent();
        pce.serve(policy(1));
        pce.whenPollsRunOut = a::stopGracefully;
        a.run();
        assertThat(pce.goodbyes).containsExactly(new Goodbye(Goodbye.SHUTDOWN, policy(1).hash()));
        assertThat(pce.goodbyeBounds).containsExactly(Agent.GOODBYE_WITHIN);
        assertThat(log.calls.get(log.calls.size() - 1)).as("the goodbye is the last call: no heartbeat undoes it")
                .isEqualTo("goodbye shutdown");
        assertThat(log.calls).doesNotContain("remove", "open", "restore");
        assertThat(enforcer.current).as("the firewall stays as it is").isNotNull();
        assertThat(a.running()).isFalse();
    }

    @Test
    void aPlainStopSaysNoGoodbye() {
        Agent a = agent();
        pce.serve(policy(1));
        pce.whenPollsRunOut = a::stop;
        a.run();
        assertThat(pce.goodbyes).isEmpty();
        assertThat(log.calls).noneMatch(c -> c.startsWith("goodbye"));
    }

    @Test
    void aPceThatIsAwayCostsTheStopOneBoundedTry() {
        Agent a = agent();
        pce.serve(policy(1));
        pce.whenPollsRunOut = () -> {
            pce.unreachable = true;
            a.stopGracefully();
        };
        a.run(); // returns: the goodbye's failure is logged, not thrown
        assertThat(log.calls).containsOnlyOnce("goodbye shutdown");
        assertThat(pce.goodbyes).isEmpty();
        assertThat(pce.goodbyeBounds).containsExactly(Agent.GOODBYE_WITHIN);
        assertThat(a.sayGoodbye()).isFalse();
    }

    @Test
    void aVenStoppedBeforeItWasActivatedHasNobodyToSayGoodbyeTo() {
        pce.unreachable = true;
        AtomicReference<Agent> ref = new AtomicReference<>();
        Agent a = new Agent(cfg, pce, enforcer, () -> HOST, state, d -> ref.get().stopGracefully());
        ref.set(a);
        a.run();
        assertThat(a.identity()).isEmpty();
        assertThat(log.calls).noneMatch(c -> c.startsWith("goodbye"));
    }

    @Test
    void aVenTheGoodbyeOfWhichWouldComeAfterItsUnpairSendsNone() {
        Agent a = agent();
        pce.serve(policy(1));
        // the PCE unpairs it, and a signal arrives while the firewall is being restored
        pce.polls.addLast(() -> {
            throw PceException.unpaired("unpaired by an admin", FirewallRestore.DEFAULT);
        });
        enforcer.onOpen = a::stopGracefully;
        a.run();
        assertThat(log.calls).contains("open");
        assertThat(log.calls).noneMatch(c -> c.startsWith("goodbye"));
        assertThat(state.identity()).isEmpty();
    }

    @Test
    void theGoodbyeBeforeAnyPolicyWasAppliedSaysSo() {
        Agent a = agent();
        a.ensureActivated();
        assertThat(a.sayGoodbye()).isTrue();
        assertThat(pce.goodbyes).containsExactly(new Goodbye(Goodbye.SHUTDOWN, null));
        assertThat(a.lastGood()).isEqualTo(Optional.empty());
    }
}
