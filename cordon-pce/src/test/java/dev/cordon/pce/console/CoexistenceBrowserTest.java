package dev.cordon.pce.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Settings › Security › Firewall Coexistence: the default row, add, edit, remove, and the effect on workloads. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoexistenceBrowserTest {
    static final String PAGE = "/console/settings/security/firewall_coexistence";
    ConsoleBrowser b;

    @BeforeAll
    void start() {
        b = new ConsoleBrowser();
    }

    @AfterAll
    void stop() {
        if (b != null) b.close();
    }

    @Test
    void addingAnEntryAndProvisioningPutsTheMatchingWorkloadsInCoexistence() {
        String web = b.label("role", "web");
        String db = b.label("role", "db");
        String prod = b.label("env", "prod");
        b.managed("web-1", "10.1.0.1", "full", web, prod);
        b.managed("db-1", "10.1.0.2", "full", db, prod);
        b.signInAsOwner();

        b.open("/console/workloads");
        assertThat(coexistenceOf("web-1")).isEqualTo("Exclusive");
        assertThat(coexistenceOf("db-1")).isEqualTo("Exclusive");

        b.open(PAGE);
        assertThat(b.text(By.id("default-row"))).contains("Default").contains("Exclusive");
        assertThat(entries()).isEmpty();

        b.expand(By.id("add-entry"));
        b.pick("entry-scope", "role=web");
        b.choose(By.id("entry-mode"), "Enforced (selective or full)");
        b.click(By.cssSelector("#entry-form input[name=illumio_primary][value=yes]"));
        b.click(By.id("entry-save"));
        b.waitFor(By.id("notice"));
        assertThat(entries()).hasSize(1);
        assertThat(entries().get(0).getText()).contains("role=web").contains("Enforced").contains("Yes")
                .contains("Coexistence · primary");
        assertThat(b.text(By.id("pending"))).contains("provision");

        b.click(By.linkText("Edit"));
        b.click(By.cssSelector("#entry-0-form input[name=illumio_primary][value=no]"));
        b.click(By.id("entry-0-save"));
        b.waitFor(By.id("notice"));
        assertThat(entries().get(0).getText()).contains("role=web").contains("Enforced").contains("No")
                .contains("not primary");

        b.expand(By.id("add-entry"));
        b.pick("entry-scope", "env=prod");
        b.choose(By.id("entry-mode"), "Illuminated (visibility only)");
        b.click(By.cssSelector("#entry-form input[name=illumio_primary][value=yes]"));
        b.click(By.id("entry-save"));
        b.waitFor(By.id("notice"));
        assertThat(entries()).hasSize(2);
        assertThat(entries().get(1).getText()).contains("env=prod").contains("Illuminated").contains("Yes");
        b.screenshot("coexistence-settings");

        b.open("/console/provision");
        b.type(By.id("description"), "web servers keep their own firewall");
        b.click(By.id("provision"));
        b.waitForText(By.id("notice"), "Provisioned version");

        b.open("/console/workloads");
        assertThat(coexistenceOf("web-1")).isEqualTo("Coexistence · not primary");
        assertThat(coexistenceOf("db-1")).isEqualTo("Exclusive");
        b.screenshot("workloads-coexistence");
    }

    @Test
    void removingAnEntryLeavesTheDefaultExclusiveRow() {
        String app = b.label("app", "legacy");
        b.api.put("/orgs/1/sec_policy/draft/firewall_settings", java.util.Map.of("firewall_coexistence",
                List.of(java.util.Map.of("scope", List.of(java.util.Map.of("href", app)), "illumio_primary", false))));
        b.signInAsOwner();
        b.open(PAGE);
        assertThat(entries()).hasSize(1);
        b.click(By.cssSelector("tr.entry[data-index='0'] button.danger"));
        b.waitFor(By.id("notice"));
        assertThat(entries()).isEmpty();
        assertThat(b.text(By.id("default-row"))).contains("Exclusive");
    }

    private List<WebElement> entries() {
        return b.all(By.cssSelector("#coexistence tr.entry"));
    }

    private String coexistenceOf(String workload) {
        return b.text(By.cssSelector("tr[data-name='" + workload + "'] td.coexistence")).trim();
    }
}
