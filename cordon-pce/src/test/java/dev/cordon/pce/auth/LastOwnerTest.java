package dev.cordon.pce.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.pce.harness.Api.Resp;
import dev.cordon.pce.harness.PceHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The org's last owner grant cannot be deleted: without it nobody could manage users or permissions again. */
class LastOwnerTest {
    @Test
    void theLastOwnerPermissionCannotBeDeletedButOneOfTwoCan() {
        try (PceHarness pce = PceHarness.h2()) {
            String ownerGrant = pce.owner.get("/orgs/1/permissions").body().get(0).get("href").asText();
            Resp refused = pce.owner.delete(ownerGrant);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(406);
            assertThat(refused.body().get(0).get("token").asText()).isEqualTo("last_owner_permission");
            assertThat(pce.owner.get("/orgs/1/labels").status()).as("the owner still works").isEqualTo(200);

            Resp user = pce.owner.post("/users", Map.of("username", "second-owner", "full_name", "Second Owner"));
            assertThat(user.status()).as(user.toString()).isEqualTo(201);
            Resp second = pce.owner.post("/orgs/1/permissions", Map.of("role", Map.of("href", "/roles/owner"),
                    "scope", java.util.List.of(), "auth_security_principal", Map.of("href", user.body().get("href").asText())));
            assertThat(second.status()).as(second.toString()).isEqualTo(201);
            assertThat(pce.owner.delete(second.body().get("href").asText()).status()).isEqualTo(204);
            assertThat(pce.owner.delete(ownerGrant).status()).as("still the last one").isEqualTo(406);
        }
    }
}
