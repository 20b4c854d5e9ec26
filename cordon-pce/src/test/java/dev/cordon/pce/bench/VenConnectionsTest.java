package dev.cordon.pce.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bench's simulated-VEN client reads whole HTTP/1.1 responses and keeps one connection per VEN. */
class VenConnectionsTest {
    static final String POLICY = "{\"workload\":{\"href\":\"/orgs/1/workloads/w1\",\"name\":\"say \\\"hash\\\":\\\"no\\\"\"},"
            + "\"version\":3,\"hash\":\"0123456789abcdef0123456789abcdef\",\"enforcement_mode\":\"full\"}";
    HttpServer server;
    final List<String> requests = new CopyOnWriteArrayList<>();
    VenConnections vens;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/fixed", x -> answer(x, 200, POLICY.getBytes(StandardCharsets.UTF_8), false));
        server.createContext("/chunked", x -> answer(x, 200, POLICY.repeat(50).getBytes(StandardCharsets.UTF_8), true));
        server.createContext("/unchanged", x -> answer(x, 304, null, false));
        server.start();
        vens = new VenConnections(server.getAddress(), 2);
    }

    void answer(HttpExchange x, int status, byte[] body, boolean chunked) throws IOException {
        requests.add(x.getRemoteAddress().getPort() + " " + x.getRequestURI() + " " + x.getRequestHeaders().getFirst("Authorization"));
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, body == null ? -1 : chunked ? 0 : body.length);
        if (body != null) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
        x.close();
    }

    @AfterEach
    void stop() {
        vens.close();
        server.stop(0);
    }

    VenConnections.Response get(int ven, String path) throws Exception {
        return vens.get(ven, path, "Bearer t" + ven).get(10, TimeUnit.SECONDS);
    }

    @Test
    void readsAContentLengthBodyAndTakesTheHashFromIt() throws Exception {
        VenConnections.Response r = get(0, "/fixed");
        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(POLICY);
        assertThat(PceBench.hashOf(r)).isEqualTo("0123456789abcdef0123456789abcdef");
    }

    @Test
    void readsAChunkedBodyWhole() throws Exception {
        assertThat(new String(get(0, "/chunked").body(), StandardCharsets.UTF_8)).isEqualTo(POLICY.repeat(50));
    }

    @Test
    void aVenKeepsItsConnectionAcrossPollsAndTwoVensHaveTwo() throws Exception {
        assertThat(get(0, "/fixed").status()).isEqualTo(200);
        assertThat(get(0, "/unchanged").status()).isEqualTo(304);
        assertThat(get(0, "/chunked").status()).isEqualTo(200);
        assertThat(get(1, "/fixed").status()).isEqualTo(200);
        String first = requests.get(0).split(" ")[0];
        assertThat(requests.subList(0, 3)).allMatch(r -> r.startsWith(first + " ") && r.endsWith("Bearer t0"));
        assertThat(requests.get(3)).doesNotStartWith(first + " ").endsWith("Bearer t1");
    }

    @Test
    void aSecondRequestBeforeTheFirstIsAnsweredFails() {
        server.createContext("/never", x -> { }); // never answers
        vens.get(0, "/never", "Bearer t0");
        assertThatThrownBy(() -> get(0, "/fixed")).hasMessageContaining("before its last was answered");
    }

    @Test
    void anErrorStatusIsNoPolicy() {
        assertThatThrownBy(() -> PceBench.hashOf(new VenConnections.Response(401, "[]".getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("401");
    }
}
