package dev.cordon.pce.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** Conflicts: every conflict of the draft, naming both rules, the kind and an example flow. */
class ConflictsBrowserTest extends OwnerSignedInBrowserTest {

    @Test
    void aDenyRuleReallowedByAnAllowRuleIsListedWithBothRulesAndAFlow() {
        String web = b.label("role", "web");
        String db = b.label("role", "db");
        b.unmanaged("web1", "10.0.0.1", web);
        b.managed("db1", "10.0.0.2", "selective", db);
        ConsoleBrowser.created(b.api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "db access",
                "scopes", List.of(),
                "rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", db))),
                        "consumers", List.of(Map.of("label", Map.of("href", web))),
                        "ingress_services", List.of(Map.of("proto", 6, "port", 3306)))),
                "deny_rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", db))),
                        "consumers", List.of(Map.of("label", Map.of("href", web))),
                        "ingress_services", List.of(Map.of("proto", 6)), "override", false)))));

        b.open("/console/conflicts");
        String row = b.text(By.cssSelector("#conflicts tbody tr"));
        assertThat(row).contains("deny overridden by allow").contains("deny in 'db access'")
                .contains("allow in 'db access'").contains("10.0.0.1 → 10.0.0.2 tcp port 3306");

        b.click(By.linkText("deny in 'db access'"));
        b.waitFor(By.id("rule-set-name"));
        assertThat(b.all(By.cssSelector("#deny_rules tr.conflicted button.marker"))).hasSize(1);
    }
}
