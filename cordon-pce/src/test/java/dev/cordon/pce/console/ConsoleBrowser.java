package dev.cordon.pce.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.PceHarness;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The real PCE (127.0.0.1, port 0, plain HTTP, H2 in a temporary directory) with its console, and the system's
 * headless Chromium driven by the system's chromedriver. Selenium never downloads anything: both binaries are given
 * by path. A missing binary fails the test with how to install it (under CI and everywhere else alike).
 */
final class ConsoleBrowser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final PceHarness pce;
    final Api api;
    final WebDriver driver;
    final String base;
    final String ownerKey;
    private final Path profile;

    private final boolean ownsPce;

    ConsoleBrowser() {
        this(startPce(), true);
    }

    private static PceHarness startPce() {
        requireBrowser();
        return PceHarness.h2();
    }

    /** A browser on a PCE the caller started; {@code ownsPce}: {@link #close()} stops it too. */
    ConsoleBrowser(PceHarness pce, boolean ownsPce) {
        this.ownsPce = ownsPce;
        this.pce = pce;
        try {
            requireBrowser();
        } catch (AssertionError e) {
            if (ownsPce) pce.close();
            throw e;
        }
        api = pce.owner;
        base = "http://127.0.0.1:" + pce.server.port();
        try {
            ownerKey = Files.readString(pce.server.ownerKeyFile()).trim();
            profile = Files.createTempDirectory("cordon-console-chromium");
        } catch (IOException e) {
            if (ownsPce) pce.close();
            throw new IllegalStateException(e);
        }
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // destructive actions ask first (data-confirm); a test that does not answer a question accepts it
        options.setUnhandledPromptBehaviour(org.openqa.selenium.UnexpectedAlertBehaviour.ACCEPT);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1400,1000");
        WebDriver d;
        try {
            d = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            if (ownsPce) pce.close();
            throw e;
        }
        driver = d;
        driver.manage().window().setSize(new Dimension(1400, 1000));
    }

    /** Fails (never skips) when Chromium or chromedriver is missing: CI must not pass without running these tests. */
    static void requireBrowser() {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                throw new AssertionError(p + " is missing: the console's browser tests need the system's headless"
                        + " Chromium and chromedriver (apt-get install -y chromium chromium-driver)."
                        + ("true".equals(System.getenv("CI")) ? " CI=true: these tests must run." : ""));
            }
        }
    }

    // ---- the browser ----

    void open(String path) {
        driver.get(base + path);
    }

    /** Signs in afresh (any earlier session of this browser is dropped first). */
    void signInAs(String userColonSecret) {
        open("/console/signin");
        driver.manage().deleteAllCookies();
        open("/console/signin");
        int colon = userColonSecret.indexOf(':');
        type(By.id("key"), userColonSecret.substring(0, colon));
        type(By.id("secret"), userColonSecret.substring(colon + 1));
        click(By.id("signin"));
    }

    void signInAsOwner() {
        signInAs(ownerKey);
        waitFor(By.id("who"));
    }

    WebElement find(By by) {
        return driver.findElement(by);
    }

    List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    void type(By by, String text) {
        WebElement e = find(by);
        e.clear();
        e.sendKeys(text);
    }

    void click(By by) {
        find(by).click();
    }

    /** Clicks, then answers the confirmation the click raised (OK or Cancel); returns its question. */
    String clickAndAnswer(By by, boolean ok) {
        find(by).click();
        org.openqa.selenium.Alert alert = new org.openqa.selenium.support.ui.WebDriverWait(driver,
                java.time.Duration.ofSeconds(5)).until(org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent());
        String question = alert.getText();
        if (ok) alert.accept();
        else alert.dismiss();
        return question;
    }

    /** Selects options of a (multi-)select by their visible text, after clearing a multi-select. */
    void choose(By select, String... visibleTexts) {
        Select s = new Select(find(select));
        if (s.isMultiple()) s.deselectAll();
        for (String t : visibleTexts) s.selectByVisibleText(t);
    }

    /** Chooses objects in the type-ahead picker with this id, replacing its pills (as {@link #choose} does). */
    void pick(String pickerId, String... texts) {
        pick(By.id(pickerId), texts);
    }

    /**
     * Chooses objects in a type-ahead picker: removes the pills it holds, then for each text types it and clicks the
     * option whose pill says it (a label's key=value, or a name), as a user does.
     */
    void pick(By picker, String... texts) {
        WebElement p = find(picker);
        for (WebElement x : p.findElements(By.cssSelector(".pills .unpick"))) x.click();
        WebElement input = p.findElement(By.cssSelector("input[role=combobox]"));
        for (String t : texts) {
            input.clear();
            input.sendKeys(t);
            By option = By.cssSelector(".options li.opt[data-text=\"" + t + "\"]");
            new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> {
                List<WebElement> o = p.findElements(option);
                return !o.isEmpty() && o.get(0).isDisplayed() ? o.get(0) : null;
            }).click();
            new WebDriverWait(driver, Duration.ofSeconds(20)).until(d ->
                    !p.findElements(By.cssSelector(".pills .pill[data-token] input[type=hidden]")).isEmpty()
                            && p.findElement(By.cssSelector(".pills")).getText().contains(t));
        }
    }

    /** The texts of the pills a picker holds. */
    List<String> pills(By picker) {
        return find(picker).findElements(By.cssSelector(".pills .pill")).stream()
                .map(e -> e.getText().replace("×", "").replaceAll("\\s+", " ").trim()).toList();
    }

    /** Opens a collapsed {@code <details>} by clicking its summary. */
    void expand(By summary) {
        WebElement s = find(summary);
        WebElement details = s.findElement(By.xpath(".."));
        if (details.getAttribute("open") == null) s.click();
    }

    WebElement waitFor(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    void waitForText(By by, String text) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    String text(By by) {
        return find(by).getText();
    }

    /** The error messages shown right after (beside) the given field. */
    List<String> errorsBeside(By field) {
        return find(field).findElements(By.xpath("following-sibling::p[contains(@class,'field-error')]")).stream()
                .map(WebElement::getText).toList();
    }

    /** Saves a PNG of the page to target/screenshots/NAME.png and returns its path. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Path out = SCREENSHOTS.resolve(name + ".png");
            Files.copy(f.toPath(), out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot save the screenshot " + name + ": " + e.getMessage(), e);
        }
    }

    // ---- setting up through the API ----

    String label(String key, String value) {
        return created(api.post("/orgs/1/labels", Map.of("key", key, "value", value)));
    }

    String unmanaged(String name, String address, String... labels) {
        return created(api.post("/orgs/1/workloads", Map.of("name", name, "hostname", name,
                "interfaces", List.of(Map.of("name", "eth0", "address", address)),
                "labels", java.util.Arrays.stream(labels).map(h -> Map.of("href", h)).toList())));
    }

    /** A managed workload: a pairing profile with these labels and mode, a key, and a VEN activating with it. */
    String managed(String hostname, String address, String mode, String... labels) {
        String profile = created(api.post("/orgs/1/pairing_profiles", Map.of("name", "profile " + hostname,
                "enforcement_mode", mode, "labels", java.util.Arrays.stream(labels).map(h -> Map.of("href", h)).toList())));
        String code = api.post(profile + "/pairing_key", Map.of()).body().get("activation_code").asText();
        Api.Resp r = pce.anonymous.post("/ven/activate", Map.of("activation_code", code, "hostname", hostname,
                "interfaces", List.of(Map.of("name", "eth0", "address", address)), "os_type", "linux",
                "ven_type", "server", "version", "0.1.0"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.body().get("workload").get("href").asText();
    }

    /** A VEN activated with a pairing profile of these labels and mode: its agent token and workload. */
    record Ven(String token, String workload, String address) {}

    Ven ven(String hostname, String address, String mode, String... labels) {
        String profile = created(api.post("/orgs/1/pairing_profiles", Map.of("name", "profile " + hostname,
                "enforcement_mode", mode, "labels", java.util.Arrays.stream(labels).map(h -> Map.of("href", h)).toList())));
        String code = api.post(profile + "/pairing_key", Map.of()).body().get("activation_code").asText();
        Api.Resp r = pce.anonymous.post("/ven/activate", Map.of("activation_code", code, "hostname", hostname,
                "interfaces", List.of(Map.of("name", "eth0", "address", address)), "os_type", "linux",
                "ven_type", "server", "version", "0.1.0"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return new Ven(r.body().get("agent_token").asText(), r.body().get("workload").get("href").asText(), address);
    }

    /** Sends a flow batch as the VEN does ({@code POST /api/v2/ven/traffic} with its agent token). */
    void traffic(Ven ven, long seq, List<Map<String, Object>> flows) {
        Api.Resp r = pce.anonymous.withAuthorization("Bearer " + ven.token()).post("/ven/traffic", Map.of("seq", seq,
                "dropped", Map.of("kernel", 0, "aggregator", 0, "spool", 0), "flows", flows));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    /** One flow summary as a VEN reports it; {@code rule} null when no rule decided it. */
    static Map<String, Object> flow(String direction, String local, String peer, int port, String decision, String rule,
                                    long policyVersion, long connections, java.time.Instant first, java.time.Instant last) {
        Map<String, Object> f = new java.util.HashMap<>();
        f.put("direction", direction);
        f.put("local_ip", local);
        f.put("peer_ip", peer);
        f.put("proto", 6);
        f.put("port", port);
        f.put("decision", decision);
        if (decision.equals("unknown")) f.put("reason", "accepted_outside_cordon");
        if (rule != null) f.put("rule_href", rule);
        f.put("policy_version", policyVersion);
        f.put("connections", connections);
        f.put("first_seen", first.toString());
        f.put("last_seen", last.toString());
        f.put("packets_in", 10);
        f.put("packets_out", 20);
        f.put("bytes_in", 1000);
        f.put("bytes_out", 2000);
        f.put("state", "closed");
        return f;
    }

    /** Runs a script in the page (Selenium's, so the page's CSP does not apply) and returns its value. */
    Object js(String script, Object... args) {
        return ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Saves a screenshot for the documentation: target/screenshots/NAME.png and ../docs/images/NAME.png. */
    void docScreenshot(String name) {
        Path shot = screenshot(name);
        Path docs = Path.of("..", "docs", "images");
        if (Files.isDirectory(docs)) {
            try {
                Files.copy(shot, docs.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot copy the screenshot " + name + " to docs/images: " + e.getMessage(), e);
            }
        }
    }

    String builtIn(String collection, String name) {
        for (JsonNode n : api.get("/orgs/1/sec_policy/draft/" + collection).body()) {
            if (name.equals(n.path("name").asText())) return n.get("href").asText();
        }
        throw new AssertionError("no built-in " + name);
    }

    /** A new user with one permission and an API key; returns the key as {@code auth_username:secret}. */
    String user(String username, Map<String, Object> permission) {
        String user = created(api.post("/users", Map.of("username", username)));
        Map<String, Object> p = new java.util.HashMap<>(permission);
        p.put("auth_security_principal", Map.of("href", user));
        created(api.post("/orgs/1/permissions", p));
        JsonNode key = api.post(user + "/api_keys", Map.of("name", "console test")).body();
        return key.get("auth_username").asText() + ":" + key.get("secret").asText();
    }

    static String created(Api.Resp r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.body().get("href").asText();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            if (ownsPce) pce.close();
            try (var walk = Files.walk(profile)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary browser profile
            }
        }
    }
}
