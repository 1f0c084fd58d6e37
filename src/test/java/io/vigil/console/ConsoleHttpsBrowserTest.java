package io.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.pki.CertificateSet;
import io.vigil.pki.ConsoleCertificate;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.JavascriptExecutor;

import static org.awaitility.Awaitility.await;

/**
 * Issue 12: the administrator logs into a paired node's console over its default HTTPS, in a real
 * chromium that trusts the cluster CA the way an operator would make it: the CA
 * ({@code cacert.crt}, exported beside {@code serverCert.crt}) imported into the browser's
 * certificate store (NSS, with certutil). No certificate error is ignored: chromium itself checks
 * the chain and the host name, and the same browser without the import refuses the page.
 */
@Tag("browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleHttpsBrowserTest {
    static final String CERTUTIL = "/usr/bin/certutil";

    private final Path dir = Path.of("target/console-https-browser").toAbsolutePath();
    private OneNode node;

    @BeforeAll
    void pairedNode() throws Exception {
        Browser.assumeInstalled();
        boolean ok = new File(CERTUTIL).canExecute();
        if (!ok) {
            System.err.println("SKIPPED HTTPS browser test: " + CERTUTIL + " is missing; run scripts/setup.sh"
                    + " (apt-get install libnss3-tools)");
        }
        Assumptions.assumeTrue(ok, "libnss3-tools is not installed: run scripts/setup.sh");
        node = OneNode.startPaired(dir.resolve("node"), "", "https");
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void anOperatorLogsInOverTheDefaultHttpsWithTheClusterCaImportedIntoTheBrowser() throws Exception {
        Path home = homeTrusting(ConsoleCertificate.dir(node.dir.resolve("node1")).resolve(CertificateSet.CA));
        try (Browser browser = Browser.open("en-US", dir.resolve("downloads"), Map.of("HOME", home.toString()))) {
            browser.driver.get(node.base + "/");
            browser.visible("#login-password");
            assertThat(browser.byId("login-insecure").isDisplayed()).as("no plain-HTTP warning").isFalse();
            browser.login(node.base, node.password);

            assertThat(browser.driver.getCurrentUrl()).startsWith("https://127.0.0.1:");
            assertThat(((JavascriptExecutor) browser.driver).executeScript("return window.isSecureContext"))
                    .isEqualTo(true);
        }
    }

    @Test
    void withoutTheClusterCaTheBrowserRefusesTheConsole() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home-untrusting"));
        try (Browser browser = Browser.open("en-US", dir.resolve("downloads"), Map.of("HOME", home.toString()))) {
            browser.driver.get(node.base + "/");

            await("the certificate error page").atMost(Duration.ofSeconds(15))
                    .until(() -> browser.driver.getPageSource().contains("ERR_CERT_AUTHORITY_INVALID"));
            assertThat(browser.all("#login-password")).isEmpty();
        }
    }

    /** A HOME whose NSS database (chromium's certificate store on Linux) trusts {@code ca} for web servers. */
    private Path homeTrusting(Path ca) throws Exception {
        Path home = dir.resolve("home-trusting");
        io.vigil.demo.LocalCluster.deleteTree(home);
        Path nss = Files.createDirectories(home.resolve(".pki/nssdb"));
        run(List.of(CERTUTIL, "-N", "-d", "sql:" + nss, "--empty-password"));
        run(List.of(CERTUTIL, "-A", "-d", "sql:" + nss, "-n", "vigil-cluster-ca", "-t", "C,,", "-i", ca.toString()));
        return home;
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    }
}
