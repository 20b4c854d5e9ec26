package dev.cordon.ven;

import static dev.cordon.ven.Fakes.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cordon.dataplane.ApplyException;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.ven.Fakes.FakeEnforcer;
import dev.cordon.ven.enforce.FirewallRestore;
import dev.cordon.ven.enforce.TamperChange;
import dev.cordon.protocol.ActivationRequest.HostInterface;
import dev.cordon.protocol.AgentEvent;
import dev.cordon.protocol.Health;
import dev.cordon.ven.pce.PceException;
import dev.cordon.ven.state.StateDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The agent's loop, step by step, against a fake PCE and a fake enforcer: no root, no network, no sleeping. */
class AgentTest extends AgentFixture {
    Agent agent() {
        return new Agent(cfg, pce, enforcer, () -> HOST, state, d -> {
            throw new AssertionError("unit tests never sleep");
        });
    }

    Agent activated() {
        Agent a = agent();
        a.ensureActivated();
        return a;
    }

    static ApplyException refused() {
        return new ApplyException("applying table filter (IPv4)", "iptables-restore -w", "iptables-restore: line 7 failed",
                "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:CORDON-C-FILTER-INPUT - [0:0]\n"
                        + "-A INPUT -j CORDON-C-FILTER-INPUT\n-A CORDON-C-FILTER-INPUT -m nosuchmatch -j ACCEPT\nCOMMIT\n");
    }

    // ---- activation ----

    @Test
    void activationReportsHostAndStoresTokenPinAndPreActivationFirewallReadableByRootOnly() throws Exception {
        Agent a = agent();
        a.ensureActivated();
        assertThat(pce.activations).singleElement().satisfies(r -> {
            assertThat(r.hostname()).isEqualTo("web1");
            assertThat(r.interfaces()).containsExactly(new HostInterface("eth0", "10.0.0.1"));
            assertThat(r.osType()).isEqualTo("linux");
            assertThat(r.venType()).isEqualTo("server");
            assertThat(r.version()).isEqualTo(Agent.VERSION);
            assertThat(r.dataplaneBackend()).as("the backend of the enforcer in use").isEqualTo("fake");
        });
        assertThat(log.calls).containsSubsequence("save", "activate", "credentials");
        assertThat(state.identity()).get().satisfies(id -> {
            assertThat(id.agentToken()).isEqualTo("tok.secret");
            assertThat(id.certificateSha256()).isEqualTo("ab".repeat(32));
            assertThat(id.venHref()).isEqualTo("/orgs/1/vens/v1");
        });
        assertThat(state.firewallBefore()).contains(enforcer.saved);
        for (String f : List.of(StateDir.IDENTITY, StateDir.FIREWALL_BEFORE)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.dir().resolve(f))))
                    .isEqualTo("rw-------");
        }
        assertThat(pce.token).isEqualTo("tok.secret");
        assertThat(pce.pin).isEqualTo("ab".repeat(32));
    }

    @Test
    void anActivatedVenUsesItsStoredIdentityAndNeverActivatesAgain() {
        agent().ensureActivated();
        log.calls.clear();
        Agent second = agent();
        second.ensureActivated();
        assertThat(log.calls).containsExactly("credentials");
    }

    @Test
    void withoutIdentityOrActivationCodeTheAgentSaysWhatToPass() {
        cfg = AgentConfig.of("http://127.0.0.1:9", null, null, null, dir.resolve("state")).withLegacyEnvFiles(List.of());
        assertThatThrownBy(() -> agent().ensureActivated()).isInstanceOf(AgentException.class)
                .hasMessageContaining("--activation-code");
    }

    @Test
    void aRefusedActivationCodeStopsTheAgentWithThePcesReason() {
        pce.activationFailure = new PceException(PceException.Kind.UNAUTHORIZED, 401,
                "activation: the PCE answered 401: This activation code expired");
        Agent a = agent();
        pce.whenPollsRunOut = a::stop;
        assertThatThrownBy(a::run).isInstanceOf(AgentException.class).hasMessageContaining("expired");
    }

    // ---- policy sync ----

    @Test
    void aNewPolicyIsAppliedPersistedAndReportedAsApplied() {
        Agent a = activated();
        FirewallPolicy p = policy(1);
        pce.serve(p);
        assertThat(a.syncOnce()).contains(p);
        assertThat(enforcer.applied).containsExactly(p);
        assertThat(state.lastGoodPolicy()).contains(p);
        assertThat(state.appliedSnapshot()).get().asString().contains(p.hash());
        assertThat(a.syncState()).isEqualTo(SyncState.APPLIED);
        a.reportOnce();
        assertThat(pce.heartbeats).last().satisfies(hb -> {
            assertThat(hb.syncState()).isEqualTo("applied");
            assertThat(hb.appliedHash()).isEqualTo(p.hash());
            assertThat(hb.health()).isEmpty();
            assertThat(hb.dataplaneBackend()).isEqualTo("fake");
        });
        assertThat(pce.events).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(AgentEvent.REFRESH_POLICY);
            assertThat(e.status()).isEqualTo("success");
            assertThat(e.info().get("policy_hash").asText()).isEqualTo(p.hash());
        });
        assertThat(a.queuedEvents()).isZero();
    }

    @Test
    void whatAForeignFirewallMakesImpossibleIsInTheHeartbeatsHealth() {
        Agent a = activated();
        FirewallPolicy p = policy(1);
        pce.serve(p);
        a.syncOnce();
        Health impossible = new Health("coexistence_exclusive_impossible", "error",
                "exclusive is impossible here: table inet owned is owned by another process");
        enforcer.coexistence = List.of(impossible);
        a.watchOnce();
        a.reportOnce();
        assertThat(pce.heartbeats).last().satisfies(hb -> {
            assertThat(hb.syncState()).as("the policy is in force all the same").isEqualTo("applied");
            assertThat(hb.health()).containsExactly(impossible);
        });
        enforcer.coexistence = List.of();
        a.reportOnce();
        assertThat(pce.heartbeats).last().satisfies(hb -> assertThat(hb.health()).isEmpty());
    }

    @Test
    void theLongPollCarriesTheHashOfTheLastPolicyReceived() {
        Agent a = activated();
        pce.serve(policy(1));
        a.syncOnce();
        a.syncOnce();
        assertThat(pce.knownHashes).containsExactly(null, policy(1).hash());
    }

    @Test
    void aPolicyTheKernelRefusesLeavesTheLastGoodInForceAndReportsErrorWithTheKernelsMessage() {
        Agent a = activated();
        FirewallPolicy good = policy(1);
        FirewallPolicy bad = policy(2);
        pce.serve(good);
        a.syncOnce();
        enforcer.failApply = refused();
        pce.serve(bad);
        a.syncOnce();

        assertThat(a.syncState()).isEqualTo(SyncState.ERROR);
        assertThat(a.lastGood()).contains(good);
        assertThat(state.lastGoodPolicy()).contains(good);
        assertThat(a.health()).singleElement().satisfies(h -> {
            assertThat(h.severity()).isEqualTo("error");
            assertThat(h.message()).contains("line 7", "nosuchmatch");
        });
        a.reportOnce();
        assertThat(pce.heartbeats).last().satisfies(hb -> {
            assertThat(hb.syncState()).isEqualTo("error");
            assertThat(hb.appliedHash()).isEqualTo(good.hash());
        });
        AgentEvent failure = pce.events.get(pce.events.size() - 1);
        assertThat(failure.eventType()).isEqualTo(AgentEvent.REFRESH_POLICY);
        assertThat(failure.status()).isEqualTo("failure");
        assertThat(failure.info().get("error").asText()).contains("iptables-restore", "line 7");
        assertThat(failure.info().get("stderr").asText()).isEqualTo("iptables-restore: line 7 failed");
        assertThat(failure.info().get("line_text").asText()).contains("nosuchmatch");
        assertThat(failure.info().get("policy_hash").asText()).isEqualTo(bad.hash());
        assertThat(failure.info().get("policy_in_force").asText()).isEqualTo(good.hash());
    }

    @Test
    void aRefusedPolicyIsNotFetchedAgainButTheNextProvisionIsApplied() {
        Agent a = activated();
        enforcer.failApply = refused();
        pce.serve(policy(2));
        a.syncOnce();
        a.syncOnce();
        assertThat(pce.knownHashes).containsExactly(null, policy(2).hash());
        enforcer.failApply = null;
        pce.serve(policy(3));
        a.syncOnce();
        assertThat(a.syncState()).isEqualTo(SyncState.APPLIED);
        assertThat(a.lastGood()).contains(policy(3));
    }

    @Test
    void whileThePceIsUnreachableTheHostKeepsItsPolicyAndEventsWaitUntilItReturns() {
        Agent a = activated();
        pce.serve(policy(1));
        a.syncOnce();
        pce.unreachable = true;
        assertThatThrownBy(a::syncOnce).isInstanceOf(PceException.class);
        assertThatThrownBy(a::reportOnce).isInstanceOf(PceException.class);
        assertThat(log.calls).doesNotContain("remove");
        assertThat(a.lastGood()).contains(policy(1));
        assertThat(a.queuedEvents()).isEqualTo(1);

        pce.unreachable = false;
        pce.serve(policy(2));
        a.syncOnce();
        a.reportOnce();
        assertThat(a.lastGood()).contains(policy(2));
        assertThat(pce.events).hasSize(2);
        assertThat(a.queuedEvents()).isZero();
    }

    @Test
    void aRestartReappliesTheLastGoodPolicyBeforeContactingThePce() {
        Agent first = activated();
        pce.serve(policy(1));
        first.syncOnce();
        log.calls.clear();

        enforcer = new FakeEnforcer(log);
        Agent restarted = agent();
        assertThat(restarted.restoreLastGood()).isTrue();
        restarted.ensureActivated();
        restarted.syncOnce();
        assertThat(log.calls).containsExactly("apply " + policy(1).hash(), "credentials", "poll " + policy(1).hash());
        assertThat(restarted.syncState()).isEqualTo(SyncState.APPLIED);
    }

    @Test
    void aCoexistenceChangeIsAppliedLikeAnyOtherPolicy() {
        Agent a = activated();
        for (Coexistence c : List.of(Coexistence.EXCLUSIVE, Coexistence.PRIMARY, Coexistence.NOT_PRIMARY, Coexistence.EXCLUSIVE)) {
            pce.serve(policy(1, c));
            a.syncOnce();
        }
        assertThat(enforcer.applied).extracting(FirewallPolicy::coexistence).containsExactly(Coexistence.EXCLUSIVE,
                Coexistence.PRIMARY, Coexistence.NOT_PRIMARY, Coexistence.EXCLUSIVE);
        assertThat(log.calls).doesNotContain("remove");
    }

    // ---- tampering ----

    @Test
    void tamperingIsRepairedAndReportedWithWhatChangedAndTheStateRestored() {
        Agent a = activated();
        pce.serve(policy(1, Coexistence.PRIMARY));
        a.syncOnce();
        TamperChange c = new TamperChange("IPv4", "filter", "INPUT", "-j ACCEPT", "jump_not_first");
        enforcer.checks.add(List.of(c));
        assertThat(a.watchOnce()).containsExactly(c);
        assertThat(enforcer.repairs).isEqualTo(1);
        AgentEvent e = a.pendingEvents().get(a.pendingEvents().size() - 1);
        assertThat(e.eventType()).isEqualTo(AgentEvent.TAMPERING);
        assertThat(e.status()).isEqualTo("success");
        assertThat(e.info().get("changes").get(0).get("table").asText()).isEqualTo("filter");
        assertThat(e.info().get("changes").get(0).get("chain").asText()).isEqualTo("INPUT");
        assertThat(e.info().get("changes").get(0).get("rule").asText()).isEqualTo("-j ACCEPT");
        assertThat(e.info().get("changes").get(0).get("kind").asText()).isEqualTo("jump_not_first");
        assertThat(e.info().get("tampering_revert_succeeded").asBoolean()).isTrue();
        assertThat(e.info().get("coexistence").asText()).isEqualTo("primary");
        assertThat(e.info().get("restored_state").asText()).contains(policy(1, Coexistence.PRIMARY).hash());
    }

    @Test
    void aChangeMadeWhileTheRepairRanIsRepairedToo() {
        Agent a = activated();
        pce.serve(policy(1));
        a.syncOnce();
        enforcer.checks.add(List.of(new TamperChange("IPv4", "filter", "INPUT", "-j ACCEPT", "foreign_rule")));
        enforcer.repairDigests.add("absorbed-a-second-change");
        a.watchOnce();
        assertThat(enforcer.repairs).isEqualTo(2);
        AgentEvent e = a.pendingEvents().get(a.pendingEvents().size() - 1);
        assertThat(e.info().get("tampering_revert_succeeded").asBoolean()).isTrue();
        assertThat(e.info().get("repairs").asInt()).isEqualTo(2);
    }

    @Test
    void aFirewallThatKeepsChangingDuringRepairsIsReportedNotRestored() {
        Agent a = activated();
        pce.serve(policy(1));
        a.syncOnce();
        enforcer.checks.add(List.of(new TamperChange("IPv4", "filter", "INPUT", "-j ACCEPT", "foreign_rule")));
        for (int i = 0; i < 3; i++) enforcer.repairDigests.add("moving-" + i);
        a.watchOnce();
        assertThat(enforcer.repairs).isEqualTo(3);
        AgentEvent e = a.pendingEvents().get(a.pendingEvents().size() - 1);
        assertThat(e.status()).isEqualTo("failure");
        assertThat(e.info().get("remaining").asText()).contains("kept changing");
    }

    @Test
    void anUntouchedFirewallRaisesNothing() {
        Agent a = activated();
        pce.serve(policy(1));
        a.syncOnce();
        int before = a.queuedEvents();
        assertThat(a.watchOnce()).isEmpty();
        assertThat(enforcer.repairs).isZero();
        assertThat(a.queuedEvents()).isEqualTo(before);
    }

    @Test
    void nothingIsWatchedBeforeAnythingWasApplied() {
        Agent a = activated();
        assertThat(a.watchOnce()).isEmpty();
        assertThat(log.calls).doesNotContain("check");
    }

    @Test
    void aRepairTheKernelRefusesIsReportedAsFailureAndSyncError() {
        Agent a = activated();
        pce.serve(policy(1));
        a.syncOnce();
        enforcer.checks.add(List.of(new TamperChange("IPv4", "filter", "CORDON-INPUT", "", "chain_flushed")));
        enforcer.failRepair = refused();
        a.watchOnce();
        AgentEvent e = a.pendingEvents().get(a.pendingEvents().size() - 1);
        assertThat(e.status()).isEqualTo("failure");
        assertThat(e.info().get("repair_error").asText()).contains("line 7");
        assertThat(a.syncState()).isEqualTo(SyncState.ERROR);
    }

    // ---- deprecated settings ----

    @Test
    void legacyCoexistenceSettingsAreIgnoredWithExactlyOneNotice() throws Exception {
        Path env = Files.writeString(dir.resolve("cordon-ven"), "# old agent settings\nCORDON_NAT_COEXISTENCE=1\n");
        Path local = Files.writeString(dir.resolve("ven.env"), "export CORDON_CONTAINER_COEXISTENCE=1\nOTHER=2\n");
        cfg = cfg.withLegacyEnvFiles(List.of(env, local, dir.resolve("missing")));
        Agent a = agent();
        assertThat(a.checkLegacySettings()).get().asString()
                .contains("CORDON_NAT_COEXISTENCE", "CORDON_CONTAINER_COEXISTENCE", "ignoring").doesNotContain("OTHER");
        assertThat(a.checkLegacySettings()).isEmpty();
    }

    @Test
    void withoutLegacySettingsThereIsNoNotice() {
        assertThat(agent().checkLegacySettings()).isEmpty();
    }

    // ---- the loop ----

    @Test
    void aPceThatAnswersNoChangeAtOnceIsNotPolledInATightLoop() {
        Thread test = Thread.currentThread();
        List<Duration> syncSleeps = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch never = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) pce.polls.addLast(java.util.Optional::empty);
        Agent a = new Agent(cfg, pce, enforcer, () -> HOST, state, d -> {
            if (Thread.currentThread() == test) syncSleeps.add(d);
            else never.await();
        });
        pce.whenPollsRunOut = a::stop;
        a.run();
        assertThat(syncSleeps).containsExactly(cfg.backoffMin(), cfg.backoffMin(), cfg.backoffMin());
    }

    /** A 429/503 with Retry-After (a lockout, a full node) is waited out, never a crash and never polled sooner. */
    @Test
    void aThrottledPceIsAskedAgainAfterItsRetryAfterAndTheAgentKeepsRunning() {
        Thread test = Thread.currentThread();
        List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch never = new CountDownLatch(1);
        cfg = cfg.withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4));
        pce.activationFailure = PceException.retryLater(PceException.Kind.THROTTLED, 429,
                "activation: the PCE answered 429: Too many failed activation code authentications", Duration.ofSeconds(7));
        pce.polls.addLast(() -> {
            throw PceException.retryLater(PceException.Kind.THROTTLED, 429,
                    "policy poll: the PCE answered 429: too many parked polls", Duration.ofSeconds(10));
        });
        pce.polls.addLast(() -> {
            throw PceException.retryLater(PceException.Kind.SERVER, 503, "policy poll: the PCE answered 503: busy",
                    Duration.ofSeconds(20));
        });
        pce.serve(policy(1));
        Agent a = new Agent(cfg, pce, enforcer, () -> HOST, state, d -> {
            if (Thread.currentThread() != test) never.await();
            sleeps.add(d);
            pce.activationFailure = null;
        });
        pce.whenPollsRunOut = a::stop;
        a.run();
        assertThat(sleeps).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(10), Duration.ofSeconds(20));
        assertThat(enforcer.applied).containsExactly(policy(1));
    }

    @Test
    void theSyncLoopBacksOffWhileThePceIsDownAndCatchesUpWhenItReturns() throws Exception {
        Thread test = Thread.currentThread();
        List<Duration> syncSleeps = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch never = new CountDownLatch(1);
        cfg = cfg.withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4));
        pce.serve(policy(1));
        for (int i = 0; i < 5; i++) pce.failPoll();
        pce.serve(policy(2));
        Agent a = new Agent(cfg, pce, enforcer, () -> HOST, state, d -> {
            if (Thread.currentThread() == test) syncSleeps.add(d);
            else never.await(); // the daemons wait until stop() interrupts them
        });
        pce.whenPollsRunOut = a::stop;
        a.run();
        assertThat(syncSleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(4), Duration.ofSeconds(4));
        assertThat(enforcer.applied).containsExactly(policy(1), policy(2));
        assertThat(log.calls).doesNotContain("remove");
        assertThat(a.running()).isFalse();
    }

    // ---- unpaired by the PCE ----

    @Test
    void unpairedByThePceRestoresTheSavedFirewallForgetsThePairingAndAppliesNothingMore() {
        Agent a = activated();
        assertThat(a.applyPolicy(policy(1))).isTrue();
        log.calls.clear();
        assertThat(a.unpairAsTold(PceException.unpaired("unpaired by an admin", FirewallRestore.SAVED))).isTrue();
        assertThat(log.calls).containsExactly("restore");
        assertThat(state.identity()).isEmpty();
        assertThat(state.lastGoodPolicy()).isEmpty();
        assertThat(a.applyPolicy(policy(2))).as("nothing is applied once unpaired").isFalse();
        enforcer.checks.add(List.of(new TamperChange("IPv4", "filter", "INPUT", "-j ACCEPT", "foreign_rule")));
        assertThat(a.watchOnce()).as("nothing is repaired once unpaired").isEmpty();
        assertThat(log.calls).containsExactly("restore");
        assertThat(a.unpairAsTold(PceException.unpaired("again", FirewallRestore.DEFAULT))).as("only once").isFalse();
    }

    @Test
    void unpairedWithSavedButNothingSavedLeavesTheHostOpen() throws Exception {
        Agent a = activated();
        a.applyPolicy(policy(1));
        Files.walk(dir.resolve("state")).filter(f -> f.getFileName().toString().contains("firewall-before"))
                .forEach(f -> f.toFile().delete());
        assertThat(state.firewallBefore()).as("test setup: no saved firewall").isEmpty();
        log.calls.clear();
        assertThat(a.unpairAsTold(PceException.unpaired("unpaired", FirewallRestore.SAVED))).isTrue();
        assertThat(log.calls).containsExactly("open");
        assertThat(state.identity()).isEmpty();
    }

    @Test
    void aRefusedRestoreKeepsThePolicyAndStillStops() {
        Agent a = activated();
        a.applyPolicy(policy(1));
        enforcer.failOpen = refused();
        assertThat(a.unpairAsTold(PceException.unpaired("unpaired", FirewallRestore.DEFAULT))).isFalse();
        assertThat(state.identity()).as("the pairing is kept when the firewall could not be restored").isPresent();
        assertThat(state.lastGoodPolicy()).isPresent();
        assertThat(a.applyPolicy(policy(2))).as("stopping: nothing more is applied").isFalse();
    }
}
