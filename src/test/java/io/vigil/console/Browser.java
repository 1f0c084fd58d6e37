package io.vigil.console;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * Debian's headless chromium driven by its chromedriver (never a downloaded browser): the real
 * browser of the console tests. Skips loudly when either binary is missing; scripts/setup.sh
 * installs them.
 */
final class Browser implements AutoCloseable {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    final WebDriver driver;
    final Path downloads;

    private Browser(WebDriver driver, Path downloads) {
        this.driver = driver;
        this.downloads = downloads;
    }

    static void assumeInstalled() {
        boolean ok = new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
        if (!ok) {
            System.err.println("SKIPPED browser tests: " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing; run scripts/setup.sh (apt-get install chromium chromium-driver)");
        }
        Assumptions.assumeTrue(ok, "chromium and chromium-driver are not installed: run scripts/setup.sh");
    }

    /** @param language the browser's language (navigator.language), e.g. "en-US", "fr", "ja" */
    static Browser open(String language, Path downloads) throws IOException {
        return open(language, downloads, Map.of());
    }

    /** @param environment for chromium, e.g. a HOME whose NSS database trusts a CA (issue 12) */
    static Browser open(String language, Path downloads, Map<String, String> environment) throws IOException {
        assumeInstalled();
        Files.createDirectories(downloads);
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1366,860", "--lang=" + language, "--no-first-run", "--disable-extensions");
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("intl.accept_languages", language);
        prefs.put("download.default_directory", downloads.toAbsolutePath().toString());
        prefs.put("download.prompt_for_download", false);
        o.setExperimentalOption("prefs", prefs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().withEnvironment(environment).build();
        return new Browser(new ChromeDriver(service, o), downloads);
    }

    WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /**
     * How long a login may take: the node checks the password with a 600,000-iteration PBKDF2 hash
     * (issue 10 item 8), and nodes started by LocalCluster run with the C1 compiler only
     * ({@code -XX:TieredStopAtLevel=1}), where one hash takes several seconds on a loaded machine.
     */
    static final Duration LOGIN_WAIT = Duration.ofSeconds(60);

    /** Waits until the element exists and is shown, then returns it. */
    WebElement visible(String css) {
        return visible(css, Duration.ofSeconds(15));
    }

    WebElement visible(String css, Duration within) {
        await(css + " visible").atMost(within).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> all(css).stream().anyMatch(WebElement::isDisplayed));
        return all(css).stream().filter(WebElement::isDisplayed).findFirst().orElseThrow();
    }

    /** The data-state of a node's badge, or "" while the panel has not rendered it (read in one script: rows are live). */
    String state(int node) {
        return badge(node, "state");
    }

    String colour(int node) {
        return badge(node, "colour");
    }

    private String badge(int node, String field) {
        Object v = ((JavascriptExecutor) driver).executeScript("const e = document.getElementById(arguments[0]);"
                + " return e ? e.dataset[arguments[1]] : '';", "node-" + node + "-state", field);
        return v == null ? "" : v.toString();
    }

    /**
     * A property of the element matching {@code css}, read in one script: the panel is rebuilt by live
     * updates, so an element found in one call may be gone in the next.
     */
    Object prop(String css, String property) {
        return ((JavascriptExecutor) driver).executeScript("const e = document.querySelector(arguments[0]);"
                + " return e ? e[arguments[1]] : null;", css, property);
    }

    /** Clicks the element, again if a live update replaced it between finding and clicking. */
    void click(String css) {
        await("click " + css).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> {
                    driver.findElement(By.cssSelector(css)).click();
                    return true;
                });
    }

    void login(String base, String password) {
        driver.get(base + "/");
        visible("#login-password").sendKeys(password);
        byId("login-submit").click();
        visible("#nodes-table", LOGIN_WAIT);
    }

    /** Saves a PNG into docs/screenshots/ of the project, for the README. */
    void screenshot(String name) throws IOException {
        Path dir = Path.of(System.getProperty("vigil.home", "."), "docs", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
