package dev.cordon.pce;

import dev.cordon.pce.api.ClientSource;
import dev.cordon.pce.api.kit.Guard;
import dev.cordon.pce.api.Routes;
import dev.cordon.pce.api.jobs.JobEndpoints;
import dev.cordon.pce.api.settings.SettingsEndpoints;
import dev.cordon.pce.api.unsupported.UnsupportedEndpoints;
import dev.cordon.pce.jobs.AsyncJobs;
import dev.cordon.pce.settings.Timers;
import dev.cordon.pce.settings.WorkloadSettings;
import dev.cordon.pce.api.limits.JsonErrorHandler;
import dev.cordon.pce.api.limits.RequestLimits;
import dev.cordon.pce.api.labels.LabelChecks;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.objects.ObjectService;
import dev.cordon.pce.objects.PolicyObjectChecks;
import dev.cordon.pce.api.objects.VersionedReads;
import dev.cordon.pce.api.rulesets.NestedRules;
import dev.cordon.pce.api.rulesets.RuleSetChecks;
import dev.cordon.pce.objects.WorkloadChecks;
import dev.cordon.pce.api.workloads.WorkloadView;
import dev.cordon.pce.auth.AccessControl;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.cluster.Cluster;
import dev.cordon.pce.auth.throttle.Throttles;
import dev.cordon.pce.events.EventRetention;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.explain.PolicyCheck;
import dev.cordon.pce.policy.PolicyParts;
import dev.cordon.pce.store.DataDirModes;
import dev.cordon.pce.store.Store;
import dev.cordon.pce.tls.SelfSignedTls;
import dev.cordon.pce.ven.AgentEvents;
import dev.cordon.pce.ven.AgentTokens;
import dev.cordon.pce.ven.Goodbyes;
import dev.cordon.pce.ven.Heartbeats;
import dev.cordon.pce.ven.OfflineSweep;
import dev.cordon.pce.ven.OfflineTimers;
import dev.cordon.pce.ven.PairingProfileChecks;
import dev.cordon.pce.ven.PolicyLongPoll;
import dev.cordon.pce.ven.VenActivation;
import dev.cordon.pce.ven.VenAdmin;
import dev.cordon.pce.ven.VenKinds;
import dev.cordon.pce.ven.Vens;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import dev.cordon.policy.compile.Endpoint;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The PCE server: the REST API, the VEN protocol, and the store behind them.
 *
 * <pre>
 *   PceServer pce = new PceServer(new PceServer.Config(Path.of("/var/lib/cordon"), null, "0.0.0.0", 8443, false));
 *   pce.start();            // HTTPS with a self-signed certificate in the data dir
 *   pce.port();             // the bound port (useful with port 0)
 *   pce.stop();
 * </pre>
 *
 * <p>Wiring only: every collaborator is built here, once, from the {@link Config}; routes are declared in
 * {@link Routes}. On first start the store gets org 1 with its built-ins and policy version 1, and the owner's API
 * key is written to {@code <data>/owner-api-key} (mode 0600, one line {@code auth_username:secret}).
 */
public final class PceServer implements AutoCloseable {
    /**
     * How to run the PCE. {@code jdbcUrl} null means an H2 file in {@code dataDir}; a {@code jdbc:postgresql:} URL
     * selects PostgreSQL. {@code plainHttp} is allowed only on a loopback host. The clock is injected so tests control
     * time; {@code heartbeatTimeout} is how long a VEN may stay silent before it is reported; {@code resyncInterval}
     * is how often a node sharing PostgreSQL with others compares its active version with the database, the bound on
     * a lost notification (default 5 s). {@code advertise} lists the addresses (or CIDRs) and ports VENs use to
     * reach the PCE — a load balancer, every node of a multi-node PCE — and becomes every policy's control plane;
     * empty means "the address and port this node received the VEN's request on". {@code limits} bounds event
     * retention and parked long polls (null: {@link Limits#DEFAULTS}); {@code requestLimits} caps request bodies and
     * headers (null: {@link RequestLimits.Limits#DEFAULTS}); {@code offlineTimers} say when a silent VEN's workload
     * is offline (null: the org's workload settings, {@code GET/PUT /orgs/{org}/settings/workloads}, whose
     * default is {@link #DEFAULT_OFFLINE_TIMEOUT}).
     */
    public record Config(Path dataDir, String jdbcUrl, String host, int port, boolean plainHttp, Clock clock,
                         Duration heartbeatTimeout, Duration resyncInterval, List<Endpoint> advertise, Limits limits,
                         RequestLimits.Limits requestLimits, OfflineTimers offlineTimers) {
        /** Illumio's default disconnected timer: a workload whose VEN is silent for an hour is offline. */
        public static final Duration DEFAULT_OFFLINE_TIMEOUT = Duration.ofHours(1);

        public Config {
            if (requestLimits == null) requestLimits = RequestLimits.Limits.DEFAULTS;
            advertise = advertise == null ? List.of() : List.copyOf(advertise);
            if (limits == null) limits = Limits.DEFAULTS;
            Objects.requireNonNull(dataDir, "dataDir: give the directory for the database, key and certificate");
            if (host == null || host.isBlank()) host = "0.0.0.0";
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Port " + port + " is out of range: use 0-65535 (0 picks a free port).");
            }
            if (plainHttp && !isLoopback(host)) {
                throw new IllegalArgumentException("Plain HTTP is allowed only on a loopback address; " + host
                        + " is not one. Drop the plain-HTTP option (HTTPS is the default) or listen on 127.0.0.1.");
            }
            if (clock == null) clock = Clock.systemUTC();
            if (heartbeatTimeout == null || heartbeatTimeout.isNegative() || heartbeatTimeout.isZero()) {
                heartbeatTimeout = Duration.ofMinutes(10);
            }
            if (resyncInterval == null || resyncInterval.isNegative() || resyncInterval.isZero()) {
                resyncInterval = Duration.ofSeconds(5);
            }
        }

        public Config(Path dataDir, String jdbcUrl, String host, int port, boolean plainHttp) {
            this(dataDir, jdbcUrl, host, port, plainHttp, Clock.systemUTC(), Duration.ofMinutes(10), Duration.ofSeconds(5),
                    List.of(), Limits.DEFAULTS, RequestLimits.Limits.DEFAULTS, null);
        }

        public Config withClock(Clock c) {
            return new Config(dataDir, jdbcUrl, host, port, plainHttp, c, heartbeatTimeout, resyncInterval, advertise, limits, requestLimits,
                    offlineTimers);
        }

        public Config withHeartbeatTimeout(Duration d) {
            return new Config(dataDir, jdbcUrl, host, port, plainHttp, clock, d, resyncInterval, advertise, limits, requestLimits,
                    offlineTimers);
        }

        public Config withResyncInterval(Duration d) {
            return new Config(dataDir, jdbcUrl, host, port, plainHttp, clock, heartbeatTimeout, d, advertise, limits, requestLimits,
                    offlineTimers);
        }

        public Config withAdvertise(List<Endpoint> endpoints) {
            return new Config(dataDir, jdbcUrl, host, port, plainHttp, clock, heartbeatTimeout, resyncInterval, endpoints, limits, requestLimits,
                    offlineTimers);
        }

        /** The offline timers (SPEC §10): how long a VEN may be silent before its workload is offline. */
        public Config withOfflineTimers(OfflineTimers t) {
            return new Config(dataDir, jdbcUrl, host, port, plainHttp, clock, heartbeatTimeout, resyncInterval, advertise,
                    limits, requestLimits, t);
        }

        /** The abuse and growth bounds ({@link Limits}). */
        public Config withLimits(Limits l) {
            return new Config(dataDir, jdbcUrl, host, port, plainHttp, clock, heartbeatTimeout, resyncInterval, advertise, l,
                    requestLimits, offlineTimers);
        }

        /** Caps on request body and header sizes (see {@link RequestLimits.Limits} for the defaults). */
        public Config withRequestLimits(RequestLimits.Limits l) {
            return new Config(dataDir, jdbcUrl, host, port, plainHttp, clock, heartbeatTimeout, resyncInterval, advertise,
                    limits, l, offlineTimers);
        }

        /**
         * Parses one advertised endpoint: {@code ADDRESS:PORT}, {@code CIDR:PORT} or {@code [IPv6]:PORT}. Names are
         * refused: the VEN's firewall matches addresses, and a name's addresses may change under it.
         */
        public static Endpoint endpoint(String text) {
            String t = text == null ? "" : text.strip();
            int colon = t.lastIndexOf(':');
            String how = " Give ADDRESS:PORT, CIDR:PORT or [IPv6]:PORT, e.g. 192.0.2.10:8443 or [2001:db8::10]:8443.";
            if (colon <= 0 || colon == t.length() - 1) throw new IllegalArgumentException("'" + t + "' has no port." + how);
            String address = t.substring(0, colon);
            if (address.startsWith("[") && address.endsWith("]")) address = address.substring(1, address.length() - 1);
            else if (address.contains(":")) throw new IllegalArgumentException("'" + t + "': write an IPv6 address in brackets." + how);
            int p;
            try {
                p = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + t + "': the port must be a number." + how);
            }
            if (p < 1 || p > 65535) throw new IllegalArgumentException("'" + t + "': the port must be 1-65535." + how);
            if (!new inet.ipaddr.IPAddressString(address).isIPAddress()) {
                throw new IllegalArgumentException("'" + t + "': '" + address + "' is not an IP address or CIDR"
                        + " (names are not allowed: the firewall matches addresses)." + how);
            }
            return new Endpoint(address, p);
        }

        private static boolean isLoopback(String host) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }

    private final Config config;
    private final PrintStream out;
    private Store store;
    private Javalin app;
    private WorkloadSettings workloadSettings;
    private Vens vens;
    private Cluster cluster;
    private java.util.concurrent.ScheduledExecutorService resync;
    private ServerConnector tlsConnector;
    private SelfSignedTls tls;
    private Throttles throttles;
    private EventRetention retention;
    private dev.cordon.pce.traffic.Traffic traffic;
    private java.util.concurrent.ScheduledExecutorService housekeeping;
    private volatile java.time.Instant lastRetentionSweep;

    public PceServer(Config config) {
        this(config, System.out);
    }

    /** {@code out} receives the one-time notice of where the owner's API key was written. */
    public PceServer(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    public synchronized PceServer start() {
        if (app != null) throw new IllegalStateException("The PCE is already started.");
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the data directory " + config.dataDir() + ": " + e.getMessage(), e);
        }
        DataDirModes.restrict(config.dataDir());
        Clock clock = config.clock();
        store = Store.open(config.dataDir(), config.jdbcUrl());
        cluster = Cluster.of(store);
        Events events = new Events(store, clock);
        throttles = Throttles.of(events, clock);
        retention = new EventRetention(store, clock, config.limits().eventRetention(), config.limits().maxEvents());
        AccessControl access = new AccessControl(store, events, clock, throttles.apiKeys());
        PolicyParts policy = PolicyParts.wire(store, events, clock, cluster);
        ObjectService objects = new ObjectService(store, events, clock, policy.active()::liveChanged);
        objects.register(Kind.LABEL, new LabelChecks(store, policy.documents()));
        objects.register(Kind.WORKLOAD, new WorkloadChecks(store, policy.documents()));
        for (Kind k : new Kind[] {Kind.LABEL_GROUP, Kind.IP_LIST, Kind.SERVICE, Kind.VIRTUAL_SERVICE, Kind.FIREWALL_SETTINGS}) {
            objects.register(k, new PolicyObjectChecks(store, policy.documents(), k));
        }
        objects.register(Kind.RULE_SET, new RuleSetChecks(store, policy.documents(), access, clock));
        objects.register(Kind.SERVICE_BINDING, new dev.cordon.pce.api.bindings.ServiceBindingChecks(store, policy.documents()));
        workloadSettings = new WorkloadSettings(store, events, clock); // the offline timers: OfflineSweep reads them
        vens = wireVens(events, policy, objects, clock);
        firstStart(access, policy);
        traffic = dev.cordon.pce.traffic.Traffic.of(store, policy.engines(), events, clock,
                Duration.ofDays(config.limits().trafficRetentionDays()), config.limits().maxTrafficFlows());
        vens.heartbeats().answerWith(traffic.reporting()); // VENs that report traffic learn their level and rate
        if (cluster.isMultiNode()) {
            resync = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cordon-cluster-resync");
                t.setDaemon(true);
                return t;
            });
            resync.scheduleWithFixedDelay(() -> {
                try {
                    policy.active().resyncActiveVersions();
                } catch (RuntimeException e) {
                    // the database is away for a moment; the next round tries again
                }
            }, config.resyncInterval().toMillis(), config.resyncInterval().toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        housekeeping = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cordon-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(this::sweepQuietly, 10, 10, java.util.concurrent.TimeUnit.SECONDS);

        // the console names its browsers' addresses to the API with this proof (api.ClientSource)
        String consoleProof = dev.cordon.pce.auth.Secrets.random(16);
        VersionedReads reads = new VersionedReads(store, policy.documents());
        Routes routes = new Routes(access, objects, reads, new NestedRules(store, objects, reads, clock), policy,
                new PolicyCheck(policy.engines()), events, vens, new WorkloadView(policy.documents(), vens.heartbeats()), store, throttles,
                new ClientSource(consoleProof), traffic);
        Guard guard = new Guard(access, store);
        routes.add(new SettingsEndpoints(guard, workloadSettings))
                .add(new JobEndpoints(guard, new AsyncJobs(store, clock))).add(new UnsupportedEndpoints(guard))
                .add(new dev.cordon.pce.api.workloads.BulkWorkloads(guard, objects))
                .add(new dev.cordon.pce.api.bindings.ServiceBindingEndpoints(guard, objects, store))
                .add(new dev.cordon.pce.api.boundaries.EnforcementBoundaryEndpoints(guard, new dev.cordon.pce.api
                        .boundaries.EnforcementBoundaries(store, objects, reads, new NestedRules(store, objects, reads, clock))));
        if (!config.plainHttp()) tls = SelfSignedTls.ensure(config.dataDir(), config.host(), clock);
        DataDirModes.restrict(config.dataDir()); // again: the database and TLS files now exist
        app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.asyncTimeout = 0;
            cfg.router.apiBuilder(routes::endpoints);
            // Javalin refuses bodies over this before a handler reads them; RequestLimits applies the smaller general
            // cap to every endpoint but the import
            cfg.http.maxRequestSize = config.requestLimits().maxImportBytes();
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            // Jetty keeps a header-field cache in each connection's parser (1,024 entries by default). A PCE holds one
            // connection per VEN: at 10,000 VENs those caches were ~1 GB of live heap that every collection had to
            // walk. Without them a request's few headers cost a few short strings.
            cfg.jetty.modifyHttpConfiguration(http -> {
                http.setHeaderCacheSize(0);
                http.setRequestHeaderSize(config.requestLimits().maxHeaderBytes());
            });
            if (tls != null) {
                cfg.jetty.addConnector((server, httpConfig) -> {
                    SslContextFactory.Server ssl = new SslContextFactory.Server();
                    ssl.setKeyStorePath(tls.keystore().toString());
                    ssl.setKeyStorePassword(tls.password());
                    ssl.setKeyStoreType("PKCS12");
                    HttpConfiguration https = new HttpConfiguration(httpConfig);
                    https.addCustomizer(new SecureRequestCustomizer(false));
                    ServerConnector c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                            new HttpConnectionFactory(https));
                    c.setHost(config.host());
                    c.setPort(config.port());
                    tlsConnector = c;
                    return c;
                });
            }
        });
        new RequestLimits(config.requestLimits()).register(app); // first: before authentication reads anything
        routes.register(app);
        dev.cordon.pce.console.Console.register(app, new dev.cordon.pce.console.infra.ConsoleConfig(this::baseUrl,
                this::certificateFile).withClientProof(consoleProof));
        if (tls != null) app.start();
        else app.start(config.host(), config.port());
        return this;
    }

    /**
     * The VEN side, wired once. Each box is one service with its own state (its class comment says which thread owns
     * what and what guards it); an arrow is a call, or a subscription where it says so:
     *
     * <pre>
     *   Routes ── activate, pairing keys ──▶ VenActivation ── issue token ──▶ AgentTokens
     *   Routes ── every VEN request ───────▶ AgentTokens.authenticate ──▶ Agent
     *   Routes ── GET /ven/policy ─────────▶ PolicyLongPoll ◀── onChange (subscribed) ── ActiveEngine
     *   Routes ── heartbeat, VEN views ────▶ Heartbeats ── lastServed ──▶ PolicyLongPoll
     *   Routes ── agent events ────────────▶ AgentEvents
     *   Routes ── update, unpair ──────────▶ VenAdmin ── forget, release ──▶ AgentTokens, PolicyLongPoll, Heartbeats
     *                                                └─ publish VEN ──▶ Cluster
     *   Heartbeats' sweep ── publish MISSED ──▶ Cluster
     *   Heartbeats ── start, backOnline ──▶ OfflineSweep ── liveChanged ──▶ ActiveEngine; publish MISSED ──▶ Cluster
     *   Cluster (other nodes) ── changed (subscribed) ──▶ AgentTokens, Heartbeats, PolicyLongPoll
     *   VenActivation, VenAdmin ── liveChanged ──▶ ActiveEngine
     * </pre>
     *
     * Cluster subscribers run in the order above: a VEN suspended on another node is forgotten by the token cache
     * before its parked polls are answered, so their next request reads its new status.
     */
    private Vens wireVens(Events events, PolicyParts policy, ObjectService objects, Clock clock) {
        objects.register(VenKinds.PAIRING_PROFILE, new PairingProfileChecks(store));
        AgentTokens tokens = new AgentTokens(store);
        PolicyLongPoll polls = new PolicyLongPoll(policy.active(), config.advertise(), config.limits().maxParkedPolls(),
                config.limits().maxParkedPollsPerVen());
        OfflineTimers timers = config.offlineTimers() != null ? config.offlineTimers()
                : OfflineTimers.perOrg(workloadSettings::timers, Timers::disconnectedSeconds, Timers::goodbyeSeconds);
        OfflineSweep offline = new OfflineSweep(store, events, clock, timers, cluster, policy.active()::liveChanged);
        Heartbeats heartbeats = new Heartbeats(store, events, clock, config.heartbeatTimeout(), cluster, polls::lastServed,
                offline);
        cluster.subscribe(tokens::changed);
        cluster.subscribe(heartbeats::changed);
        cluster.subscribe(polls::changed);
        policy.active().onChange(polls::policyChanged);
        return new Vens(new VenActivation(store, events, policy.active(), tokens, clock), tokens, polls, heartbeats,
                new AgentEvents(store, events), new VenAdmin(store, events, policy.active(), clock, cluster, tokens, polls, heartbeats),
                new Goodbyes(store, events, clock, cluster, heartbeats));
    }

    private void firstStart(AccessControl access, PolicyParts policy) {
        if (store.orgs().exists(1)) return;
        boolean created = store.write(() -> {
            if (store.orgs().exists(1)) return false; // another PCE node on this database started first
            store.orgs().create(1, "Default", dev.cordon.pce.core.Json.now(config.clock()));
            policy.bootstrap().initOrg(1, Principal.SYSTEM);
            String line = access.bootstrapOwner();
            Path key = ownerKeyFile();
            try {
                Files.deleteIfExists(key);
                Files.createFile(key);
                try {
                    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system
                }
                Files.writeString(key, line + "\n");
            } catch (IOException e) {
                throw new IllegalStateException("Cannot write the owner's API key to " + key + ": " + e.getMessage(), e);
            }
            return true;
        });
        if (!created) return;
        out.println("Cordon PCE: the owner's API key (auth_username:secret) was written to " + ownerKeyFile().toAbsolutePath());
    }

    /** The port the server listens on (the real one when the config asked for 0). */
    public int port() {
        if (tlsConnector != null) return tlsConnector.getLocalPort();
        return app.port();
    }

    /** {@code https://host:port} or {@code http://host:port}; a wildcard host is shown as 127.0.0.1. */
    public String baseUrl() {
        String h = config.host().equals("0.0.0.0") || config.host().equals("::") ? "127.0.0.1" : config.host();
        if (h.contains(":")) h = "[" + h + "]";
        return (tlsConnector != null ? "https://" : "http://") + h + ":" + port();
    }

    public Path ownerKeyFile() {
        return config.dataDir().resolve("owner-api-key");
    }

    /** The PEM certificate clients should trust, or null with plain HTTP. */
    public Path certificateFile() {
        return tls == null ? null : tls.certificate();
    }

    public Config config() {
        return config;
    }

    /** The started server's store, for a benchmark's child process that seeds it directly (ConsoleBench). */
    public Store store() {
        return store;
    }

    /** This node's id among the PCE nodes sharing a PostgreSQL database; null on H2 (always a single node). */
    public String node() {
        return cluster != null && cluster.isMultiNode() ? cluster.node() : null;
    }

    /** The VEN side's pieces (long-poll counts, the heartbeat sweep, agent tokens) for tests and benchmarks. */
    public Vens vens() {
        return vens;
    }

    /**
     * The housekeeping round, now: writes the failed-authentication tallies whose interval ended, and sweeps the
     * events beyond retention or cap. The timer runs it every 10 s (the event sweep at most once a minute by the
     * PCE's clock); tests call it after moving their clock. Returns what the event sweep removed.
     */
    public EventRetention.Swept sweep() {
        throttles.log().flushDue();
        lastRetentionSweep = config.clock().instant();
        EventRetention.Swept swept = retention.sweep();
        traffic.retention().sweep();
        return swept;
    }

    /** Traffic visibility (ingest, queries, retention) for tests and benchmarks. */
    public dev.cordon.pce.traffic.Traffic traffic() {
        return traffic;
    }

    private void sweepQuietly() {
        try {
            throttles.log().flushDue();
            java.time.Instant last = lastRetentionSweep;
            if (last == null || !config.clock().instant().isBefore(last.plusSeconds(60))) sweep();
        } catch (RuntimeException e) {
            // the database is away for a moment; the next round tries again
        }
    }

    public synchronized void stop() {
        if (app != null) {
            app.stop();
            app = null;
        }
        if (housekeeping != null) {
            housekeeping.shutdownNow();
            housekeeping = null;
        }
        if (throttles != null && store != null) {
            try {
                throttles.log().flushAll();
            } catch (RuntimeException e) {
                // stopping: a tally that cannot be written is lost, as it would be on a crash
            }
        }
        if (resync != null) {
            resync.shutdownNow();
            resync = null;
        }
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
        if (vens != null) {
            vens.heartbeats().close();
            vens.polls().close();
            vens = null;
        }
        if (traffic != null) {
            traffic.close();
            traffic = null;
        }
        if (store != null) {
            store.close();
            store = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
