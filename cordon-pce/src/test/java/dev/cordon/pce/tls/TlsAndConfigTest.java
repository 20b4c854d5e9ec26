package dev.cordon.pce.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cordon.pce.PceServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS by default with a self-signed certificate generated on first start; plain HTTP only on loopback. */
class TlsAndConfigTest {
    @TempDir
    Path data;

    @Test
    void servesHttpsWithACertificateGeneratedIntoTheDataDirectory() throws Exception {
        PceServer pce = new PceServer(new PceServer.Config(data, null, "127.0.0.1", 0, false),
                new PrintStream(new ByteArrayOutputStream())).start();
        try {
            assertThat(pce.baseUrl()).startsWith("https://");
            Path pem = pce.certificateFile();
            assertThat(pem).exists();
            X509Certificate cert;
            try (InputStream in = Files.newInputStream(pem)) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("pce", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(
                    "https://localhost:" + pce.port() + "/api/v2/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        } finally {
            pce.stop();
        }
        // a second start reuses the same certificate and org
        byte[] before = Files.readAllBytes(data.resolve("tls/pce-cert.pem"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PceServer again = new PceServer(new PceServer.Config(data, null, "127.0.0.1", 0, false), new PrintStream(out)).start();
        again.stop();
        assertThat(Files.readAllBytes(data.resolve("tls/pce-cert.pem"))).isEqualTo(before);
        assertThat(out.toString()).doesNotContain("owner-api-key");
    }

    @Test
    void plainHttpIsRefusedOffLoopback() {
        assertThatThrownBy(() -> new PceServer.Config(data, null, "0.0.0.0", 8443, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> new PceServer.Config(data, null, "127.0.0.1", 70000, true))
                .hasMessageContaining("out of range");
    }

    @Test
    void unsupportedDatabaseUrlFailsFastWithAClearMessage() {
        PceServer pce = new PceServer(new PceServer.Config(data, "jdbc:mysql://x/y", "127.0.0.1", 0, true));
        assertThatThrownBy(pce::start).hasMessageContaining("Unsupported database URL");
    }
}
