package dev.cordon.pce.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Provision: pending changes, provision with a description, versions, revert and restore; selective provisioning.
 * In this order, as the first test names the version numbers it makes.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ProvisionBrowserTest extends OwnerSignedInBrowserTest {

    @Test
    @org.junit.jupiter.api.Order(1)
    void pendingChangesAreProvisionedRevertedAndAnEarlierVersionRestored() {
        ipList("office", "10.8.0.0/16");
        b.open("/console/provision");
        assertThat(b.text(By.id("pending"))).contains("ip lists").contains("office").contains("create");

        b.type(By.id("description"), "office network");
        b.click(By.id("provision"));
        b.waitForText(By.id("notice"), "Provisioned version 2");
        assertThat(b.find(By.id("nothing-pending")).isDisplayed()).isTrue();
        assertThat(b.text(By.cssSelector("#versions tbody tr"))).contains("2").contains("office network").contains("active");

        ipList("lab", "10.9.0.0/16");
        b.open("/console/provision");
        assertThat(b.text(By.id("pending"))).contains("lab");
        assertThat(b.clickAndAnswer(By.id("revert"), false)).contains("Revert all pending changes");
        b.open("/console/provision");
        assertThat(b.text(By.id("pending"))).as("Cancel kept the draft").contains("lab");
        b.clickAndAnswer(By.id("revert"), true);
        b.waitForText(By.id("notice"), "Reverted");
        assertThat(b.all(By.id("nothing-pending"))).hasSize(1);

        b.click(By.cssSelector("#versions tbody tr:last-child button"));
        b.waitForText(By.id("notice"), "Restored version 1 as version 3");
        assertThat(b.text(By.cssSelector("#versions tbody tr"))).startsWith("3");
        b.docScreenshot("provision");
    }

    /** Only the ticked pending changes are provisioned; with nothing pending the buttons are disabled. */
    @Test
    @org.junit.jupiter.api.Order(2)
    void onlyTheTickedChangesAreProvisionedAndNothingPendingDisablesProvision() {
        ipList("keep-pending", "10.21.0.0/16");
        ipList("goes-live", "10.22.0.0/16");
        b.open("/console/provision");
        b.click(By.cssSelector("input[aria-label='Provision ip lists keep-pending']"));
        b.type(By.id("description"), "only goes-live");
        b.click(By.id("provision"));
        b.waitForText(By.id("notice"), "Provisioned version");
        assertThat(b.text(By.id("pending"))).contains("keep-pending").doesNotContain("goes-live");

        b.clickAndAnswer(By.id("revert"), true);
        b.waitForText(By.id("notice"), "Reverted");
        assertThat(b.find(By.id("provision")).isEnabled()).isFalse();
        assertThat(b.find(By.id("revert")).isEnabled()).isFalse();
        assertThat(b.find(By.id("description")).getAttribute("required")).isNotNull();
    }

    private void ipList(String name, String range) {
        ConsoleBrowser.created(b.api.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", name,
                "ip_ranges", List.of(Map.of("from_ip", range)))));
    }
}
