package dev.cordon.pce.auth.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.Api.Resp;
import dev.cordon.pce.harness.FromAddress;
import dev.cordon.pce.harness.PceHarness;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failed authentication against the real PCE: beyond the free budget a source (or a key, from where it is not used)
 * is answered 429 with Retry-After; lockouts grow, end by themselves on the PCE's clock, spare other sources and the
 * owner on loopback; failures become aggregated events.
 */
class AuthThrottleTest {
    PceHarness pce;
    String reader;

    @BeforeEach
    void start() {
        pce = PceHarness.h2();
        String user = pce.owner.post("/users", Map.of("username", "reader")).body().get("href").asText();
        assertThat(pce.owner.post("/orgs/1/permissions", Map.of("role", Map.of("href", "/roles/read_only"),
                "auth_security_principal", Map.of("href", user))).status()).isEqualTo(201);
        JsonNode key = pce.owner.post(user + "/api_keys", Map.of("name", "t")).body();
        reader = key.get("auth_username").asText() + ":" + key.get("secret").asText();
    }

    @AfterEach
    void stop() {
        pce.close();
    }

    Api wrong(String user) {
        return pce.anonymous.as(user + ":wrong");
    }

    @Test
    void wrongSecretsLockTheSourceWithGrowingLockoutsThatEndByThemselves() {
        String user = reader.split(":")[0];
        for (int i = 0; i < AuthThrottle.SOURCE_LIMITS.free(); i++) {
            assertThat(wrong(user).get("/orgs/1/labels").status()).isEqualTo(401);
        }
        assertThat(wrong(user).get("/orgs/1/labels").status()).as("the failure beyond the budget is still heard").isEqualTo(401);
        Resp locked = pce.anonymous.as(reader).get("/orgs/1/labels");
        assertThat(locked.status()).as("a locked source is not heard, even with a right key").isEqualTo(429);
        assertThat(locked.header("Retry-After")).isEqualTo("1");
        assertThat(locked.token()).isEqualTo("too_many_failed_attempts");
        assertThat(locked.body().get(0).get("message").asText()).contains("retry after 2026-01-01T00:00:01.000Z");
        assertThat(pce.owner.get("/orgs/1/labels").status()).as("the owner on loopback is never locked out").isEqualTo(200);

        pce.clock.advance(Duration.ofSeconds(1));
        assertThat(pce.anonymous.as(reader).get("/orgs/1/labels").status()).isEqualTo(200);
        assertThat(wrong(user).get("/orgs/1/labels").status()).isEqualTo(401);
        Resp longer = pce.anonymous.as(reader).get("/orgs/1/labels");
        assertThat(longer.status()).isEqualTo(429);
        assertThat(longer.header("Retry-After")).as("the next lockout is twice as long").isEqualTo("2");

        for (int i = 0; i < 20; i++) {
            pce.clock.advance(Duration.ofMinutes(6));
            assertThat(wrong(user).get("/orgs/1/labels").status()).isEqualTo(401);
        }
        assertThat(pce.anonymous.as(reader).get("/orgs/1/labels").header("Retry-After"))
                .as("lockouts stop growing at 5 minutes").isEqualTo("300");
        pce.clock.advance(Duration.ofMinutes(5));
        assertThat(pce.anonymous.as(reader).get("/orgs/1/labels").status()).isEqualTo(200);
    }

    @Test
    void aRightKeyFromAnotherSourceKeepsWorkingWhileOneIsLocked() {
        for (int i = 0; i <= AuthThrottle.SOURCE_LIMITS.free(); i++) wrong("api_nobody").get("/orgs/1/labels");
        assertThat(pce.anonymous.as(reader).get("/orgs/1/labels").status()).isEqualTo(429);
        FromAddress.Reply other = FromAddress.send("127.0.0.2", pce.server.port(), "GET", "/orgs/1/labels",
                Api.basic(reader), null);
        assertThat(other.status()).isEqualTo(200);
    }

    @Test
    void aKeyGuessedFromManySourcesIsLockedOnlyWhereItIsNotUsed() {
        assertThat(pce.anonymous.as(reader).get("/orgs/1/labels").status()).as("used from 127.0.0.1").isEqualTo(200);
        String user = reader.split(":")[0];
        int perSource = AuthThrottle.SOURCE_LIMITS.free();
        int failures = 0;
        for (int src = 2; failures <= AuthThrottle.KEY_LIMITS.free(); src++) {
            for (int i = 0; i < perSource && failures <= AuthThrottle.KEY_LIMITS.free(); i++, failures++) {
                assertThat(FromAddress.send("127.0.0." + src, pce.server.port(), "GET", "/orgs/1/labels",
                        Api.basic(user + ":guess" + i), null).status()).isEqualTo(401);
            }
        }
        FromAddress.Reply fresh = FromAddress.send("127.0.0.50", pce.server.port(), "GET", "/orgs/1/labels",
                Api.basic(reader), null);
        assertThat(fresh.status()).isEqualTo(429);
        assertThat(fresh.headers()).containsKey("retry-after");
        assertThat(fresh.body().get(0).get("message").asText()).contains(user);
        assertThat(pce.anonymous.as(reader).get("/orgs/1/labels").status()).as("where the key is used").isEqualTo(200);
    }

    @Test
    void wrongActivationCodesAndAgentTokensAreThrottledToo() {
        for (int i = 0; i <= AuthThrottle.SOURCE_LIMITS.free(); i++) {
            assertThat(pce.anonymous.post("/ven/activate", Map.of("activation_code", "guess" + i, "hostname", "h"))
                    .status()).isEqualTo(401);
        }
        Resp locked = pce.anonymous.post("/ven/activate", Map.of("activation_code", "guess", "hostname", "h"));
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.header("Retry-After")).isEqualTo("1");
        // a right code from another source works meanwhile
        String profile = pce.owner.post("/orgs/1/pairing_profiles", Map.of("name", "p", "enforcement_mode", "visibility_only"))
                .body().get("href").asText();
        String code = pce.owner.post(profile + "/pairing_key", Map.of()).body().get("activation_code").asText();
        FromAddress.Reply ok = FromAddress.send("127.0.0.3", pce.server.port(), "POST", "/ven/activate", null,
                "{\"activation_code\":\"" + code + "\",\"hostname\":\"h1\"}");
        assertThat(ok.status()).isEqualTo(201);
        String token = ok.body().get("agent_token").asText();

        pce.clock.advance(Duration.ofSeconds(1));
        String id = token.substring(0, token.indexOf('.'));
        for (int i = 0; i <= AuthThrottle.SOURCE_LIMITS.free(); i++) {
            assertThat(FromAddress.send("127.0.0.4", pce.server.port(), "GET", "/ven/policy", "Bearer " + id + ".wrong" + i,
                    null).status()).isEqualTo(401);
        }
        FromAddress.Reply tokenLocked = FromAddress.send("127.0.0.4", pce.server.port(), "GET", "/ven/policy",
                "Bearer " + token, null);
        assertThat(tokenLocked.status()).isEqualTo(429);
        assertThat(tokenLocked.headers().get("retry-after")).isEqualTo("1");
        assertThat(FromAddress.send("127.0.0.3", pce.server.port(), "GET", "/ven/policy", "Bearer " + token, null)
                .status()).as("the VEN's own source").isEqualTo(200);
    }

    @Test
    void failuresAreRecordedAsOneEventPerSourceAndIntervalWithACount() {
        for (int i = 0; i < 10; i++) wrong("api_nobody" + i).get("/orgs/1/labels");
        JsonNode now = events();
        assertThat(now).as("the first failure is recorded at once").hasSize(1);
        assertThat(now.get(0).get("info").get("count").asInt()).isEqualTo(1);
        pce.clock.advance(Throttles.EVENT_INTERVAL);
        pce.server.sweep();
        JsonNode later = events();
        assertThat(later).hasSize(2);
        JsonNode tally = later.get(0).get("info");
        assertThat(tally.get("count").asInt()).isEqualTo(9);
        assertThat(tally.get("src_ip").asText()).isEqualTo("127.0.0.1");
        assertThat(tally.get("credential").asText()).isEqualTo("api_key");
        assertThat(tally.get("reasons").get("unknown API key").asInt()).isEqualTo(9);
        assertThat(tally.get("key_ids")).hasSize(9);
        pce.clock.advance(Throttles.EVENT_INTERVAL);
        pce.server.sweep();
        assertThat(events()).as("nothing new without new failures").hasSize(2);
    }

    /** The console signs in through the API over loopback; its failures count under the browser's address. */
    @Test
    void consoleSignInsAreCountedUnderTheBrowsersAddressNotTheConsoles() {
        String form = "key=" + reader.split(":")[0] + "&secret=wrong";
        for (int i = 0; i <= AuthThrottle.SOURCE_LIMITS.free(); i++) {
            assertThat(signIn("127.0.0.7", form).status()).isEqualTo(401);
        }
        FromAddress.Reply locked = signIn("127.0.0.7", "key=" + reader.split(":")[0] + "&secret=" + reader.split(":")[1]);
        assertThat(locked.status()).isEqualTo(401);
        assertThat(locked.headers()).doesNotContainKey("set-cookie");
        assertThat(FromAddress.send("127.0.0.7", pce.server.port(), "GET", "/orgs/1/labels", Api.basic(reader), null)
                .status()).as("the browser's address is locked for the API too").isEqualTo(429);
        assertThat(pce.anonymous.as(reader).get("/orgs/1/labels").status()).as("the console's own address is not")
                .isEqualTo(200);
        FromAddress.Reply other = signIn("127.0.0.8", "key=" + reader.split(":")[0] + "&secret=" + reader.split(":")[1]);
        assertThat(other.status()).as("another browser signs in").isEqualTo(303);
        // naming another client without the console's proof does not help the locked address
        assertThat(FromAddress.sendRaw("127.0.0.7", pce.server.port(), "GET", "/api/v2/orgs/1/labels", null, null,
                Map.of("Authorization", Api.basic(reader), "X-Cordon-Console", "guess", "X-Cordon-Console-Client",
                        "192.0.2.9")).status()).isEqualTo(429);
    }

    FromAddress.Reply signIn(String from, String form) {
        return FromAddress.sendRaw(from, pce.server.port(), "POST", "/console/signin", "application/x-www-form-urlencoded", form);
    }

    JsonNode events() {
        return pce.owner.get("/orgs/1/events?event_type=request.authentication_failed&max_results=1000").body();
    }
}
