package dev.cordon.pce.ven;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.pce.Limits;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.Api.Resp;
import dev.cordon.pce.harness.PceHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Parked long polls are bounded per VEN (a new one supersedes the oldest) and per node (503 with Retry-After). */
class ParkedPollsTest {
    @Test
    void aVensNewPollSupersedesItsOldestAndAFullNodeSaysWhenToComeBack() throws Exception {
        try (PceHarness pce = PceHarness.h2(new Limits(90, 1_000_000, 3, 2))) {
            String profile = pce.owner.post("/orgs/1/pairing_profiles", Map.of("name", "p", "enforcement_mode", "full"))
                    .body().get("href").asText();
            String a = token(pce, profile, "a");
            String b = token(pce, profile, "b");
            String hashA = pce.anonymous.withAuthorization("Bearer " + a).get("/ven/policy").body().get("hash").asText();
            String hashB = pce.anonymous.withAuthorization("Bearer " + b).get("/ven/policy").body().get("hash").asText();
            // HTTP/1.1 as the VEN speaks it (the default HTTP/2 client first tries an h2c upgrade)
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            // one after the other, so that which one is the oldest is known (two sent at once may park in either order)
            CompletableFuture<HttpResponse<String>> first = park(http, pce, a, hashA);
            awaitParked(pce, 1);
            List<CompletableFuture<HttpResponse<String>>> parked = List.of(first, park(http, pce, a, hashA));
            awaitParked(pce, 2);

            // a restarted VEN's poll is never refused: its oldest (perhaps on a dead connection) is answered
            CompletableFuture<HttpResponse<String>> third = park(http, pce, a, hashA);
            assertThat(parked.get(0).get().statusCode()).as("the oldest answered 'no change'").isEqualTo(304);
            awaitParked(pce, 2);
            assertThat(parked.get(1)).isNotDone();
            assertThat(third).isNotDone();
            assertThat(pce.anonymous.withAuthorization("Bearer " + a).get("/ven/policy?known_hash=" + hashA).status())
                    .as("a poll that does not wait is still answered").isEqualTo(304);

            park(http, pce, b, hashB);
            awaitParked(pce, 3);
            Resp full = pce.anonymous.withAuthorization("Bearer " + b).get("/ven/policy?wait_seconds=300&known_hash=" + hashB);
            assertThat(full.status()).isEqualTo(503);
            assertThat(full.token()).isEqualTo("pce_busy");
            assertThat(full.header("Retry-After")).isEqualTo("10");
            assertThat(full.body().get(0).get("message").asText()).contains("--max-parked-polls");
            assertThat(List.of(parked.get(1), third)).noneMatch(CompletableFuture::isDone);
        }
    }

    static String token(PceHarness pce, String profile, String host) {
        String code = pce.owner.post(profile + "/pairing_key", Map.of()).body().get("activation_code").asText();
        Resp r = pce.anonymous.post("/ven/activate", Map.of("activation_code", code, "hostname", host));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.body().get("agent_token").asText();
    }

    static CompletableFuture<HttpResponse<String>> park(HttpClient http, PceHarness pce, String token, String hash) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pce.server.port()
                        + "/api/v2/ven/policy?wait_seconds=300&known_hash=" + hash))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits (bounded) until the node holds {@code n} parked polls: the requests were sent asynchronously. */
    static void awaitParked(PceHarness pce, int n) throws InterruptedException {
        for (int i = 0; i < 3000 && pce.server.vens().polls().parkedPolls() < n; i++) Thread.sleep(10);
        assertThat(pce.server.vens().polls().parkedPolls()).isEqualTo(n);
    }
}
