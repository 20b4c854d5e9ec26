package dev.cordon.pce.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Events: the org's audit log, filtered by type and severity (htmx swaps the table). */
class EventsBrowserTest extends OwnerSignedInBrowserTest {

    @Test
    void filteringByTypeShowsOnlyThoseEvents() {
        b.label("role", "web");
        b.label("role", "db");
        ConsoleBrowser.created(b.api.post("/orgs/1/sec_policy/draft/ip_lists", java.util.Map.of("name", "office",
                "ip_ranges", List.of(java.util.Map.of("from_ip", "10.8.0.0/16")))));
        assertThat(b.pce.anonymous.as("api_nobody:nothing").get("/orgs/1/labels").status()).isEqualTo(401);
        b.open("/console/events");
        assertThat(types()).contains("label.create");
        assertThat(types()).anyMatch(t -> !t.equals("label.create"));

        b.type(By.id("event_type"), "label.create");
        b.click(By.id("filter"));
        until(d -> types().stream().allMatch("label.create"::equals));
        assertThat(types()).hasSize(2);
        assertThat(b.driver.getCurrentUrl()).contains("event_type=label.create");

        b.type(By.id("event_type"), "");
        b.choose(By.id("severity"), "warning");
        b.click(By.id("filter"));
        until(d -> !types().isEmpty()
                && types().stream().allMatch("request.authentication_failed"::equals));
        b.docScreenshot("events");

        // a time that is not RFC 3339 is said above the results, in place (htmx swaps them with the message)
        b.type(By.id("since"), "2026-12-01");
        b.click(By.id("filter"));
        until(d -> !b.all(By.cssSelector("#events-view .field-error")).isEmpty());
        assertThat(b.text(By.cssSelector("#events-view .field-error"))).contains("RFC 3339");
    }

    /** Waits for the condition; the table may be swapped by htmx while it is read. */
    private void until(java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> condition) {
        new WebDriverWait(b.driver, Duration.ofSeconds(20))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    private List<String> types() {
        return b.all(By.cssSelector("#events td.etype")).stream().map(WebElement::getText).toList();
    }
}
