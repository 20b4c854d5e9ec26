package dev.cordon.pce.console;

import dev.cordon.pce.harness.PceHarness;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The console's headless Chromium ({@link ConsoleBrowser}) for tests of other modules that start the PCE themselves
 * (the end-to-end journey with real VENs in namespaces): the same browser, signing in, waiting and screenshots.
 * Closing it quits the browser; the PCE stays the caller's.
 */
public final class ConsoleSession implements AutoCloseable {
    private final ConsoleBrowser b;

    public ConsoleSession(PceHarness pce) {
        b = new ConsoleBrowser(pce, false);
    }

    public WebDriver driver() {
        return b.driver;
    }

    public void open(String path) {
        b.open(path);
    }

    public void signInAsOwner() {
        b.signInAsOwner();
    }

    public WebElement waitFor(By by) {
        return b.waitFor(by);
    }

    public void waitForText(By by, String text) {
        b.waitForText(by, text);
    }

    public String text(By by) {
        return b.text(by);
    }

    public List<WebElement> all(By by) {
        return b.all(by);
    }

    public void type(By by, String text) {
        b.type(by, text);
    }

    public void click(By by) {
        b.click(by);
    }

    public String clickAndAnswer(By by, boolean ok) {
        return b.clickAndAnswer(by, ok);
    }

    public Object js(String script, Object... args) {
        return b.js(script, args);
    }

    /** A screenshot for the documentation (target/screenshots and docs/images of the running module's parent). */
    public void docScreenshot(String name) {
        b.docScreenshot(name);
    }

    @Override
    public void close() {
        b.close();
    }
}
