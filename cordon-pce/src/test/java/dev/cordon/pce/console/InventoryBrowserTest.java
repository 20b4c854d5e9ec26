package dev.cordon.pce.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Workloads, labels, label groups, IP lists and services: add through the console; refusals beside the field. */
class InventoryBrowserTest extends OwnerSignedInBrowserTest {

    @Test
    void labelsAreAddedAndADuplicateIsRefusedBesideTheValue() {
        b.open("/console/labels");
        b.choose(By.id("l-key"), "env");
        b.type(By.id("l-value"), "prod");
        b.click(By.cssSelector("#add-label button[type=submit]"));
        b.waitForText(By.id("notice"), "env=prod");
        assertThat(b.text(By.id("labels"))).contains("prod");

        b.choose(By.id("l-key"), "env");
        b.type(By.id("l-value"), "prod");
        b.click(By.cssSelector("#add-label button[type=submit]"));
        b.waitFor(By.cssSelector(".field-error"));
        assertThat(b.errorsBeside(By.id("l-value"))).singleElement().asString().contains("env=prod already exists");
        b.screenshot("labels-duplicate");
    }

    @Test
    void labelGroupsIpListsAndServicesGoToTheDraft() {
        b.label("role", "api");
        b.label("role", "worker");
        b.open("/console/label_groups");
        b.type(By.id("g-name"), "backends");
        b.type(By.id("g-key"), "role");
        b.pick("g-labels", "role=api", "role=worker");
        b.click(By.cssSelector("#add-label-group button[type=submit]"));
        b.waitFor(By.id("notice"));
        assertThat(b.text(By.id("label-groups"))).contains("backends").contains("role=api").contains("role=worker");

        b.open("/console/ip_lists");
        b.type(By.id("i-name"), "office");
        b.type(By.id("i-ranges"), "10.0.0.999");
        b.click(By.cssSelector("#add-ip-list button[type=submit]"));
        b.waitFor(By.cssSelector(".field-error"));
        assertThat(b.errorsBeside(By.id("i-ranges"))).singleElement().asString().contains("from_ip '10.0.0.999' is not an IPv4 or IPv6 address");
        b.type(By.id("i-ranges"), "192.168.0.0/16\n!192.168.9.0/24");
        b.click(By.cssSelector("#add-ip-list button[type=submit]"));
        b.waitFor(By.id("notice"));
        assertThat(b.text(By.id("ip-lists"))).contains("office").contains("192.168.0.0/16, !192.168.9.0/24");

        b.open("/console/services");
        b.type(By.id("s-name"), "web");
        b.type(By.id("s-ports"), "tcp/80, tcp/8000-8080, udp/53");
        b.click(By.cssSelector("#add-service button[type=submit]"));
        b.waitFor(By.id("notice"));
        assertThat(b.text(By.id("services"))).contains("tcp/80, tcp/8000-8080, udp/53");

        b.open("/console/provision");
        assertThat(b.text(By.id("pending"))).contains("backends").contains("office").contains("web");
    }

    @Test
    void anUnmanagedWorkloadIsAddedAndRelabelled() {
        b.label("loc", "paris");
        b.label("loc", "oslo");
        b.open("/console/workloads");
        b.click(By.xpath("//summary[contains(., 'Add an unmanaged workload')]"));
        b.type(By.id("w-name"), "printer");
        b.type(By.id("w-hostname"), "printer.example");
        b.type(By.id("w-address"), "10.9.0.7");
        b.pick("w-labels", "loc=paris");
        b.click(By.cssSelector("#add-workload button[type=submit]"));
        b.waitFor(By.id("notice"));
        By row = By.cssSelector("tr[data-name='printer']");
        assertThat(b.text(row)).contains("printer.example").contains("10.9.0.7").contains("loc=paris").contains("unmanaged");

        b.find(row).findElement(By.tagName("summary")).click();
        b.pick(By.cssSelector("tr[data-name='printer'] .picker"), "loc=oslo");
        b.find(row).findElement(By.cssSelector("form.stack button[type=submit]")).click();
        b.waitFor(By.id("notice"));
        assertThat(b.text(row)).contains("loc=oslo").doesNotContain("loc=paris");
    }

    /** An address that is no page (a form target left after an error, a guess) leads to the nearest page, not JSON. */
    @Test
    void addressesThatAreNoPageLeadToTheNearestPage() {
        b.open("/console/labels/1/delete");
        assertThat(b.driver.getCurrentUrl()).endsWith("/console/labels");
        b.open("/console/settings");
        assertThat(b.driver.getCurrentUrl()).endsWith("/console/settings/security/firewall_coexistence");
        b.open("/console/no-such-page");
        assertThat(b.driver.getCurrentUrl()).endsWith("/console/workloads");
        assertThat(b.driver.getPageSource()).doesNotContain("\"token\"");
    }

    /**
     * Lists are searched, sorted and paged on the server (50 a page, natural order: t-2 before t-10), keep the search
     * in every link, and their rows can be removed in bulk.
     */
    @Test
    void listsAreSearchedSortedPagedAndRowsRemovedInBulk() {
        for (int i = 1; i <= 60; i++) b.label("tier", "t-" + i);
        b.open("/console/labels?q=tier%3D");
        assertThat(b.text(By.id("list-count"))).isEqualTo("1–50 of 60");
        assertThat(b.all(By.cssSelector("#labels tbody tr"))).hasSize(50);
        b.click(By.cssSelector("#labels th a[data-sort=value]"));
        assertThat(b.find(By.cssSelector("#labels th[aria-sort=ascending]")).getText()).contains("Value");
        assertThat(b.all(By.cssSelector("#labels tbody tr")).stream().limit(3).map(e -> e.findElements(By.tagName("td")).get(2).getText()))
                .containsExactly("t-1", "t-2", "t-3");
        b.click(By.cssSelector("#labels th a[data-sort=value]"));
        assertThat(b.all(By.cssSelector("#labels tbody tr")).get(0).getText()).contains("t-60");
        b.click(By.id("page-next"));
        b.waitForText(By.id("list-count"), "51–60 of 60"); // the click loads a new page: wait for it, then read
        assertThat(b.text(By.id("list-count"))).isEqualTo("51–60 of 60");
        assertThat(b.text(By.id("page-now"))).isEqualTo("Page 2 of 2");
        assertThat(b.driver.getCurrentUrl()).contains("q=tier%3D").contains("sort=-value").contains("page=2");
        b.docScreenshot("labels-list");

        b.type(By.id("list-q"), "tier=t-5");
        b.click(By.id("list-search"));
        b.waitForText(By.id("list-count"), "1–11 of 11"); // the click loads a new page: wait for it, then read
        assertThat(b.text(By.id("list-count"))).isEqualTo("1–11 of 11");
        b.click(By.cssSelector("input[aria-label='Select tier=t-50']"));
        b.click(By.cssSelector("input[aria-label='Select tier=t-51']"));
        b.clickAndAnswer(By.id("bulk-remove"), true);
        b.waitForText(By.id("notice"), "Removed 2 of 2 labels.");
        assertThat(b.text(By.id("list-count"))).isEqualTo("1–9 of 9");
        assertThat(b.text(By.id("labels"))).doesNotContain("t-50").doesNotContain("t-51");
    }

    @Test
    void workloadsAreRelabelledInBulk() {
        String t1 = b.label("stage", "one");
        b.label("site", "lyon");
        for (int i = 1; i <= 3; i++) b.unmanaged("bulkw-" + i, "10.77.0." + i, t1);
        b.unmanaged("other-w", "10.77.0.9", t1);
        b.open("/console/workloads?q=bulkw");
        assertThat(b.text(By.id("list-count"))).isEqualTo("1–3 of 3");
        b.click(By.id("select-all"));
        b.pick("bulk-add", "site=lyon");
        b.pick("bulk-drop", "stage=one");
        b.click(By.id("bulk-relabel"));
        b.waitForText(By.id("notice"), "Relabelled 3 of 3 workloads.");
        assertThat(b.driver.getCurrentUrl()).contains("q=bulkw");
        for (int i = 1; i <= 3; i++) {
            assertThat(b.text(By.cssSelector("tr[data-name='bulkw-" + i + "']"))).contains("site=lyon").doesNotContain("stage=one");
        }
        b.open("/console/workloads?q=other-w");
        assertThat(b.text(By.cssSelector("tr[data-name='other-w']"))).contains("stage=one").doesNotContain("site=lyon");
        b.docScreenshot("workloads-bulk");
    }

    /** Labels, IP lists, services, label groups and an unmanaged workload's interfaces are edited in their rows. */
    @Test
    void objectsAreEditedInPlace() {
        b.label("zone", "blue");
        b.open("/console/labels?q=zone%3D");
        WebElement row = b.find(By.cssSelector("#labels tbody tr"));
        row.findElement(By.tagName("summary")).click();
        WebElement value = row.findElement(By.cssSelector("input[name=value]"));
        value.clear();
        value.sendKeys("green");
        row.findElement(By.cssSelector("form.stack button[type=submit]")).click();
        b.waitForText(By.id("notice"), "Label saved: zone=green.");
        assertThat(b.driver.getCurrentUrl()).contains("q=zone%3D");
        assertThat(b.text(By.id("labels"))).contains("green").doesNotContain("blue");

        ConsoleBrowser.created(b.api.post("/orgs/1/sec_policy/draft/ip_lists", java.util.Map.of("name", "edit-me",
                "ip_ranges", java.util.List.of(java.util.Map.of("from_ip", "10.50.0.0/16")))));
        b.open("/console/ip_lists?q=edit-me");
        row = b.find(By.cssSelector("#ip-lists tbody tr"));
        row.findElement(By.tagName("summary")).click();
        WebElement ranges = row.findElement(By.cssSelector("textarea[name=ip_ranges]"));
        ranges.clear();
        ranges.sendKeys("10.50.0.0/16\n!10.50.9.0/24");
        row.findElement(By.cssSelector("form.stack button[type=submit]")).click();
        b.waitForText(By.id("notice"), "IP list 'edit-me' saved in the draft.");
        assertThat(b.text(By.id("ip-lists"))).contains("10.50.0.0/16, !10.50.9.0/24");

        ConsoleBrowser.created(b.api.post("/orgs/1/sec_policy/draft/services", java.util.Map.of("name", "edit-svc",
                "service_ports", java.util.List.of(java.util.Map.of("proto", 6, "port", 80)))));
        b.open("/console/services?q=edit-svc");
        row = b.find(By.cssSelector("#services tbody tr"));
        row.findElement(By.tagName("summary")).click();
        WebElement ports = row.findElement(By.cssSelector("input[name=service_ports]"));
        ports.clear();
        ports.sendKeys("tcp/80, tcp/443");
        row.findElement(By.cssSelector("form.stack button[type=submit]")).click();
        b.waitForText(By.id("notice"), "Service 'edit-svc' saved in the draft.");
        assertThat(b.text(By.id("services"))).contains("tcp/80, tcp/443");

        String w = b.unmanaged("edit-host", "10.60.0.1");
        b.open("/console/workloads?q=edit-host");
        row = b.find(By.cssSelector("tr[data-name='edit-host']"));
        row.findElement(By.tagName("summary")).click();
        WebElement itfs = row.findElement(By.cssSelector("input[name=interfaces]"));
        assertThat(itfs.getAttribute("value")).isEqualTo("eth0=10.60.0.1");
        itfs.clear();
        itfs.sendKeys("eth0=10.60.0.1, eth1=10.61.0.1/24");
        row.findElement(By.cssSelector("form.stack button[type=submit]")).click();
        b.waitFor(By.id("notice"));
        assertThat(b.text(By.cssSelector("tr[data-name='edit-host']"))).contains("10.60.0.1").contains("10.61.0.1");
        assertThat(b.api.get(w).body().path("interfaces").size()).isEqualTo(2);
    }
}
