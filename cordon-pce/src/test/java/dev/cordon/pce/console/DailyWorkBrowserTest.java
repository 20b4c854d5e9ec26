package dev.cordon.pce.console;

import static dev.cordon.pce.console.ConsoleBrowser.flow;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The pages of daily work (issue 15) with real VEN reports: web1 (full) and db1 (visibility only) of app=shop env=prod,
 * crm1 (full) of app=crm; the provisioned rule set 'shop' allows web → db on tcp/5432. Reported in the last 24 hours:
 * web1 → db1 tcp/5432 allowed (both ends), crm1 → db1 tcp/5432 and 203.0.113.9 → db1 tcp/22 potentially blocked,
 * web1 → 203.0.113.9 tcp/443 blocked. Dashboard, workload detail, users and keys, pairing, Policy Generator and
 * enforcement readiness must show exactly that; every page passes the accessibility basics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DailyWorkBrowserTest {
    ConsoleBrowser b;
    ConsoleBrowser.Ven web;
    ConsoleBrowser.Ven db;
    ConsoleBrowser.Ven crm;
    String dbRule;
    String dbRole;
    String webRole;

    @BeforeAll
    void start() {
        b = new ConsoleBrowser();
        String shop = b.label("app", "shop");
        String crmApp = b.label("app", "crm");
        String prod = b.label("env", "prod");
        webRole = b.label("role", "web");
        dbRole = b.label("role", "db");
        web = b.ven("web1", "10.0.0.1", "full", webRole, shop, prod);
        db = b.ven("db1", "10.0.0.2", "visibility_only", dbRole, shop, prod);
        crm = b.ven("crm1", "10.0.0.3", "full", webRole, crmApp, prod);
        JsonNode rs = b.api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "shop",
                "scopes", List.of(List.of(Map.of("label", Map.of("href", shop)), Map.of("label", Map.of("href", prod)))),
                "rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", dbRole))),
                        "consumers", List.of(Map.of("label", Map.of("href", webRole))),
                        "ingress_services", List.of(Map.of("proto", 6, "port", 5432)))))).body();
        dbRule = rs.get("rules").get(0).get("href").asText();
        long version = b.api.post("/orgs/1/sec_policy", Map.of("update_description", "shop")).body().get("version").asLong();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant t0 = now.minus(Duration.ofMinutes(12));
        Instant t1 = now.minus(Duration.ofMinutes(10));
        b.traffic(web, 1, List.of(
                flow("outbound", web.address(), db.address(), 5432, "allowed", dbRule, version, 5, t0, t1),
                flow("outbound", web.address(), "203.0.113.9", 443, "blocked", null, version, 1, t0, t1)));
        b.traffic(db, 1, List.of(
                flow("inbound", db.address(), web.address(), 5432, "allowed", dbRule, version, 5, t0, t1),
                flow("inbound", db.address(), crm.address(), 5432, "potentially_blocked", null, version, 2, t0, t1),
                flow("inbound", db.address(), "203.0.113.9", 22, "potentially_blocked", null, version, 3, t0, t1)));
        b.signInAsOwner();
    }

    @AfterAll
    void stop() {
        if (b != null) b.close();
    }

    private static String id(String href) {
        return href.substring(href.lastIndexOf('/') + 1);
    }

    @Test
    @Order(1)
    void theDashboardCountsVensModesAndTheBlockedFlowsOfTheDay() {
        b.open("/console/dashboard");
        b.waitFor(By.id("tallies"));
        assertThat(count("VENs by status", "active")).isEqualTo("3");
        assertThat(count("Enforcement modes", "full")).isEqualTo("2");
        assertThat(count("Enforcement modes", "visibility_only")).isEqualTo("1");
        assertThat(count("Enforcement modes", "idle")).isEqualTo("0");
        assertThat(b.text(By.cssSelector("#dash-blocked .count"))).isEqualTo("1");
        assertThat(b.text(By.cssSelector("#dash-potentially_blocked .count"))).isEqualTo("2");
        assertThat(b.text(By.id("dash-potentially_blocked"))).contains("5 connections").contains("crm1").contains("203.0.113.9");
        assertThat(b.find(By.cssSelector("#dash-blocked a")).getAttribute("href")).endsWith("/console/traffic?range=24h&decision=blocked");
        b.docScreenshot("dashboard");
    }

    private String count(String tally, String state) {
        return b.find(By.cssSelector("table[data-tally='" + tally + "'] td[data-state='" + state + "']")).getText();
    }

    @Test
    @Order(2)
    void aWorkloadsPageShowsItsStateItsRulesAndItsFlows() {
        b.open("/console/workloads");
        b.click(By.linkText("db1"));
        b.waitFor(By.id("workload-facts"));
        assertThat(b.driver.getCurrentUrl()).endsWith("/console/workloads/" + id(db.workload()));
        assertThat(b.text(By.id("workload-labels"))).contains("app=shop").contains("env=prod").contains("role=db");
        assertThat(b.text(By.id("workload-mode"))).startsWith("visibility_only").contains("Enforcement readiness");
        assertThat(b.text(By.id("workload-coexistence"))).startsWith("Exclusive");
        assertThat(b.text(By.id("ven-health"))).contains("active").contains("Dataplane backend");
        assertThat(b.text(By.id("rules-inbound"))).contains("shop").contains("role=web → role=db").contains("tcp/5432");
        assertThat(b.text(By.id("rules-outbound"))).contains("No rule");
        assertThat(b.find(By.cssSelector("#rules-inbound a")).getAttribute("href")).contains("#sec_rules-" + id(dbRule));
        List<WebElement> flows = b.all(By.cssSelector("#workload-flows tr.flow"));
        assertThat(flows).hasSize(4); // web1 → db1 reported by both ends, crm1 and 203.0.113.9 at db1
        assertThat(b.text(By.id("workload-flows"))).contains("crm1").contains("potentially blocked").contains("tcp/22");
        b.docScreenshot("workload-detail");

        // crm1 is named by the shop rule's consumer label role=web, but it is outside the scope: an intra-scope rule
        b.open("/console/workloads/" + id(crm.workload()));
        b.waitFor(By.id("rules-outbound"));
        assertThat(b.text(By.id("rules-outbound"))).contains("No rule");
        b.open("/console/workloads/" + id(web.workload()));
        b.waitFor(By.id("rules-outbound"));
        assertThat(b.text(By.id("rules-outbound"))).contains("role=web → role=db");
    }

    @Test
    @Order(3)
    void usersRolesAndApiKeysAsTheRoleAllows() throws Exception {
        b.open("/console/users");
        b.waitFor(By.id("users"));
        assertThat(b.find(By.cssSelector("nav a[aria-current=page]")).getText()).isEqualTo("Users and API keys");
        b.expand(By.id("add-key"));
        b.type(By.id("key-name"), "ci script");
        b.click(By.id("add-key-button"));
        String notice = b.waitFor(By.id("notice")).getText();
        assertThat(notice).contains("API key 'ci script' added").contains("shown once");
        String key = notice.substring(notice.lastIndexOf(' ') + 1);
        assertThat(b.pce.anonymous.withAuthorization("Basic " + java.util.Base64.getEncoder()
                .encodeToString(key.getBytes())).get("/users/me").status()).as("the new key signs in").isEqualTo(200);
        WebElement row = b.find(By.xpath("//li[contains(., 'ci script')]"));
        assertThat(row.getText()).contains(key.substring(0, key.indexOf(':')));

        b.expand(By.id("add-user"));
        b.type(By.id("user-name"), "auditor");
        b.choose(By.id("user-role"), "read only");
        b.click(By.id("add-user-button"));
        assertThat(b.waitFor(By.id("notice")).getText()).contains("User 'auditor' added as read only");
        assertThat(b.find(By.cssSelector("tr[data-user='auditor'] .roles")).getText()).contains("read only");
        b.expand(By.id("add-user"));
        b.type(By.id("user-name"), "auditor");
        b.click(By.id("add-user-button"));
        b.waitFor(By.cssSelector(".field-error"));
        assertThat(b.errorsBeside(By.id("user-name"))).as("the API's refusal beside the username").isNotEmpty();
        b.docScreenshot("users");

        b.clickAndAnswer(By.cssSelector("li[data-key='" + key.substring(0, key.indexOf(':')) + "'] button"), true);
        assertThat(b.waitFor(By.id("notice")).getText()).contains("API key removed");
        assertThat(b.pce.anonymous.withAuthorization("Basic " + java.util.Base64.getEncoder()
                .encodeToString(key.getBytes())).get("/users/me").status()).isEqualTo(401);

        // a read-only user sees itself and its own keys only
        String reader = b.user("reader", Map.of("role", Map.of("href", "/roles/read_only")));
        b.signInAs(reader);
        b.waitFor(By.id("who"));
        b.open("/console/users");
        assertThat(b.all(By.cssSelector("#users tr[data-user]"))).hasSize(1);
        assertThat(b.text(By.id("users"))).contains("reader").contains("read only").contains("console test");
        assertThat(b.all(By.id("add-user"))).isEmpty();
        b.signInAsOwner();
    }

    @Test
    @Order(5)
    void pairingGivesTheWholeCommandWithAKeyThatActivates() {
        b.api.post("/orgs/1/pairing_profiles", Map.of("name", "shop web", "enforcement_mode", "visibility_only",
                "labels", List.of(Map.of("href", webRole))));
        b.open("/console/pairing");
        b.choose(By.id("pair-profile"), "shop web (visibility_only, role=web)");
        b.choose(By.id("pair-dataplane"), "nftables");
        b.click(By.id("pair-generate"));
        String command = b.waitFor(By.id("pair-command")).getText();
        assertThat(command).startsWith("sudo cordon ven --pce " + b.base + " --activation-code ")
                .endsWith(" --state-dir /var/lib/cordon-ven --dataplane nftables");
        String code = command.split(" ")[6];
        b.click(By.id("pair-copy"));
        b.waitForText(By.id("pair-copied"), "op");
        assertThat(b.text(By.id("pair-copied"))).isIn("Copied.", "Select the command and copy it (Ctrl+C).");
        b.docScreenshot("pairing");
        var activated = b.pce.anonymous.post("/ven/activate", Map.of("activation_code", code, "hostname", "web9",
                "interfaces", List.of(Map.of("name", "eth0", "address", "10.0.0.9")), "os_type", "linux",
                "ven_type", "server", "version", "0.1.0"));
        assertThat(activated.status()).as("the command's key pairs a host: %s", activated).isEqualTo(201);

        b.open("/console/pairing");
        b.click(By.id("pair-generate"));
        b.waitFor(By.cssSelector(".field-error"));
        assertThat(b.errorsBeside(By.id("pair-profile"))).singleElement().asString().contains("Choose the pairing profile");
    }

    @Test
    @Order(6)
    void theGeneratorProposesRulesForTheGroupAndReadinessThenShowsNothingLeftToBreak() {
        b.open("/console/readiness?workload=" + id(db.workload()));
        b.waitFor(By.id("readiness-summary"));
        assertThat(b.text(By.id("readiness-summary"))).contains("2 flow records");
        assertThat(b.all(By.cssSelector("#would-block tr.flow"))).hasSize(2);

        b.open("/console/generator");
        b.type(By.id("scope_q"), "app=shop, env=prod");
        b.find(By.id("scope_q")).sendKeys(Keys.ESCAPE);
        b.click(By.id("generate"));
        b.waitFor(By.id("coverage"));
        // connections of shop's flows: 5 allowed (web → db), 2 + 3 potentially blocked, 1 blocked
        assertThat(b.text(By.id("coverage-before"))).isEqualTo("45%");
        assertThat(b.text(By.id("coverage-after"))).isEqualTo("100%");
        List<WebElement> rules = b.all(By.cssSelector("#proposed-rules tr.proposed"));
        assertThat(rules).extracting(r -> r.getAttribute("data-kind"))
                .containsExactlyInAnyOrder("extra_scope", "unmanaged_consumers", "unmanaged_providers");
        assertThat(text(rules, "extra_scope")).contains("app=crm AND env=prod AND role=web").contains("role=db").contains("tcp/5432");
        assertThat(text(rules, "unmanaged_consumers")).contains("IP list 'app=shop env=prod clients 1'").contains("tcp/22");
        assertThat(text(rules, "unmanaged_providers")).contains("role=web").contains("tcp/443");
        assertThat(b.text(By.id("proposed-ip-lists"))).contains("203.0.113.9");
        int ruleSetsBefore = b.api.get("/orgs/1/sec_policy/draft/rule_sets").body().size();
        assertThat(ruleSetsBefore).as("nothing is written before the user confirms").isEqualTo(1);
        b.docScreenshot("policy-generator");
        b.click(By.id("apply-proposal"));
        assertThat(b.waitFor(By.id("notice")).getText()).contains("added to the draft with 3 rules and 2 IP lists");
        JsonNode sets = b.api.get("/orgs/1/sec_policy/draft/rule_sets").body();
        assertThat(sets).hasSize(2);

        b.open("/console/readiness?workload=" + id(db.workload()));
        b.waitFor(By.id("readiness-summary"));
        assertThat(b.text(By.id("readiness-summary"))).contains("Nothing left to break");
        assertThat(b.text(By.id("readiness-pending"))).contains("not provisioned");
        b.docScreenshot("enforcement-readiness");
        b.clickAndAnswer(By.id("switch-to-full"), true);
        assertThat(b.waitFor(By.id("notice")).getText()).contains("1 workload switched to full enforcement");
        assertThat(b.api.get(db.workload()).body().path("enforcement_mode").asText()).isEqualTo("full");
    }

    private static String text(List<WebElement> rows, String kind) {
        return rows.stream().filter(r -> kind.equals(r.getAttribute("data-kind"))).findFirst().orElseThrow().getText();
    }

    /**
     * Every page: a skip link first, which moves focus to the content; the active menu item marked aria-current;
     * every visible control named (a label, aria-label or its text); the busy indicator htmx shows while a request runs.
     */
    @Test
    @Order(4)
    void everyPageHasTheAccessibilityBasics() {
        List<String> unnamed = new ArrayList<>();
        for (String page : List.of("/console/dashboard", "/console/workloads", "/console/workloads/" + id(db.workload()),
                "/console/labels", "/console/label_groups", "/console/ip_lists", "/console/services", "/console/rule_sets",
                "/console/provision", "/console/policy_check", "/console/conflicts", "/console/generator",
                "/console/readiness", "/console/traffic", "/console/map", "/console/rule_hits", "/console/events",
                "/console/vens", "/console/pairing", "/console/users", "/console/settings/security/firewall_coexistence")) {
            b.open(page);
            b.waitFor(By.id("main"));
            WebElement skip = b.find(By.id("skip"));
            assertThat(b.js("return document.querySelector('a[href],button,input:not([type=hidden]),select,textarea') === arguments[0]", skip))
                    .as("%s: the skip link comes first", page).isEqualTo(true);
            assertThat(b.all(By.cssSelector("nav a[aria-current=page]"))).as("%s: one active menu item", page).hasSize(1);
            @SuppressWarnings("unchecked")
            List<String> missing = (List<String>) b.js(String.join("\n",
                    "var out = [];",
                    "document.querySelectorAll('input:not([type=hidden]), select, textarea, button').forEach(function (e) {",
                    "  var name = e.getAttribute('aria-label') || '';",
                    "  if (!name && e.getAttribute('aria-labelledby')) name = e.getAttribute('aria-labelledby').split(' ')",
                    "      .map(function (i) { var l = document.getElementById(i); return l ? l.textContent : ''; }).join(' ');",
                    "  if (!name && e.id) { var l = document.querySelector('label[for=\"' + e.id + '\"]'); if (l) name = l.textContent; }",
                    "  if (!name && e.closest('label')) name = e.closest('label').textContent;",
                    "  if (!name && e.tagName === 'BUTTON') name = e.textContent;",
                    "  if (!name && (e.type === 'submit' || e.type === 'button')) name = e.value;",
                    "  if (!name) name = e.getAttribute('title') || '';",
                    "  if (!name.trim()) out.push(e.outerHTML.substring(0, 120));",
                    "});",
                    "return out;"));
            for (String m : missing) unnamed.add(page + ": " + m);
        }
        assertThat(unnamed).as("controls with no accessible name").isEmpty();

        b.open("/console/rule_hits");
        b.find(By.tagName("body")).sendKeys(Keys.TAB);
        assertThat(b.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("skip");
        b.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        assertThat(b.driver.switchTo().activeElement().getAttribute("id")).as("the skip link moves focus to the content").isEqualTo("main");
        WebElement busy = b.find(By.id("busy"));
        assertThat(busy.isDisplayed()).isFalse();
        assertThat(b.find(By.tagName("body")).getAttribute("hx-indicator")).isEqualTo("#busy");
        b.js("arguments[0].classList.add('htmx-request')", busy);
        assertThat(busy.isDisplayed()).as("shown while htmx marks a request running").isTrue();
        assertThat(busy.getAttribute("role")).isEqualTo("status");
    }
}
