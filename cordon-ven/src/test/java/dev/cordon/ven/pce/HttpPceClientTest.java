package dev.cordon.ven.pce;

import dev.cordon.protocol.ActivationRequest;
import dev.cordon.protocol.AgentEvent;
import dev.cordon.protocol.Goodbye;
import dev.cordon.protocol.Health;
import dev.cordon.protocol.Heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cordon.pce.PceServer;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.PceHarness;
import dev.cordon.policy.compile.FirewallPolicy;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VEN protocol client against the real PCE: plain HTTP on loopback, and HTTPS with the certificate pinned. */
class HttpPceClientTest {
    @TempDir
    Path tmp;

    static String code(Api owner) {
        JsonNode p = owner.post("/orgs/1/pairing_profiles", Map.of("name", "p-" + UUID.randomUUID(),
                "enforcement_mode", "full")).body();
        return owner.post(p.get("href").asText() + "/pairing_key", Map.of()).body().get("activation_code").asText();
    }

    static ActivationRequest request(String code) {
        return new ActivationRequest(code, "web-" + UUID.randomUUID().toString().substring(0, 6),
                List.of(new ActivationRequest.HostInterface("eth0", "10.99.0.1")), "linux", "server", "0.1.0", null, "iptables");
    }

    @Test
    void theWholeProtocolWorksOverLoopbackHttp() {
        try (PceHarness pce = PceHarness.h2()) {
            HttpPceClient c = new HttpPceClient(URI.create("http://127.0.0.1:" + pce.server.port() + "/"), null);
            Activation a = c.activate(request(code(pce.owner)));
            assertThat(a.certificateSha256()).isNull();
            assertThat(a.workloadHref()).startsWith("/orgs/1/workloads/");
            assertThat(pce.owner.get(a.venHref()).body().path("cordon_dataplane_backend").asText())
                    .as("the backend reported at activation").isEqualTo("iptables");

            FirewallPolicy p = c.fetchPolicy(null, Duration.ZERO).orElseThrow();
            assertThat(p.workload().href()).isEqualTo(a.workloadHref());
            assertThat(c.fetchPolicy(p.hash(), Duration.ofSeconds(1))).isEmpty();

            c.heartbeat(new Heartbeat(p.hash(), "error", List.of(new Health("policy_apply", "error", "line 7 failed")),
                    "nftables"));
            JsonNode w = pce.owner.get(a.workloadHref()).body();
            assertThat(w.get("agent").get("status").get("security_policy_sync_state").asText()).isEqualTo("error");
            assertThat(pce.owner.get(a.venHref()).body().path("cordon_dataplane_backend").asText())
                    .as("the backend of the last heartbeat").isEqualTo("nftables");

            // a heartbeat that says what traffic reporting does is answered with what the PCE asks of it
            Heartbeat reporting = new Heartbeat(p.hash(), "applied", List.of(), "nftables",
                    new dev.cordon.protocol.flows.FlowReporting("flow_full_detail", 60));
            assertThat(c.heartbeatAnswered(reporting).orElseThrow().traffic())
                    .isEqualTo(new dev.cordon.protocol.flows.FlowSettings("flow_full_detail", null, null));
            assertThat(pce.owner.put(a.workloadHref(), Map.of("visibility_level", "flow_summary")).status()).isIn(200, 204);
            assertThat(pce.owner.post("/orgs/1/workloads/set_flow_reporting_frequency",
                    Map.of("workloads", List.of(Map.of("href", a.workloadHref())))).status()).isEqualTo(204);
            var told = c.heartbeatAnswered(reporting).orElseThrow().traffic();
            assertThat(told.visibilityLevel()).isEqualTo("flow_summary");
            assertThat(told.reportIntervalSeconds()).isEqualTo(10);
            assertThat(told.reportForSeconds()).isBetween(1L, 600L);
            assertThat(c.heartbeatAnswered(new Heartbeat(p.hash(), "applied", List.of(), "nftables")))
                    .as("no flow_reporting: 204, no answer").isEmpty();

            c.uploadEvents(List.of(new AgentEvent(AgentEvent.TAMPERING, "success", "err", Instant.now(),
                    JsonNodeFactory.instance.objectNode().put("summary", "rule_added IPv4 filter/CORDON-INPUT"))));
            JsonNode events = pce.owner.get("/orgs/1/events?event_type=agent.tampering").body();
            assertThat(events.toString()).contains("rule_added IPv4 filter/CORDON-INPUT", a.venHref());

            c.goodbye(new Goodbye(Goodbye.SHUTDOWN, p.hash()), Duration.ofSeconds(5));
            assertThat(pce.owner.get(a.venHref()).body().path("last_goodbye_at").isTextual()).as("goodbye recorded").isTrue();
            JsonNode byes = pce.owner.get("/orgs/1/events?event_type=agent.goodbye").body();
            assertThat(byes.toString()).contains(a.venHref(), p.hash());
        }
    }

    @Test
    void aGoodbyeToAPceThatNeverAnswersGivesUpWithinItsBound() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            // accepts the connection (the kernel's backlog does) and never answers
            HttpPceClient c = new HttpPceClient(URI.create("http://127.0.0.1:" + s.getLocalPort()), null);
            c.useCredentials("t.s", null);
            assertThatThrownBy(() -> c.goodbye(new Goodbye(Goodbye.SHUTDOWN, null), Duration.ofMillis(300)))
                    .isInstanceOfSatisfying(PceException.class, e -> {
                        assertThat(e.kind()).isEqualTo(PceException.Kind.UNREACHABLE);
                        assertThat(e.getMessage()).contains("goodbye");
                    });
        }
    }

    @Test
    void aLockedOutSourceIsToldWhenToRetryAndThatItIsTransient() {
        try (PceHarness pce = PceHarness.h2()) {
            HttpPceClient c = new HttpPceClient(URI.create("http://127.0.0.1:" + pce.server.port() + "/"), null);
            for (int i = 0; i <= dev.cordon.pce.auth.throttle.AuthThrottle.SOURCE_LIMITS.free(); i++) {
                assertThatThrownBy(() -> c.activate(request("wrong"))).isInstanceOfSatisfying(PceException.class,
                        e -> assertThat(e.kind()).isEqualTo(PceException.Kind.UNAUTHORIZED));
            }
            assertThatThrownBy(() -> c.activate(request(code(pce.owner)))).isInstanceOfSatisfying(PceException.class, e -> {
                assertThat(e.kind()).isEqualTo(PceException.Kind.THROTTLED);
                assertThat(e.status()).isEqualTo(429);
                assertThat(e.transientFailure()).isTrue();
                assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
                assertThat(e.getMessage()).contains("retry after");
            });
            pce.clock.advance(Duration.ofSeconds(1));
            assertThat(c.activate(request(code(pce.owner))).venHref()).startsWith("/orgs/1/vens/");
        }
    }

    @Test
    void retryAfterIsReadAsSecondsAndBounded() {
        assertThat(HttpPceClient.retryAfter("10")).isEqualTo(Duration.ofSeconds(10));
        assertThat(HttpPceClient.retryAfter("86400")).isEqualTo(PceException.MAX_RETRY_AFTER);
        assertThat(HttpPceClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isNull();
        assertThat(HttpPceClient.retryAfter(null)).isNull();
    }

    @Test
    void anUnpairedVenIsToldHowToRestoreItsFirewall() {
        try (PceHarness pce = PceHarness.h2()) {
            HttpPceClient c = new HttpPceClient(URI.create("http://127.0.0.1:" + pce.server.port() + "/"), null);
            Activation a = c.activate(request(code(pce.owner)));
            assertThat(pce.owner.put("/orgs/1/vens/unpair", Map.of("vens", List.of(Map.of("href", a.venHref())),
                    "firewall_restore", "saved")).status()).isEqualTo(204);
            assertThatThrownBy(() -> c.fetchPolicy(null, Duration.ZERO)).isInstanceOfSatisfying(PceException.class, e -> {
                assertThat(e.kind()).isEqualTo(PceException.Kind.UNPAIRED);
                assertThat(e.firewallRestore()).isEqualTo(dev.cordon.ven.enforce.FirewallRestore.SAVED);
                assertThat(e.getMessage()).contains("unpaired");
            });
            assertThatThrownBy(() -> c.heartbeat(new Heartbeat(null, "applied", List.of(), "iptables")))
                    .isInstanceOfSatisfying(PceException.class, e -> assertThat(e.kind()).isEqualTo(PceException.Kind.UNPAIRED));
        }
    }

    @Test
    void aUsedUpCodeIsUnauthorizedWithThePcesMessage() {
        try (PceHarness pce = PceHarness.h2()) {
            HttpPceClient c = new HttpPceClient(URI.create("http://127.0.0.1:" + pce.server.port()), null);
            assertThatThrownBy(() -> c.activate(request("no-such-code")))
                    .isInstanceOfSatisfying(PceException.class, e -> {
                        assertThat(e.kind()).isEqualTo(PceException.Kind.UNAUTHORIZED);
                        assertThat(e.getMessage()).contains("401", "activation code");
                    });
        }
    }

    @Test
    void aPceThatIsNotThereIsUnreachableNotAnError() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HttpPceClient c = new HttpPceClient(URI.create("http://127.0.0.1:" + port), null);
        c.useCredentials("t.s", null);
        assertThatThrownBy(() -> c.fetchPolicy(null, Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(PceException.class, e -> assertThat(e.transientFailure()).isTrue());
    }

    @Test
    void overHttpsTheCertificateSeenAtActivationIsPinnedAndNoOtherIsAccepted() throws Exception {
        PceServer server = new PceServer(new PceServer.Config(tmp.resolve("pce"), null, "127.0.0.1", 0, false),
                new PrintStream(new ByteArrayOutputStream(), true)).start();
        try {
            Api owner = new Api(trustingClient(), "https://127.0.0.1:" + server.port(), null)
                    .as(Files.readString(server.ownerKeyFile()).trim());
            URI url = URI.create("https://127.0.0.1:" + server.port());
            HttpPceClient c = new HttpPceClient(url, null);
            Activation a = c.activate(request(code(owner)));
            assertThat(a.certificateSha256()).isEqualTo(fingerprint(server.certificateFile()));
            assertThat(c.fetchPolicy(null, Duration.ZERO)).isPresent();

            HttpPceClient pinnedRight = new HttpPceClient(url, a.certificateSha256());
            pinnedRight.useCredentials(a.agentToken(), a.certificateSha256());
            assertThat(pinnedRight.fetchPolicy(null, Duration.ZERO)).isPresent();

            HttpPceClient pinnedWrong = new HttpPceClient(url, "00".repeat(32));
            pinnedWrong.useCredentials(a.agentToken(), "00".repeat(32));
            assertThatThrownBy(() -> pinnedWrong.fetchPolicy(null, Duration.ZERO))
                    .isInstanceOfSatisfying(PceException.class, e -> {
                        assertThat(e.kind()).isEqualTo(PceException.Kind.CERTIFICATE);
                        assertThat(e.getMessage()).contains(a.certificateSha256(), "pinned");
                    });
        } finally {
            server.stop();
        }
    }

    static String fingerprint(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return PinnedTrust.fingerprint(cert);
        }
    }

    /** An admin client for the test's own API calls to the self-signed PCE. */
    static HttpClient trustingClient() throws Exception {
        X509ExtendedTrustManager all = new X509ExtendedTrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}
            public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}
            public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}
            public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}
            public void checkClientTrusted(X509Certificate[] c, String a) {}
            public void checkServerTrusted(X509Certificate[] c, String a) {}
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {all}, null);
        return HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1).build();
    }

}
