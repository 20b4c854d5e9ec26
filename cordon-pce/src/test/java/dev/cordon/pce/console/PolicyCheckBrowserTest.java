package dev.cordon.pce.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

/** Policy check: from / to / port / protocol gives the verdict at each end and the deciding rule. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyCheckBrowserTest {
    ConsoleBrowser b;

    @BeforeAll
    void start() {
        b = new ConsoleBrowser();
        String web = b.label("role", "web");
        String db = b.label("role", "db");
        String shop = b.label("app", "shop");
        b.unmanaged("web1", "10.0.0.1", web, shop);
        b.managed("db1", "10.0.0.2", "full", db, shop);
        ConsoleBrowser.created(b.api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "shop",
                "scopes", List.of(List.of(Map.of("label", Map.of("href", shop)))),
                "rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", db))),
                        "consumers", List.of(Map.of("label", Map.of("href", web))),
                        "ingress_services", List.of(Map.of("proto", 6, "port", 5432)))),
                "deny_rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", db))),
                        "consumers", List.of(Map.of("ip_list", Map.of("href", b.builtIn("ip_lists", "Any (0.0.0.0/0 and ::/0)")))),
                        "ingress_services", List.of(Map.of("proto", 6, "port", 22)), "unscoped_consumers", true,
                        "override", true)))));
        b.signInAsOwner();
    }

    @AfterAll
    void stop() {
        if (b != null) b.close();
    }

    @Test
    void aCheckShowsTheVerdictAtEachEndAndTheDecidingRule() {
        check("web1", "db1", "22");
        b.waitFor(By.id("verdict"));
        assertThat(b.text(By.cssSelector("#verdict h2"))).isEqualTo("Blocked");
        assertThat(b.text(By.id("end-source"))).contains("not enforced");
        assertThat(b.text(By.id("end-destination"))).contains("db1").contains("blocked")
                .contains("override deny rule in 'shop'");
        assertThat(b.text(By.id("deciding-rule"))).contains("override deny").contains("'shop'");
        b.screenshot("policy-check");

        check("web1", "db1", "5432");
        b.waitForText(By.cssSelector("#verdict h2"), "Allowed");
        assertThat(b.text(By.id("end-destination"))).contains("allowed").contains("allow rule in 'shop'");
    }

    @Test
    void anUnknownWorkloadIsShownBesideTheFromField() {
        check("nosuch", "db1", "22");
        b.waitFor(By.cssSelector(".field-error"));
        assertThat(b.errorsBeside(By.id("from"))).singleElement().asString().contains("No workload 'nosuch'");
        assertThat(b.all(By.id("verdict"))).isEmpty();
    }

    @Test
    void emptyEndsAreAskedForInTheFormsWords() {
        check("web1", "", "22");
        b.waitFor(By.cssSelector(".field-error"));
        assertThat(b.errorsBeside(By.id("to"))).singleElement().asString().contains("Give the destination")
                .doesNotContain("dst_");
        assertThat(b.all(By.id("verdict"))).isEmpty();
    }

    private void check(String from, String to, String port) {
        b.open("/console/policy_check");
        b.type(By.id("from"), from);
        b.type(By.id("to"), to);
        b.type(By.id("port"), port);
        b.choose(By.id("protocol"), "tcp");
        b.click(By.id("check"));
    }
}
