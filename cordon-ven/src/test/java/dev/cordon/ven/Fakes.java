package dev.cordon.ven;

import dev.cordon.dataplane.DataplaneException;
import dev.cordon.dataplane.SavedFirewall;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.Endpoint;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.WorkloadRef;
import dev.cordon.policy.model.EnforcementMode;
import dev.cordon.ven.enforce.AppliedSnapshot;
import dev.cordon.ven.enforce.Enforcer;
import dev.cordon.ven.enforce.TamperChange;
import dev.cordon.ven.pce.Activation;
import dev.cordon.protocol.ActivationRequest;
import dev.cordon.protocol.AgentEvent;
import dev.cordon.protocol.Goodbye;
import dev.cordon.protocol.Heartbeat;
import dev.cordon.ven.pce.PceClient;
import dev.cordon.ven.pce.PceException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Fakes for the agent's two seams, sharing one call log so tests can assert the order of effects. */
final class Fakes {
    private Fakes() {}

    /** A policy for workload w1; {@code n} makes its content (and hash) differ. */
    static FirewallPolicy policy(int n) {
        return policy(n, Coexistence.EXCLUSIVE);
    }

    static FirewallPolicy policy(int n, Coexistence c) {
        return FirewallPolicy.of(new WorkloadRef("/orgs/1/workloads/w1", "w1"), n, EnforcementMode.FULL, c,
                List.of(), List.of(), List.of(), List.of(), List.of(new Endpoint("192.0.2.1", 8000 + n)));
    }

    static final class Log {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        void add(String s) {
            calls.add(s);
        }
    }

    static final class FakeEnforcer implements Enforcer {
        final Log log;
        AppliedSnapshot current;
        FirewallPolicy currentPolicy;
        final List<FirewallPolicy> applied = new ArrayList<>();
        DataplaneException failApply;
        DataplaneException failRepair;
        DataplaneException failOpen;
        final Deque<List<TamperChange>> checks = new ArrayDeque<>();
        /** Digests the next repairs read back (default: the applied one, i.e. an untouched repair). */
        final Deque<String> repairDigests = new ArrayDeque<>();
        int repairs;
        /** What the fake kernel's other firewalls make impossible (the dataplane's coexistence issues). */
        List<dev.cordon.protocol.Health> coexistence = List.of();
        /** Runs inside {@link #open()}, e.g. a signal arriving while the firewall is being restored. */
        Runnable onOpen = () -> {};
        SavedFirewall saved = new SavedFirewall("iptables", "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n", "");

        FakeEnforcer(Log log) {
            this.log = log;
        }

        @Override
        public String backend() {
            return "fake";
        }

        @Override
        public AppliedSnapshot apply(FirewallPolicy p) {
            log.add("apply " + p.hash());
            if (failApply != null) throw failApply;
            applied.add(p);
            currentPolicy = p;
            current = new AppliedSnapshot("fake", p.hash(), p.coexistence().wire(), "{\"hash\":\"" + p.hash() + "\"}",
                    "owned " + p.hash());
            return current;
        }

        @Override
        public Optional<AppliedSnapshot> current() {
            return Optional.ofNullable(current);
        }

        @Override
        public List<dev.cordon.protocol.Health> coexistenceHealth() {
            return coexistence;
        }

        @Override
        public List<TamperChange> check() {
            log.add("check");
            return checks.isEmpty() ? List.of() : checks.removeFirst();
        }

        @Override
        public AppliedSnapshot repair() {
            log.add("repair");
            repairs++;
            if (failRepair != null) throw failRepair;
            if (!repairDigests.isEmpty()) {
                return new AppliedSnapshot(current.backend(), current.policyHash(), current.coexistence(), current.json(),
                        repairDigests.removeFirst());
            }
            return current;
        }

        @Override
        public void remove() {
            log.add("remove");
            current = null;
        }

        @Override
        public SavedFirewall save() {
            log.add("save");
            return saved;
        }

        @Override
        public void restore(SavedFirewall s) {
            log.add("restore");
        }

        @Override
        public void open() {
            log.add("open");
            onOpen.run();
            if (failOpen != null) throw failOpen;
        }
    }

    static final class FakePce implements PceClient {
        final Log log;
        /** Answers to the next polls: a policy, empty (304), or a supplier that throws. */
        final Deque<Supplier<Optional<FirewallPolicy>>> polls = new ArrayDeque<>();
        final List<String> knownHashes = new ArrayList<>();
        final List<Heartbeat> heartbeats = new ArrayList<>();
        final List<AgentEvent> events = new ArrayList<>();
        final List<ActivationRequest> activations = new ArrayList<>();
        final List<Goodbye> goodbyes = new ArrayList<>();
        final List<Duration> goodbyeBounds = new ArrayList<>();
        boolean unreachable;
        PceException activationFailure;
        String token;
        String pin;
        Runnable whenPollsRunOut = () -> {};

        FakePce(Log log) {
            this.log = log;
        }

        void serve(FirewallPolicy p) {
            polls.addLast(() -> Optional.of(p));
        }

        void failPoll() {
            polls.addLast(() -> {
                throw down();
            });
        }

        static PceException down() {
            return new PceException(PceException.Kind.UNREACHABLE, 0, "connection refused");
        }

        @Override
        public Activation activate(ActivationRequest r) {
            log.add("activate");
            if (activationFailure != null) throw activationFailure;
            if (unreachable) throw down();
            activations.add(r);
            return new Activation("/orgs/1/vens/v1", "/orgs/1/workloads/w1", "tok.secret", "ab".repeat(32));
        }

        @Override
        public void useCredentials(String agentToken, String certificateSha256) {
            log.add("credentials");
            token = agentToken;
            pin = certificateSha256;
        }

        @Override
        public Optional<FirewallPolicy> fetchPolicy(String knownHash, Duration wait) {
            log.add("poll " + knownHash);
            knownHashes.add(knownHash);
            if (unreachable) throw down();
            if (polls.isEmpty()) {
                whenPollsRunOut.run();
                return Optional.empty();
            }
            return polls.removeFirst().get();
        }

        @Override
        public void heartbeat(Heartbeat hb) {
            log.add("heartbeat " + hb.syncState());
            if (unreachable) throw down();
            heartbeats.add(hb);
        }

        @Override
        public void uploadEvents(List<AgentEvent> e) {
            log.add("events " + e.size());
            if (unreachable) throw down();
            events.addAll(e);
        }

        @Override
        public void goodbye(Goodbye g, Duration within) {
            log.add("goodbye " + g.reason());
            goodbyeBounds.add(within);
            if (unreachable) throw down();
            goodbyes.add(g);
        }
    }
}
