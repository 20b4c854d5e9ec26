package dev.cordon.pce.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

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
        b.choose(By.id("g-labels"), "role=api", "role=worker");
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
        b.choose(By.id("w-labels"), "loc=paris");
        b.click(By.cssSelector("#add-workload button[type=submit]"));
        b.waitFor(By.id("notice"));
        By row = By.cssSelector("tr[data-name='printer']");
        assertThat(b.text(row)).contains("printer.example").contains("10.9.0.7").contains("loc=paris").contains("unmanaged");

        b.find(row).findElement(By.tagName("summary")).click();
        b.choose(By.cssSelector("tr[data-name='printer'] select[name=labels]"), "loc=oslo");
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
}
