package dev.cordon.pce.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.pce.harness.PceHarness;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Drives the PCE the way an Illumio SDK script does: plain HTTP/1.1 with a hand-built Basic header, the base URL
 * plus {@code /api/v2} plus hrefs taken from responses, lookups by external data, and errors read as
 * {@code [{"token","message"}]}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdkStyleClientTest {
    static final ObjectMapper M = new ObjectMapper();
    PceHarness pce;
    String base;
    String auth;

    record Reply(int status, String contentType, JsonNode body) {}

    @BeforeAll
    void start() throws Exception {
        pce = PceHarness.h2();
        base = "http://127.0.0.1:" + pce.server.port() + "/api/v2";
        String[] key = Files.readString(pce.server.ownerKeyFile()).trim().split(":", 2);
        auth = "Basic " + Base64.getEncoder().encodeToString((key[0] + ":" + key[1]).getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    void stop() {
        pce.close();
    }

    Reply call(String method, String href, String json) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(base + href).openConnection();
        c.setRequestMethod(method);
        c.setRequestProperty("Authorization", auth);
        c.setRequestProperty("Accept", "application/json");
        if (json != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream o = c.getOutputStream()) {
                o.write(json.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Reply(status, c.getContentType(), text.isBlank() ? null : M.readTree(text));
    }

    @Test
    void aScriptCreatesFindsUpdatesAndProvisionsByHref() throws Exception {
        Reply label = call("POST", "/orgs/1/labels",
                "{\"key\":\"app\",\"value\":\"billing\",\"external_data_set\":\"sdk\",\"external_data_reference\":\"app-billing\"}");
        assertThat(label.status()).isEqualTo(201);
        String labelHref = label.body().get("href").asText();

        Reply found = call("GET", "/orgs/1/labels?external_data_set=sdk&external_data_reference=app-billing", null);
        assertThat(found.body().get(0).get("href").asText()).isEqualTo(labelHref);

        Reply wl = call("POST", "/orgs/1/workloads", "{\"name\":\"billing-db\",\"hostname\":\"billing-db.example\","
                + "\"labels\":[{\"href\":\"" + labelHref + "\"}],\"interfaces\":[{\"name\":\"eth0\",\"address\":\"10.5.0.9\"}]}");
        assertThat(wl.status()).isEqualTo(201);
        assertThat(call("PUT", wl.body().get("href").asText(), "{\"description\":\"from the SDK\"}").status()).isEqualTo(204);
        assertThat(call("GET", wl.body().get("href").asText(), null).body().get("description").asText()).isEqualTo("from the SDK");

        Reply rs = call("POST", "/orgs/1/sec_policy/draft/rule_sets", "{\"name\":\"billing\",\"scopes\":[[{\"label\":{\"href\":\""
                + labelHref + "\"}}]]}");
        assertThat(rs.status()).isEqualTo(201);
        Reply rule = call("POST", rs.body().get("href").asText() + "/sec_rules", "{\"providers\":[{\"actors\":\"ams\"}],"
                + "\"consumers\":[{\"actors\":\"ams\"}],\"ingress_services\":[{\"proto\":6,\"port\":443}]}");
        assertThat(rule.status()).isEqualTo(201);
        Reply prov = call("POST", "/orgs/1/sec_policy", "{\"update_description\":\"sdk\"}");
        assertThat(prov.status()).isEqualTo(201);
        assertThat(call("GET", prov.body().get("href").asText(), null).body().get("version").asLong())
                .isEqualTo(prov.body().get("version").asLong());
    }

    @Test
    void errorsAreJsonArraysOfTokensAnScriptCanBranchOn() throws Exception {
        call("POST", "/orgs/1/labels", "{\"key\":\"env\",\"value\":\"sdk-dup\"}");
        Reply dup = call("POST", "/orgs/1/labels", "{\"key\":\"env\",\"value\":\"sdk-dup\"}");
        assertThat(dup.status()).isEqualTo(406);
        assertThat(dup.contentType()).startsWith("application/json");
        assertThat(dup.body().isArray()).isTrue();
        assertThat(dup.body().get(0).get("token").asText()).isEqualTo("label_key_and_value_must_be_unique");
        assertThat(dup.body().get(0).get("message").asText()).isNotBlank();
        Reply missing = call("GET", "/orgs/1/labels/424242", null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().get(0).get("token").asText()).isEqualTo("not_found");
    }
}
