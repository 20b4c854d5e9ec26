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
        assertThat(b.text(By.id("pending"))).contains("ip lists").contains("office").contains("added");

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

    /**
     * The review: a rule whose port changed shows the active and the draft port, an added rule and a removed IP
     * list are listed as such, with names, not hrefs.
     */
    @Test
    @org.junit.jupiter.api.Order(3)
    void theReviewShowsAChangedRulesOldAndNewPortAnAddedRuleAndARemovedObject() {
        String web = ConsoleBrowser.created(b.api.post("/orgs/1/labels", Map.of("key", "role", "value", "review-web")));
        String db = ConsoleBrowser.created(b.api.post("/orgs/1/labels", Map.of("key", "role", "value", "review-db")));
        ipList("retire-me", "10.30.0.0/16");
        String rs = ConsoleBrowser.created(b.api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "review-shop",
                "scopes", List.of(), "rules", List.of(rule(web, db, 5432)))));
        String rule = b.api.get(rs).body().get("rules").get(0).get("href").asText();
        b.api.post("/orgs/1/sec_policy", Map.of("update_description", "review base"));

        assertThat(b.api.put(rule, rule(web, db, 6432)).status()).isBetween(200, 204);
        ConsoleBrowser.created(b.api.post(rs + "/sec_rules", rule(db, web, 8080)));
        assertThat(b.api.delete(ipListHref("retire-me")).status()).isBetween(200, 204);

        b.open("/console/provision");
        var changed = b.find(By.cssSelector("#pending li.rule-change.rule-changed"));
        assertThat(changed.getText()).contains("role=review-web").contains("role=review-db").doesNotContain("/orgs/");
        assertThat(changed.findElement(By.cssSelector("tr[data-field='ingress_services'] td.was")).getText()).contains("5432");
        assertThat(changed.findElement(By.cssSelector("tr[data-field='ingress_services'] td.now")).getText()).contains("6432");
        assertThat(b.text(By.cssSelector("#pending li.rule-change.rule-added"))).contains("8080").contains("added");
        assertThat(b.all(By.cssSelector("#pending li.rule-change.rule-removed"))).isEmpty();
        var removed = b.find(By.xpath("//table[@id='pending']//tr[td[normalize-space()='retire-me']]"));
        assertThat(removed.getText()).contains("ip lists").contains("removed");
        assertThat(b.text(By.xpath("//table[@id='pending']//tr[td[normalize-space()='review-shop']]"))).contains("changed");
        assertThat(b.find(By.id("provision")).isEnabled()).isTrue();
        b.docScreenshot("provision-review");

        b.clickAndAnswer(By.id("revert"), true);
        b.waitForText(By.id("notice"), "Reverted");
    }

    private static Map<String, Object> rule(String from, String to, int port) {
        return Map.of("consumers", List.of(Map.of("label", Map.of("href", from))),
                "providers", List.of(Map.of("label", Map.of("href", to))),
                "ingress_services", List.of(Map.of("proto", 6, "port", port)));
    }

    private String ipListHref(String name) {
        for (var n : b.api.get("/orgs/1/sec_policy/draft/ip_lists").body()) {
            if (name.equals(n.path("name").asText())) return n.get("href").asText();
        }
        throw new AssertionError("no IP list " + name);
    }

    private void ipList(String name, String range) {
        ConsoleBrowser.created(b.api.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", name,
                "ip_ranges", List.of(Map.of("from_ip", range)))));
    }
}
