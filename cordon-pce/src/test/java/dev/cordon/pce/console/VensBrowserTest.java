package dev.cordon.pce.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.pce.harness.Api;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

/** VENs: pairing profiles, pairing keys, a VEN's status and its suspension. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VensBrowserTest {
    ConsoleBrowser b;

    @BeforeAll
    void start() {
        b = new ConsoleBrowser();
        b.label("role", "db");
        b.signInAsOwner();
    }

    @AfterAll
    void stop() {
        if (b != null) b.close();
    }

    @Test
    void aPairingKeyFromTheConsoleActivatesAVenThatCanBeSuspended() {
        b.open("/console/vens");
        b.click(By.id("add-profile"));
        b.type(By.id("pp-name"), "databases");
        b.pick("pp-labels", "role=db");
        b.choose(By.id("pp-mode"), "full");
        b.type(By.id("pp-life"), "soon");
        b.click(By.cssSelector("#add-profile-form button[type=submit]"));
        b.waitFor(By.cssSelector(".field-error"));
        assertThat(b.errorsBeside(By.id("pp-life"))).singleElement().asString().contains("key_lifespan");

        b.type(By.id("pp-life"), "3600");
        b.type(By.id("pp-uses"), "1");
        b.click(By.cssSelector("#add-profile-form button[type=submit]"));
        b.waitFor(By.id("notice"));
        assertThat(b.text(By.id("profiles"))).contains("databases").contains("role=db").contains("full").contains("3600 s");

        b.click(By.xpath("//table[@id='profiles']//button[text()='Generate pairing key']"));
        String code = b.waitFor(By.id("activation-code")).getText();
        Api.Resp r = b.pce.anonymous.post("/ven/activate", Map.of("activation_code", code, "hostname", "db-7",
                "interfaces", List.of(Map.of("name", "eth0", "address", "10.3.0.7")), "os_type", "linux",
                "ven_type", "server", "version", "0.1.0", "dataplane_backend", "iptables"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);

        b.open("/console/vens");
        By row = By.xpath("//table[@id='vens']//tr[td[text()='db-7']]");
        assertThat(b.text(row)).contains("active").contains("server").contains("0.1.0 · linux").contains("syncing");
        assertThat(b.find(row).findElement(By.cssSelector("td.backend")).getText()).isEqualTo("iptables");
        b.find(row).findElement(By.xpath(".//button[text()='Suspend']")).click();
        b.waitFor(By.id("notice"));
        assertThat(b.text(row)).contains("suspended");
        b.docScreenshot("vens");

        String venHref = r.body().get("ven").get("href").asText();
        String id = venHref.substring(venHref.lastIndexOf('/') + 1);
        b.choose(By.cssSelector("form[action='/console/vens/" + id + "/unpair'] select"), "as before activation (saved)");
        assertThat(b.clickAndAnswer(By.id("unpair-" + id), true)).contains("Unpair this VEN");
        b.waitForText(By.id("notice"), "VEN unpaired");
        assertThat(b.all(row)).isEmpty();
        Api.Resp told = b.pce.anonymous.withAuthorization("Bearer " + r.body().get("agent_token").asText()).get("/ven/policy");
        assertThat(told.token()).isEqualTo("ven_unpaired_saved");
    }

    /** A pairing profile's name, labels and mode are edited in its row. */
    @Test
    void aPairingProfileIsEditedInPlace() {
        String pp = ConsoleBrowser.created(b.api.post("/orgs/1/pairing_profiles", java.util.Map.of("name", "to-edit",
                "enforcement_mode", "idle", "labels", java.util.List.of())));
        String pid = pp.substring(pp.lastIndexOf('/') + 1);
        b.open("/console/vens");
        b.click(By.id("edit-profile-" + pid));
        b.type(By.id("ppn-" + pid), "edited");
        b.pick("pp" + pid + "-labels", "role=db");
        b.choose(By.id("ppm-" + pid), "visibility_only");
        b.click(By.id("edit-profile-" + pid + "-save"));
        b.waitForText(By.id("notice"), "Pairing profile 'edited' saved.");
        com.fasterxml.jackson.databind.JsonNode saved = b.api.get(pp).body();
        assertThat(saved.path("name").asText()).isEqualTo("edited");
        assertThat(saved.path("enforcement_mode").asText()).isEqualTo("visibility_only");
        assertThat(saved.path("labels").size()).isEqualTo(1);
    }
}
