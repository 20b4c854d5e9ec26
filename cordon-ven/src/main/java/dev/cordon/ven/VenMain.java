package dev.cordon.ven;

import dev.cordon.dataplane.DataplaneException;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.dataplane.exec.ProcessCommandRunner;
import dev.cordon.ven.enforce.DataplaneEnforcer;
import dev.cordon.ven.enforce.FirewallRestore;
import dev.cordon.ven.flows.FlowService;
import dev.cordon.ven.flows.FlowSpool;
import dev.cordon.ven.host.HostProbe;
import dev.cordon.ven.pce.HttpPceClient;
import dev.cordon.ven.state.StateDir;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry the CLI calls for {@code cordon ven}: wires the real collaborators (HTTP client with certificate
 * pinning, the dataplane through a command runner on the host or inside {@code --netns}, the state directory) into
 * an {@link Agent}, runs it until SIGTERM/SIGINT (then it stops gracefully: the loops end and the PCE gets a goodbye,
 * {@link Agent#stopGracefully()}), and returns an exit code. With {@link AgentConfig#unpair()} set it
 * unpairs locally instead and restores the firewall.
 *
 * <p>Exit codes: {@value #OK} stopped cleanly (or unpaired); {@value #FAILED} the agent cannot go on (activation
 * refused, firewall tools missing, state directory unusable); {@value #USAGE} bad arguments ({@link #main} only).
 */
public final class VenMain {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    private static final Logger log = LoggerFactory.getLogger(VenMain.class);

    private VenMain() {}

    /** Runs the VEN (or unpairs it) with {@code cfg}; returns the process exit code. */
    public static int run(AgentConfig cfg) {
        return run(cfg, Backends.Choice.AUTO);
    }

    /** Runs the VEN (or unpairs it) with {@code cfg} and the dataplane backend {@code backend} ({@code --dataplane}). */
    public static int run(AgentConfig cfg, Backends.Choice backend) {
        CommandRunner runner = cfg.netns() == null ? ProcessCommandRunner.host() : ProcessCommandRunner.inNamespace(cfg.netns());
        DataplaneEnforcer enforcer = new DataplaneEnforcer(Backends.create(runner, backend));
        StateDir state;
        try {
            state = StateDir.open(cfg.stateDir());
            enforcer.preflight();
        } catch (RuntimeException e) {
            log.error("cordon ven cannot start: {}", e.getMessage());
            return FAILED;
        }
        if (cfg.unpair() != null) return unpair(cfg, enforcer, state);

        Agent agent = wire(cfg, runner, enforcer, state);
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            log.info("stopping the VEN (signal); the firewall stays as it is");
            agent.stopGracefully();
            try {
                done.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cordon-ven-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            log.info("cordon ven {} starting: PCE {}, {}, {} dataplane, state in {}", Agent.VERSION, cfg.pce(),
                    runner.where(), enforcer.backend(), state.dir());
            agent.run();
            return OK;
        } catch (AgentException e) {
            log.error("cordon ven stops: {}", e.getMessage());
            return FAILED;
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running
            }
        }
    }

    /** The production wiring of an agent; tests that run VENs in-process use exactly this. */
    public static Agent wire(AgentConfig cfg, CommandRunner runner, DataplaneEnforcer enforcer, StateDir state) {
        HttpPceClient client = new HttpPceClient(cfg.pce(), null);
        HostProbe probe = new HostProbe(runner, cfg.hostname());
        java.util.function.Function<dev.cordon.policy.compile.FirewallPolicy, FlowService> flows =
                cfg.flowReportInterval().isZero() ? null : p -> FlowService.start(java.util.Optional.ofNullable(cfg.netns()),
                        localAddresses(probe.probe()), p, state.dir().resolve("flows"), FlowSpool.DEFAULT_MAX_BYTES,
                        cfg.flowReportInterval(), client, cfg.clock());
        return new Agent(cfg, client, enforcer, probe::probe, state, Sleeper.REAL, flows);
    }

    /** The workload's own addresses (what decides a flow's direction), canonical as the kernel events give them. */
    static java.util.Set<String> localAddresses(dev.cordon.ven.host.HostInfo h) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (var i : h.interfaces()) {
            String a = i.address();
            int slash = a.indexOf('/');
            String c = dev.cordon.policy.membership.AddrRanges.canonical(slash < 0 ? a : a.substring(0, slash));
            if (c != null) out.add(c);
        }
        return out;
    }

    /**
     * Unpairs locally: takes Cordon's state away and restores the firewall ({@code saved}: as it was before
     * activation; {@code default}: open), then forgets the pairing.
     */
    static int unpair(AgentConfig cfg, DataplaneEnforcer enforcer, StateDir state) {
        try {
            Unpair.perform(enforcer, state, cfg.unpair());
            log.info("unpaired: Cordon's rules removed, firewall restored ({})",
                    cfg.unpair().name().toLowerCase(java.util.Locale.ROOT));
            return OK;
        } catch (IllegalStateException | DataplaneException e) {
            log.error("unpair failed: {}", e.getMessage());
            return FAILED;
        }
    }

    /**
     * A minimal stand-alone entry (the {@code cordon} CLI is the normal one):
     * {@code --pce URL --activation-code CODE [--netns NAME] [--hostname NAME] [--state-dir DIR]
     * [--unpair saved|default] [--tamper-interval-ms N] [--poll-wait-seconds N] [--flow-report-interval SECONDS]}.
     */
    public static void main(String[] args) {
        String pce = null;
        String code = null;
        String netns = null;
        String hostname = null;
        Path stateDir = null;
        FirewallRestore unpair = null;
        Long tamperMs = null;
        Long pollWait = null;
        Backends.Choice backend = Backends.Choice.AUTO;
        Long flowInterval = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                if (v == null) throw new IllegalArgumentException(a + " needs a value");
                switch (a) {
                    case "--pce" -> pce = v;
                    case "--activation-code" -> code = v;
                    case "--netns" -> netns = v;
                    case "--hostname" -> hostname = v;
                    case "--state-dir" -> stateDir = Path.of(v);
                    case "--unpair" -> unpair = FirewallRestore.parse(v);
                    case "--tamper-interval-ms" -> tamperMs = Long.parseLong(v);
                    case "--poll-wait-seconds" -> pollWait = Long.parseLong(v);
                    case "--dataplane" -> backend = Backends.Choice.parse(v);
                    case "--flow-report-interval" -> flowInterval = Long.parseLong(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
                i++;
            }
            AgentConfig cfg = unpair != null ? AgentConfig.forUnpair(netns, stateDir, unpair)
                    : AgentConfig.of(pce, code, netns, hostname, stateDir);
            if (tamperMs != null || pollWait != null) {
                cfg = cfg.withIntervals(pollWait == null ? cfg.pollWait() : java.time.Duration.ofSeconds(pollWait),
                        tamperMs == null ? cfg.tamperInterval() : java.time.Duration.ofMillis(tamperMs),
                        cfg.heartbeatInterval());
            }
            if (flowInterval != null) cfg = cfg.withFlowReportInterval(java.time.Duration.ofSeconds(flowInterval));
            System.exit(run(cfg, backend));
        } catch (IllegalArgumentException e) {
            System.err.println("cordon ven: " + e.getMessage());
            System.err.println("usage: cordon ven --pce URL --activation-code CODE [--netns NAME] [--hostname NAME]"
                    + " [--state-dir DIR] [--dataplane auto|nftables|iptables] [--unpair saved|default]");
            System.exit(USAGE);
        }
    }
}
