package dev.cordon.pce.console;

import static dev.cordon.pce.console.ConsoleBrowser.flow;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The traffic pages with real traffic: three VENs (real agent tokens) report flows on {@code POST /api/v2/ven/traffic};
 * web1 → db1 on tcp/5432 is allowed by a rule of 'shop', crm1 → db1 on tcp/5432 is potentially blocked (db1 is in
 * visibility only) and would be allowed by a rule added to the draft since, web1 → 203.0.113.9:443 is blocked; the
 * tcp/22 rule was last hit 40 days ago. Explorer, Map and rule hit counts must show exactly that.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrafficBrowserTest {
    ConsoleBrowser b;
    String ruleSetId;
    String dbRule;
    String sshRule;
    String crmRule;
    ConsoleBrowser.Ven web;
    ConsoleBrowser.Ven db;
    ConsoleBrowser.Ven crm;
    Instant recent;
    String crmLabel;
    Instant old;
    static final String PAGED_FROM = "2026-11-20T00:00:00Z";
    static final String PAGED_TO = "2026-11-21T00:00:00Z";

    @BeforeAll
    void start() {
        b = new ConsoleBrowser();
        String shop = b.label("app", "shop");
        String crmApp = b.label("app", "crm");
        crmLabel = crmApp;
        String prod = b.label("env", "prod");
        String webRole = b.label("role", "web");
        String dbRole = b.label("role", "db");
        web = b.ven("web1", "10.0.0.1", "full", webRole, shop, prod);
        db = b.ven("db1", "10.0.0.2", "visibility_only", dbRole, shop, prod);
        crm = b.ven("crm1", "10.0.0.3", "full", crmApp, prod);
        JsonNode rs = b.api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "shop",
                "scopes", List.of(List.of(Map.of("label", Map.of("href", shop)))),
                "rules", List.of(
                        Map.of("providers", List.of(Map.of("label", Map.of("href", dbRole))),
                                "consumers", List.of(Map.of("label", Map.of("href", webRole))),
                                "ingress_services", List.of(Map.of("proto", 6, "port", 5432))),
                        Map.of("providers", List.of(Map.of("label", Map.of("href", dbRole))),
                                "consumers", List.of(Map.of("label", Map.of("href", webRole))),
                                "ingress_services", List.of(Map.of("proto", 6, "port", 22)))))).body();
        String rsHref = rs.get("href").asText();
        ruleSetId = rsHref.substring(rsHref.lastIndexOf('/') + 1);
        dbRule = rs.get("rules").get(0).get("href").asText();
        sshRule = rs.get("rules").get(1).get("href").asText();
        long version = b.api.post("/orgs/1/sec_policy", Map.of("update_description", "shop")).body().get("version").asLong();
        // after provisioning: the draft lets crm reach the database too
        crmRule = ConsoleBrowser.created(b.api.post(rsHref + "/sec_rules", Map.of(
                "providers", List.of(Map.of("label", Map.of("href", dbRole))),
                "consumers", List.of(Map.of("label", Map.of("href", crmApp))),
                "ingress_services", List.of(Map.of("proto", 6, "port", 5432)), "unscoped_consumers", true)));

        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant t0 = now.minus(Duration.ofMinutes(12));
        Instant t1 = now.minus(Duration.ofMinutes(10));
        old = now.minus(Duration.ofDays(40));
        recent = t1;
        b.traffic(web, 1, List.of(
                flow("outbound", web.address(), db.address(), 5432, "allowed", dbRule, version, 5, t0, t1),
                flow("outbound", web.address(), "203.0.113.9", 443, "blocked", null, version, 1, t0, t1)));
        b.traffic(db, 1, List.of(
                flow("inbound", db.address(), web.address(), 5432, "allowed", dbRule, version, 5, t0, t1),
                flow("inbound", db.address(), crm.address(), 5432, "potentially_blocked", null, version, 2, t0, t1),
                flow("inbound", db.address(), web.address(), 22, "allowed", sshRule, version, 3, old, old.plusSeconds(60))));
        // 120 flows in a day of their own, for sorting and paging: the n-th has n connections
        List<Map<String, Object>> many = new ArrayList<>();
        Instant day = Instant.parse("2026-11-20T10:00:00Z");
        for (int n = 1; n <= 120; n++) {
            many.add(flow("outbound", web.address(), "10.9.0." + n, 1000 + n, "blocked", null, version, n,
                    day.plusSeconds(n), day.plusSeconds(n + 30)));
        }
        b.traffic(web, 2, many);
        b.signInAsOwner();
    }

    @AfterAll
    void stop() {
        if (b != null) b.close();
    }

    /** A time as the pages show it: "2026-12-02 06:30:00" (UTC). */
    private static String shown(Instant t) {
        return t.toString().substring(0, 10) + " " + t.toString().substring(11, 19);
    }

    private static String id(String href) {
        return href.substring(href.lastIndexOf('/') + 1);
    }

    private List<WebElement> rows() {
        return b.all(By.cssSelector("#flows tbody tr.flow"));
    }

    private WebElement row(String containing) {
        List<WebElement> m = rows().stream().filter(r -> r.getText().contains(containing)).toList();
        assertThat(m).as("one row with %s", containing).hasSize(1);
        return m.get(0);
    }

    @Test
    void theExplorerShowsEveryFlowWithItsDecisionItsRuleAndTheDraftDecision() {
        b.open("/console/traffic");
        b.waitFor(By.id("flows"));
        assertThat(b.find(By.cssSelector("nav a[aria-current=page]")).getText()).isEqualTo("Explorer");
        assertThat(b.find(By.id("loading")).getAttribute("role")).isEqualTo("status");
        // web1 -> db1 reported by both ends, crm1 -> db1, web1 -> the outside; the 40-day-old flow is not in 24 hours
        assertThat(rows()).hasSize(4);
        assertThat(b.text(By.id("matches"))).isEqualTo("4");

        WebElement crmRow = row("crm1");
        assertThat(crmRow.findElement(By.cssSelector("td .v-potentially_blocked")).getText()).isEqualTo("potentially blocked");
        assertThat(crmRow.findElement(By.cssSelector("td.draft")).getText()).contains("allowed").contains("allow · shop");
        assertThat(crmRow.getAttribute("class")).contains("differs");
        assertThat(crmRow.findElement(By.cssSelector("td.draft a")).getAttribute("href"))
                .endsWith("/console/rule_sets/" + ruleSetId + "#sec_rules-" + id(crmRule));
        assertThat(crmRow.findElement(By.cssSelector("td.rule")).getText()).isEqualTo("no rule");

        WebElement inbound = rows().stream().filter(r -> r.getText().contains("db1") && r.getText().contains("web1")
                && r.findElements(By.cssSelector("td.rule a")).size() == 1).findFirst().orElseThrow();
        WebElement rule = inbound.findElement(By.cssSelector("td.rule a"));
        assertThat(rule.getText()).isEqualTo("allow · shop");
        assertThat(rule.getAttribute("href")).endsWith("/console/rule_sets/" + ruleSetId + "#sec_rules-" + id(dbRule));
        assertThat(rule.getAttribute("title")).contains("role=web → role=db").contains("tcp/5432");
        WebElement source = inbound.findElement(By.cssSelector("td.end a.wl"));
        assertThat(source.getText()).isEqualTo("web1");
        assertThat(source.getAttribute("href")).endsWith("/console/workloads/" + id(web.workload()));
        assertThat(inbound.getText()).contains("app=shop").contains("role=web").contains("tcp/5432");

        WebElement outside = row("203.0.113.9");
        assertThat(outside.findElement(By.cssSelector(".v-blocked")).getText()).isEqualTo("blocked");
        b.docScreenshot("traffic-explorer");
    }

    @Test
    void thePickerFindsObjectsOnTheServerAndFiltersWithDecisions() {
        b.open("/console/traffic");
        b.waitFor(By.id("flows"));
        b.type(By.id("dst_q"), "role=d");
        b.waitFor(By.cssSelector("#dst-options li.opt"));
        assertThat(b.all(By.cssSelector("#dst-options li.opt")).stream().map(WebElement::getText).toList())
                .containsExactly("role=db");
        b.find(By.id("dst_q")).sendKeys(Keys.ENTER);
        WebElement pill = b.waitFor(By.cssSelector("#dst-pills .pill"));
        assertThat(pill.getAttribute("textContent")).startsWith("role=db");
        assertThat(b.find(By.id("dst_q")).getAttribute("value")).isEmpty();
        assertThat(b.find(By.id("dst-options")).isDisplayed()).isFalse();
        b.click(By.id("decision-potentially_blocked"));
        b.click(By.id("run"));
        b.waitForText(By.id("matches"), "1");
        assertThat(rows()).singleElement().extracting(WebElement::getText).asString().contains("crm1").contains("db1");
        assertThat(b.driver.getCurrentUrl()).contains("decision=potentially_blocked").contains("dst=label");

        // a pill can be removed; a workload typed by name (no picker needed) filters too
        b.click(By.cssSelector("#dst-pills .unpick"));
        assertThat(b.all(By.cssSelector("#dst-pills .pill"))).isEmpty();
        b.open("/console/traffic?src_q=web1&dst_q=203.0.113.9");
        b.waitFor(By.id("flows"));
        assertThat(rows()).singleElement().extracting(WebElement::getText).asString().contains("203.0.113.9");
        assertThat(b.all(By.cssSelector("#src-pills .pill")).get(0).getAttribute("textContent")).startsWith("workload web1");
    }

    @Test
    void anUnknownNameIsShownBesideItsFieldAndNoQueryRuns() {
        b.open("/console/traffic?src_q=nosuch-host&services=tcp%2Fhttp");
        b.waitFor(By.cssSelector(".field-error"));
        assertThat(b.errorsBeside(By.id("src_q"))).singleElement().asString().contains("'nosuch-host'");
        assertThat(b.all(By.id("flows"))).isEmpty();
        b.open("/console/traffic?services=tcp%2Fhttp");
        b.waitFor(By.cssSelector(".field-error"));
        assertThat(b.errorsBeside(By.id("services"))).singleElement().asString().contains("'http' is not a port number");
        // what the API refuses is placed by its words: an end before the start is the API's to say
        b.open("/console/traffic?range=custom&from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z");
        b.waitFor(By.cssSelector(".field-error"));
        assertThat(b.errorsBeside(By.id("to"))).singleElement().asString().contains("end_date is before start_date");
    }

    @Test
    void resultsAreSortedAndPagedOnTheServer() {
        b.open("/console/traffic?range=custom&from=" + PAGED_FROM + "&to=" + PAGED_TO + "&sort=connections&dir=desc");
        b.waitFor(By.id("flows"));
        assertThat(b.text(By.id("matches"))).isEqualTo("120");
        assertThat(rows()).hasSize(50);
        assertThat(b.text(By.cssSelector(".pager span"))).isEqualTo("Page 1 of 3");
        assertThat(rows().get(0).findElement(By.cssSelector("td.num")).getText()).isEqualTo("120");
        assertThat(b.find(By.cssSelector("th[aria-sort=descending]")).getText()).startsWith("Connections");
        b.click(By.id("next"));
        b.waitForText(By.cssSelector(".pager span"), "Page 2 of 3");
        assertThat(rows().get(0).findElement(By.cssSelector("td.num")).getText()).isEqualTo("70");
        b.click(By.id("sort-connections"));
        b.waitFor(By.cssSelector("th[aria-sort=ascending]"));
        assertThat(rows().get(0).findElement(By.cssSelector("td.num")).getText()).isEqualTo("1");
        b.click(By.id("sort-service"));
        b.waitForText(By.cssSelector("th[aria-sort=ascending]"), "Service");
        assertThat(rows().get(0).getText()).contains("tcp/1001");
    }

    @Test
    void csvExportHasEveryFlowOfTheQuery() throws Exception {
        b.open("/console/traffic?range=custom&from=" + PAGED_FROM + "&to=" + PAGED_TO);
        b.waitFor(By.id("flows"));
        String href = b.find(By.id("export")).getAttribute("href");
        String cookie = b.driver.manage().getCookieNamed("cordon_console").getValue();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(href))
                .header("Cookie", "cordon_console=" + cookie).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        List<String> lines = r.body().lines().toList();
        assertThat(lines.get(0)).startsWith("first_detected,last_detected,source_ip,source_workload");
        assertThat(lines).hasSize(121);
        assertThat(lines).anyMatch(l -> l.contains(",10.0.0.1,web1,") && l.contains(",10.9.0.7,") && l.contains(",tcp/1007,7,outbound,blocked,"));

        b.open("/console/traffic?src_q=crm1");
        b.waitFor(By.id("flows"));
        String crmCsv = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(b.find(By.id("export")).getAttribute("href")))
                .header("Cookie", "cordon_console=" + cookie).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(crmCsv.lines().skip(1).toList()).singleElement().asString()
                .contains(",potentially_blocked,,,allowed,shop," + crmRule);
    }

    @SuppressWarnings("unchecked")
    @Test
    void theMapGroupsByAppAndEnvAndColoursLinksByDecision() {
        b.open("/console/map");
        b.waitFor(By.cssSelector("#map[data-drawn]"));
        assertThat(b.find(By.cssSelector("nav a[aria-current=page]")).getText()).isEqualTo("Map");
        List<String> groups = (List<String>) b.js("return window.cordonMap.nodes().map(n => n.data('title')).sort()");
        assertThat(groups).containsExactly("Outside addresses", "app=crm · env=prod", "app=shop · env=prod");
        List<String> links = (List<String>) b.js("return window.cordonMap.edges().map(e => "
                + "e.source().data('title') + ' > ' + e.target().data('title') + ': ' + e.data('decision')).sort()");
        assertThat(links).containsExactly("app=crm · env=prod > app=shop · env=prod: potentially_blocked",
                "app=shop · env=prod > Outside addresses: blocked", "app=shop · env=prod > app=shop · env=prod: allowed");
        WebElement shopRow = b.find(By.xpath("//table[@id='map-groups']//tr[td[1][contains(., 'app=shop · env=prod')]]"));
        assertThat(shopRow.getText()).contains("mixed: 1 full, 1 visibility only");
        b.docScreenshot("traffic-map");

        // a click on the link opens its panel: the decisions reported and under the draft, its service and rules
        b.js("var e = window.cordonMap.edges().filter(e => e.data('decision') === 'potentially_blocked')[0]; e.emit('tap');");
        b.waitForText(By.id("panel-title"), "app=crm · env=prod → app=shop · env=prod");
        assertThat(b.text(By.cssSelector("#pd-potentially_blocked .rep"))).isEqualTo("2");
        assertThat(b.text(By.cssSelector("#pd-potentially_blocked .dr"))).isEmpty();
        assertThat(b.text(By.cssSelector("#pd-allowed .dr"))).isEqualTo("2");
        assertThat(b.text(By.id("panel-services"))).contains("tcp/5432");
        assertThat(b.text(By.id("panel-draft-rules"))).contains("allow · 'shop'").contains("app=crm → role=db");
        assertThat(b.find(By.id("panel-flows")).getAttribute("href")).contains("/console/traffic?");

        // a group's panel: its workloads and mode
        b.js("window.cordonMap.nodes().filter(n => n.data('title') === 'app=shop · env=prod')[0].emit('tap');");
        b.waitFor(By.id("panel-mode"));
        assertThat(b.text(By.id("panel-title"))).isEqualTo("app=shop · env=prod");
        assertThat(b.text(By.id("panel-mode"))).isEqualTo("mixed: 1 full, 1 visibility only");
        assertThat(b.text(By.id("panel-body"))).contains("web1").contains("db1");

        // the draft view: crm -> shop would be allowed
        b.click(By.id("view-draft"));
        b.click(By.id("draw"));
        new WebDriverWait(b.driver, Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().contains("view=draft"));
        b.waitFor(By.cssSelector("#map[data-drawn]"));
        List<String> draft = (List<String>) b.js("return window.cordonMap.edges().map(e => "
                + "e.source().data('title') + ' > ' + e.target().data('title') + ': ' + e.data('decision')).sort()");
        assertThat(draft).contains("app=crm · env=prod > app=shop · env=prod: allowed");

        // grouped by role instead
        b.open("/console/map?key=role");
        b.waitFor(By.cssSelector("#map[data-drawn]"));
        List<String> byRole = (List<String>) b.js("return window.cordonMap.nodes().map(n => n.data('title')).sort()");
        assertThat(byRole).containsExactly("Outside addresses", "no role", "role=db", "role=web");
        assertThat(b.find(By.id("key-role")).isSelected()).isTrue();
        assertThat(b.find(By.id("key-app")).isSelected()).isFalse();
    }

    @Test
    void aRuleSetManagerSeesOnlyTheFlowsWithAnEndInItsScope() {
        String key = b.user("crm-manager", Map.of("role", Map.of("href", "/roles/ruleset_manager"),
                "scope", List.of(Map.of("label", Map.of("href", crmLabel))), "scope_coverage", "sources_and_destinations"));
        try {
            b.signInAs(key);
            b.waitFor(By.id("who"));
            b.open("/console/traffic");
            b.waitFor(By.id("flows"));
            assertThat(rows()).singleElement().extracting(WebElement::getText).asString().contains("crm1").contains("db1");
        } finally {
            b.signInAsOwner();
        }
    }

    @Test
    void ruleHitCountsShowConnectionsInTheWindowAndTheLastHit() {
        b.open("/console/rule_hits?window=7d");
        b.waitFor(By.id("hits"));
        assertThat(b.find(By.cssSelector("nav a[aria-current=page]")).getText()).isEqualTo("Rule hit counts");
        WebElement db5432 = b.find(By.cssSelector("tr[data-rule='" + dbRule + "']"));
        // both ends reported the 5 connections: counted once
        assertThat(db5432.findElement(By.cssSelector("td.conns")).getText()).isEqualTo("5");
        assertThat(db5432.findElement(By.cssSelector("td.last")).getText()).isEqualTo(shown(recent));
        WebElement ssh = b.find(By.cssSelector("tr[data-rule='" + sshRule + "']"));
        assertThat(ssh.findElement(By.cssSelector("td.conns")).getText()).isEqualTo("0");
        assertThat(ssh.findElement(By.cssSelector("td.last")).getText()).isEqualTo(shown(old.plusSeconds(60)));
        assertThat(b.find(By.cssSelector("tr[data-rule='" + crmRule + "'] td.last")).getText()).isEqualTo("never");
        b.docScreenshot("rule-hits");

        b.click(By.id("no-traffic-30d"));
        b.waitForText(By.cssSelector("h1"), "Rules with no traffic");
        List<String> unused = b.all(By.cssSelector("#hits tbody tr.hit")).stream().map(r -> r.getAttribute("data-rule")).toList();
        assertThat(unused).containsExactlyInAnyOrder(sshRule, crmRule);
    }
}
