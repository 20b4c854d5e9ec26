package dev.cordon.pce.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Rule sets: scopes with exclusions, allow / override-deny / custom rules, the conflict marker and its panel. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RuleSetBrowserTest {
    ConsoleBrowser b;

    @BeforeAll
    void start() {
        b = new ConsoleBrowser();
        String web = b.label("role", "web");
        String db = b.label("role", "db");
        b.label("role", "test");
        String shop = b.label("app", "shop");
        b.unmanaged("web1", "10.0.0.1", web, shop);
        b.managed("db1", "10.0.0.2", "full", db, shop);
        b.signInAsOwner();
    }

    @AfterAll
    void stop() {
        if (b != null) b.close();
    }

    @Test
    void addingAnOverrideDenyThatBlocksAnAllowRuleMarksTheRuleAndThePanelNamesTheOther() {
        b.open("/console/rule_sets");
        b.expand(By.id("add-rule-set"));
        b.type(By.id("rs-name"), "shop");
        b.pick("rule_set-scope1", "app=shop");
        b.pick("rule_set-scope1-except", "role=test");
        b.click(By.cssSelector("#add-rule-set-form button[type=submit]"));
        b.waitForText(By.id("rule-set-name"), "shop");
        assertThat(b.text(By.id("scopes"))).isEqualTo("app=shop, except role=test");

        b.expand(By.id("add-sec_rules"));
        b.pick("sec_rules-consumers", "role=web");
        b.pick("sec_rules-providers", "role=db");
        b.type(By.id("sec_rules-ports"), "tcp/5432, tcp/22");
        b.click(By.id("sec_rules-save"));
        b.waitFor(By.id("notice"));
        assertThat(b.all(By.cssSelector("#sec_rules tbody tr"))).hasSize(1);
        assertThat(b.all(By.cssSelector("button.marker"))).isEmpty();

        b.expand(By.id("add-deny_rules"));
        b.choose(By.id("deny_rules-override"), "Override deny (blocks whatever allows)");
        b.pick("deny_rules-consumers", "Any (0.0.0.0/0 and ::/0)");
        b.pick("deny_rules-providers", "role=db");
        b.type(By.id("deny_rules-ports"), "tcp/22");
        b.click(By.cssSelector("#deny_rules-form input[name=unscoped_consumers]"));
        b.click(By.id("deny_rules-save"));
        b.waitFor(By.id("notice"));
        assertThat(b.text(By.cssSelector("#deny_rules tbody tr"))).contains("override deny");

        assertThat(b.all(By.cssSelector("#sec_rules tr.conflicted button.marker"))).hasSize(1);
        assertThat(b.all(By.cssSelector("#deny_rules tr.conflicted button.marker"))).hasSize(1);
        b.click(By.cssSelector("#sec_rules tr.conflicted button.marker"));
        b.waitFor(By.id("conflicts-of"));
        String panel = b.text(By.id("conflict-panel"));
        assertThat(panel).contains("Allow rule overridden by an override deny rule")
                .contains("override deny rule in rule set 'shop'")
                .contains("10.0.0.1 → 10.0.0.2 tcp port 22");
        b.screenshot("rule-set-conflict");

        // the list answers without the markers and loads them after itself (htmx, hx-trigger=load)
        b.open("/console/rule_sets");
        b.waitFor(By.id("markers-done"));
        assertThat(b.text(By.id("markers-done"))).contains("listed here ha").contains("conflicting rules")
                .doesNotStartWith("No rule set");
        WebElement shopRow = b.all(By.cssSelector("#rule-sets tbody tr")).stream()
                .filter(tr -> tr.getText().startsWith("shop")).findFirst().orElseThrow();
        assertThat(shopRow.findElements(By.cssSelector(".marker[aria-label='has conflicting rules']"))).hasSize(1);
    }

    @Test
    void statelessAndCustomIptablesRulesAreAddedWithTheirPickers() {
        String rs = ConsoleBrowser.created(b.api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "metrics",
                "scopes", List.of(List.of(Map.of("label", Map.of("href", b.api.get("/orgs/1/labels?key=app&value=shop")
                        .body().get(0).get("href").asText())))))));
        b.open("/console/rule_sets/" + rs.substring(rs.lastIndexOf('/') + 1));

        b.expand(By.id("add-sec_rules"));
        b.pick("sec_rules-consumers", "web1");
        b.pick("sec_rules-providers", "db1");
        b.pick("sec_rules-services", "All Services");
        b.click(By.id("sec_rules-stateless"));
        b.click(By.id("sec_rules-save"));
        b.waitFor(By.id("notice"));
        assertThat(b.text(By.cssSelector("#sec_rules tbody tr"))).contains("workload web1").contains("workload db1")
                .contains("All Services").contains("stateless");

        b.expand(By.id("add-ip_tables_rules"));
        b.pick("ip_tables_rules-actors", "role=db");
        b.type(By.id("ip_tables_rules-statements"), "-t filter -A INPUT -p tcp --dport 9100 -s 10.0.0.0/8 -j ACCEPT");
        b.click(By.id("ip_tables_rules-save"));
        b.waitFor(By.id("notice"));
        assertThat(b.text(By.cssSelector("#ip_tables_rules tbody tr"))).contains("role=db")
                .contains("-t filter -A INPUT -p tcp --dport 9100 -s 10.0.0.0/8 -j ACCEPT");
    }

    @Test
    void aRuleSetNameInUseIsShownBesideTheNameField() {
        b.api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "taken", "scopes", List.of()));
        b.open("/console/rule_sets");
        b.expand(By.id("add-rule-set"));
        b.type(By.id("rs-name"), "taken");
        b.click(By.cssSelector("#add-rule-set-form button[type=submit]"));
        b.waitFor(By.cssSelector(".field-error"));
        assertThat(b.errorsBeside(By.id("rs-name"))).singleElement().asString().contains("'taken' already exists");
        assertThat(b.find(By.id("rs-name")).getAttribute("value")).isEqualTo("taken");
    }

    /**
     * The rule pickers are type-ahead: arrow keys and Enter choose, pills say key=value coloured by key, "All
     * workloads" is offered, a name typed without choosing is looked up exactly, and every name that names nothing is
     * reported beside its own field at once.
     */
    @Test
    void rulePickersAreKeyboardUsableAndTypedNamesAreLookedUp() {
        String rs = ConsoleBrowser.created(b.api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "keys",
                "scopes", List.of())));
        b.open("/console/rule_sets/" + rs.substring(rs.lastIndexOf('/') + 1));
        b.expand(By.id("add-sec_rules"));
        org.openqa.selenium.WebElement q = b.find(By.id("sec_rules-consumers_q"));
        assertThat(b.find(By.id("sec_rules-consumers-label")).getText()).isEqualTo("Sources (consumers)");
        q.sendKeys("role=w");
        b.waitFor(By.cssSelector("#sec_rules-consumers-options li.opt"));
        assertThat(q.getAttribute("aria-expanded")).isEqualTo("true");
        q.sendKeys(org.openqa.selenium.Keys.ARROW_DOWN);
        assertThat(q.getAttribute("aria-activedescendant")).isEqualTo("sec_rules-consumers-options-0");
        q.sendKeys(org.openqa.selenium.Keys.ENTER);
        assertThat(b.pills(By.id("sec_rules-consumers"))).containsExactly("role=web");
        assertThat(q.getAttribute("value")).isEmpty();

        b.pick("sec_rules-providers", "All workloads");
        b.find(By.id("sec_rules-providers_q")).sendKeys("role=d");
        b.waitFor(By.cssSelector("#sec_rules-providers-options li.opt[data-text='role=db']"));
        String web = b.find(By.cssSelector("#sec_rules-consumers-pills .pill")).getAttribute("class");
        String db = b.find(By.cssSelector("#sec_rules-providers-options li.opt[data-text='role=db'] .pill")).getAttribute("class");
        assertThat(db).isEqualTo(web); // same key, same colour
        b.find(By.id("sec_rules-providers_q")).sendKeys(org.openqa.selenium.Keys.ESCAPE);
        assertThat(b.find(By.id("sec_rules-providers-options")).isDisplayed()).isFalse();

        // typed, not chosen: one name that exists, two that do not, in two fields; all three reported at once
        b.type(By.id("sec_rules-providers_q"), "db1, nosuch-host");
        b.type(By.id("sec_rules-consumers-except_q"), "role=nosuch");
        b.type(By.id("sec_rules-ports"), "tcp/5432");
        b.click(By.id("sec_rules-save"));
        b.waitFor(By.cssSelector(".field-error"));
        assertThat(b.errorsBeside(By.id("sec_rules-providers_q"))).singleElement().asString().contains("'nosuch-host'");
        assertThat(b.errorsBeside(By.id("sec_rules-consumers-except_q"))).singleElement().asString().contains("'role=nosuch'");
        assertThat(b.pills(By.id("sec_rules-providers"))).containsExactly("All workloads", "workload db1");
        assertThat(b.find(By.id("sec_rules-providers_q")).getAttribute("value")).isEqualTo("nosuch-host");

        b.find(By.id("sec_rules-providers_q")).clear();
        b.find(By.id("sec_rules-consumers-except_q")).clear();
        b.find(By.id("sec_rules-providers-pills")).findElement(By.cssSelector(".pill .unpick")).click();
        b.click(By.id("sec_rules-save"));
        b.waitFor(By.id("notice"));
        assertThat(b.text(By.cssSelector("#sec_rules tbody tr"))).contains("role=web").contains("workload db1");
        b.docScreenshot("rule-pickers");
    }

    /** A rule's Edit form is filled from the rule and changes every field at once; the rule keeps its href. */
    @Test
    void aRuleIsEditedInPlace() {
        String web = b.api.get("/orgs/1/labels?key=role&value=web").body().get(0).get("href").asText();
        String db = b.api.get("/orgs/1/labels?key=role&value=db").body().get(0).get("href").asText();
        String rs = ConsoleBrowser.created(b.api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "editable",
                "scopes", List.of(), "rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", db))),
                        "consumers", List.of(Map.of("label", Map.of("href", web))),
                        "ingress_services", List.of(Map.of("proto", 6, "port", 5432)))))));
        String rule = b.api.get(rs).body().path("rules").get(0).path("href").asText();
        String rid = rule.substring(rule.lastIndexOf('/') + 1);
        b.open("/console/rule_sets/" + rs.substring(rs.lastIndexOf('/') + 1));
        b.click(By.id("edit-sec_rules-" + rid));
        assertThat(b.pills(By.id("sec_rules-" + rid + "-consumers"))).containsExactly("role=web");
        assertThat(b.find(By.id("sec_rules-" + rid + "-ports")).getAttribute("value")).isEqualTo("tcp/5432");
        b.pick("sec_rules-" + rid + "-consumers", "All workloads");
        b.type(By.id("sec_rules-" + rid + "-ports"), "tcp/5433");
        b.click(By.cssSelector("#sec_rules-" + rid + "-form input[name=unscoped_consumers]"));
        b.click(By.id("sec_rules-" + rid + "-save"));
        b.waitForText(By.id("notice"), "Saved the allow rule in the draft.");
        assertThat(b.text(By.id("sec_rules-" + rid))).contains("All workloads").contains("tcp/5433").contains("extra-scope");
        com.fasterxml.jackson.databind.JsonNode saved = b.api.get(rule).body();
        assertThat(saved.path("consumers").toString()).contains("ams");
        assertThat(saved.path("unscoped_consumers").asBoolean()).isTrue();
        b.docScreenshot("rule-edit");
    }
}
