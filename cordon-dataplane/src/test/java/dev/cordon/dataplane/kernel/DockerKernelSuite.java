package dev.cordon.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.TamperReport;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.harness.Dockerd;
import dev.cordon.policy.Engine;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.decide.Flow;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.policy.model.CoexistenceEntry;
import dev.cordon.policy.model.FirewallSettings;
import dev.cordon.policy.model.PolicyDocument;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real dockerd (Debian's docker.io) in the namespace of a fully enforced host, a container publishing
 * {@code -p 8080:80} (busybox httpd), and peers in other namespaces connecting to the host's address with real TCP.
 * SPEC §6 "Published ports": whatever the coexistence state, a peer reaches the published port exactly when
 * {@code policy_check} ({@link Engine#explain}) allows the flow to the host's address and port 8080. In coexistence,
 * container networking keeps working (the page from an allowed peer, the container reaching out) and Docker's own
 * rule changes (container start and stop, a daemon restart) are not tampering. Exclusive: Docker's rules are not
 * traversed (they are removed; the published port then leads nowhere, containers do not reach out, a container
 * cannot publish a port), and Docker writing them again at a daemon restart is tampering, reported and undone.
 *
 * <p>One dockerd per class (it takes seconds to start); the exclusive case runs last because it removes Docker's
 * rules, which only a daemon restart brings back. Run once per backend ({@link DockerIptablesKernelTest},
 * {@link DockerNftablesKernelTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DockerKernelSuite {
    /** The backend under test. */
    protected abstract Backends.Choice backend();

    private static final String PAGE = "cordon-docker-page";
    private static final String HOST = "10.4.0.1";
    private static final String GET = String.join("\n",
            "import socket, sys",
            "try:",
            "    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)",
            "    s.sendall(b'GET /index.html HTTP/1.0\\r\\n\\r\\n'); body = b''",
            "    while True:",
            "        d = s.recv(4096)",
            "        if not d: break",
            "        body += d",
            "    print(body.decode(errors='replace'))",
            "except Exception as e:",
            "    print('failed:', e)");

    private Lab lab;
    private Lab.Host host;
    private Lab.Host admin;
    private Lab.Host other;
    private Dockerd docker;
    private Dataplane dp;
    private PolicyDocument base;

    @BeforeAll
    void startDocker() {
        Dockerd.require();
        lab = Lab.create();
        try {
            host = lab.host(HOST);
            admin = lab.host("192.0.2.10");
            other = lab.host("192.0.2.11");
            other.listen(Set.of("tcp:7000"));
            docker = Dockerd.start(host.ns);
            docker.importBusybox(PAGE);
            docker.docker("run", "-d", "--name", "web", "--restart", "always", "--stop-timeout", "1", "-p", "8080:80", Dockerd.IMAGE,
                    "/bin/busybox", "httpd", "-f", "-p", "80", "-h", "/www");
            awaitPage();
            assertThat(get(admin, 8080)).as("before Cordon, a peer gets the container's page").contains(PAGE);
            assertThat(other.reaches(HOST, 8080, "tcp")).as("before Cordon, every peer reaches the published port").isTrue();
            assertThat(Backends.resolve(host.runner(), Backends.Choice.AUTO))
                    .as("--dataplane auto picks nftables on a Docker host too (both backends judge published ports)")
                    .isEqualTo(Backends.Choice.NFTABLES);
            base = document();
        } catch (RuntimeException | Error e) {
            stopDocker();
            throw e;
        }
    }

    @AfterAll
    void stopDocker() {
        try {
            if (docker != null) docker.close();
        } finally {
            if (lab != null) lab.close();
        }
    }

    @AfterEach
    void removeCordon() {
        if (dp != null) dp.remove();
        dp = null;
    }

    @Test
    @Order(1)
    void primaryPublishedPortObeysTheHostPolicyAndDockerChangesAreNotTampering() {
        coexistenceCase(Coexistence.PRIMARY);
    }

    @Test
    @Order(2)
    void notPrimaryPublishedPortObeysTheHostPolicyAndDockerChangesAreNotTampering() {
        coexistenceCase(Coexistence.NOT_PRIMARY);
    }

    @Test
    @Order(3)
    void exclusiveDockerRulesAreNotTraversedAndTheKernelStillAgreesWithPolicyCheck() {
        Engine engine = apply(Coexistence.EXCLUSIVE);
        assertKernelAgrees(engine, 8080);
        assertThat(host.save()).as("Docker's chains and rules are gone: nothing foreign is traversed")
                .doesNotContain("DOCKER").doesNotContain("MASQUERADE");
        assertThat(get(admin, 8080)).as("without Docker's DNAT the published port does not lead to the container")
                .doesNotContain(PAGE);
        assertThat(containerReachesOut()).as("without Docker's MASQUERADE and FORWARD rules the container is cut off").isFalse();
        CommandResult publish = docker.tryDocker("run", "-d", "--name", "refused", "--stop-timeout", "1", "-p", "8082:80",
                Dockerd.IMAGE, "/bin/busybox", "httpd", "-f", "-p", "80", "-h", "/www");
        assertThat(publish.ok()).as("Docker cannot publish a port without its nat chain: %s", publish.stderr()).isFalse();
        docker.tryDocker("rm", "-f", "refused");

        // A daemon restart writes Docker's chains again: in exclusive mode that is foreign, so tampering, and undone.
        docker.restart();
        awaitPage();
        TamperReport r = dp.check();
        assertThat(r.tampered()).as("Docker's rules after a restart are tampering in exclusive mode").isTrue();
        dp.repair();
        assertThat(dp.checkFull().changes()).as("repaired").isEmpty();
        assertThat(host.save()).doesNotContain("DOCKER");
        assertKernelAgrees(engine, 8080);
    }

    private void coexistenceCase(Coexistence state) {
        Engine engine = apply(state);
        assertKernelAgrees(engine, 8080);
        assertThat(get(admin, 8080)).as("an allowed peer gets the container's page").contains(PAGE);
        assertThat(containerReachesOut()).as("the container reaches out through Docker's MASQUERADE").isTrue();
        assertNoTampering("after apply");

        docker.docker("run", "-d", "--name", "extra", "--stop-timeout", "1", "-p", "8081:80", Dockerd.IMAGE,
                "/bin/busybox", "httpd", "-f", "-p", "80", "-h", "/www");
        assertNoTampering("after a container started");
        assertKernelAgrees(engine, 8081);
        docker.docker("stop", "-t", "1", "extra");
        docker.docker("rm", "extra");
        assertNoTampering("after a container stopped and was removed");

        docker.restart();
        awaitPage();
        assertNoTampering("after dockerd restarted");
        assertKernelAgrees(engine, 8080);
        assertThat(containerReachesOut()).as("after dockerd restarted, the container still reaches out").isTrue();
        if (state == Coexistence.NOT_PRIMARY && backend() == Backends.Choice.NFTABLES) {
            // Docker's FORWARD rules accept its containers' traffic before the pass mark rule, which stays last
            List<String> forward = host.save().lines().filter(l -> l.startsWith("-A FORWARD ")).toList();
            assertThat(forward.get(forward.size() - 1)).as("the pass mark rule is FORWARD's last after dockerd restarted\n%s",
                    host.save()).contains("cordon-pass");
        }
    }

    private Engine apply(Coexistence state) {
        List<CoexistenceEntry> entries = state == Coexistence.EXCLUSIVE ? List.of()
                : List.of(new CoexistenceEntry(state == Coexistence.PRIMARY, List.of(), null));
        Engine engine = Engine.of(base.withFirewallSettings(FirewallSettings.of(entries)));
        var policy = engine.compile("docker-host", 1);
        assertThat(policy.coexistence()).isEqualTo(state);
        dp = host.dataplane(backend());
        dp.apply(policy);
        return engine;
    }

    /** Real TCP from each peer to the host's published port gives exactly the engine's verdict for that flow. */
    private void assertKernelAgrees(Engine engine, int port) {
        Map<String, Boolean> expected = new LinkedHashMap<>();
        Map<String, Boolean> actual = new LinkedHashMap<>();
        for (Lab.Host peer : List.of(admin, other)) {
            expected.put(peer.address, engine.explain(new Flow(peer.address, HOST, 6, port)).allowed());
            actual.put(peer.address, peer.reaches(HOST, port, "tcp"));
        }
        assertThat(expected).as("the test needs one allowed and one blocked peer").containsEntry("192.0.2.10", true)
                .containsEntry("192.0.2.11", false);
        assertThat(actual).as("kernel verdicts for tcp/%d to %s vs policy_check\n%s", port, HOST, host.save())
                .isEqualTo(expected);
    }

    private void assertNoTampering(String when) {
        TamperReport r = dp.checkFull();
        assertThat(r.changes()).as("tamper check %s: %s\n%s", when, r.describe(), host.save()).isEmpty();
    }

    private boolean containerReachesOut() {
        return docker.tryDocker("exec", "web", "/bin/busybox", "nc", "-w", "2", other.address, "7000").ok();
    }

    private String get(Lab.Host from, int port) {
        CommandResult r = from.runner().run(List.of("python3", "-c", GET, HOST, String.valueOf(port)), "",
                Duration.ofSeconds(10));
        return r.stdout();
    }

    /**
     * Waits until the container runs and Docker has published its port again (after a start or a daemon restart):
     * the DNAT rule to the container's address is in the namespace's nat table.
     */
    private void awaitPage() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String ip = "";
        while (System.nanoTime() < deadline) {
            boolean running = docker.tryDocker("inspect", "-f", "{{.State.Running}}", "web").stdout().strip().equals("true");
            ip = docker.tryDocker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "web").stdout().strip();
            if (running && !ip.isEmpty() && host.save().contains("--to-destination " + ip + ":80")) return;
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("the container (" + ip + ") was not running and published within 30 s\n"
                + host.save() + "\n" + docker.log());
    }

    private static PolicyDocument document() {
        try (InputStream in = DockerKernelSuite.class.getResourceAsStream("/docker/published-port.json")) {
            return PolicyJson.readDocument(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
