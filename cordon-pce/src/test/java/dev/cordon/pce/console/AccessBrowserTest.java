package dev.cordon.pce.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

/** Signing in and out, the session cookie, and what read-only users and rule set managers are offered. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessBrowserTest {
    ConsoleBrowser b;
    String shop;
    String bank;

    @BeforeAll
    void start() {
        b = new ConsoleBrowser();
        shop = b.label("app", "shop");
        bank = b.label("app", "bank");
        for (String[] rs : new String[][] {{"shop rules", shop}, {"bank rules", bank}}) {
            ConsoleBrowser.created(b.api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", rs[0],
                    "scopes", List.of(List.of(Map.of("label", Map.of("href", rs[1])))))));
        }
    }

    @AfterAll
    void stop() {
        if (b != null) b.close();
    }

    @Test
    void aWrongSecretIsRefusedAndTheOwnerSignsInAndOut() {
        String user = b.ownerKey.substring(0, b.ownerKey.indexOf(':'));
        b.signInAs(user + ":wrong");
        b.waitFor(By.cssSelector(".field-error"));
        assertThat(b.text(By.cssSelector("section.signin"))).contains("Wrong secret for API key '" + user + "'");

        b.signInAsOwner();
        assertThat(b.text(By.id("role"))).isEqualTo("owner");
        assertThat(b.text(By.id("who"))).as("the user's name, not the key's").contains("owner").doesNotContain("api_");
        Cookie c = b.driver.manage().getCookieNamed("cordon_console");
        assertThat(c.isHttpOnly()).isTrue();
        assertThat(c.getSameSite()).isEqualTo("Strict");
        assertThat(c.getValue()).doesNotContain(user);

        b.click(By.id("signout"));
        b.waitForText(By.id("notice"), "Signed out");
        b.open("/console/labels");
        assertThat(b.driver.getCurrentUrl()).contains("/console/signin");
    }

    @Test
    void aReadOnlyUserSeesNoWriteControls() {
        String key = b.user("reader", Map.of("role", Map.of("href", "/roles/read_only")));
        String denials = "/orgs/1/events?event_type=request.authorization_failed&max_results=10000";
        int before = b.api.get(denials).body().size();
        b.signInAs(key);
        b.waitFor(By.id("who"));
        assertThat(b.text(By.id("who"))).contains("reader").contains("read only");
        assertThat(b.api.get(denials).body().size()).as("signing in asks who the caller is without being refused")
                .isEqualTo(before);
        for (String page : List.of("/console/workloads", "/console/labels", "/console/label_groups", "/console/ip_lists",
                "/console/services", "/console/rule_sets", "/console/provision", "/console/vens",
                "/console/settings/security/firewall_coexistence")) {
            b.open(page);
            assertThat(b.all(By.cssSelector("main form[method=post]"))).as(page).isEmpty();
        }
        b.open("/console/rule_sets");
        assertThat(b.text(By.id("rule-sets"))).contains("shop rules").contains("bank rules");
        b.screenshot("read-only-rule-sets");
    }

    @Test
    void aRuleSetManagerSeesOnlyTheRuleSetsOfItsScopesAndMayAddOne() {
        signInAsShopManager("shopkeeper", "sources_only");
        assertThat(b.text(By.id("who"))).contains("shopkeeper").contains("ruleset manager");
        b.open("/console/rule_sets");
        assertThat(b.text(By.id("rule-sets"))).contains("shop rules").doesNotContain("bank rules");
        assertThat(b.text(By.id("hidden-note"))).contains("1 rule set(s) outside your scopes");

        b.expand(By.id("add-rule-set"));
        b.type(By.id("rs-name"), "shop extras");
        b.pick("rule_set-scope1", "app=shop");
        b.click(By.cssSelector("#add-rule-set-form button[type=submit]"));
        b.waitForText(By.id("rule-set-name"), "shop extras");

        b.open("/console/rule_sets");
        b.expand(By.id("add-rule-set"));
        b.type(By.id("rs-name"), "everything");
        b.click(By.cssSelector("#add-rule-set-form button[type=submit]"));
        b.waitFor(By.cssSelector(".field-error"));
        assertThat(b.text(By.id("add-rule-set-form"))).contains("scope of All");
        b.open("/console/labels");
        assertThat(b.all(By.id("add-label"))).isEmpty();
    }

    /** A manager whose coverage is sources and destinations is not offered custom iptables rules (SPEC §5). */
    @Test
    void customIptablesRulesAreOfferedOnlyWhereTheRoleMayWriteThem() {
        signInAsShopManager("narrow", "sources_and_destinations");
        b.open("/console/rule_sets");
        b.click(By.linkText("shop rules"));
        b.waitFor(By.id("rule-set-name"));
        assertThat(b.text(By.id("no-custom-rules"))).contains("sources only");
        assertThat(b.driver.getPageSource()).doesNotContain("Add a custom iptables rule").contains("Add an allow rule");
    }

    /** Signs in as a new rule set manager of app=shop with that coverage. */
    private void signInAsShopManager(String name, String coverage) {
        String key = b.user(name, Map.of("role", Map.of("href", "/roles/ruleset_manager"),
                "scope", List.of(Map.of("label", Map.of("href", shop))), "scope_coverage", coverage));
        b.signInAs(key);
        b.waitFor(By.id("who"));
    }
}
