package io.vigil.console;

import io.vigil.config.ConfigException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.File;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The console over HTTPS (SPEC §5, §7): PEM certificate and key, the session cookie marked Secure. */
class ConsoleHttpsTest {

    @Test
    void overHttpsTheSessionCookieIsSecureAndPlainHttpGetsNoAnswer() throws Exception {
        Path dir = Path.of("target/console-https").toAbsolutePath();
        io.vigil.demo.LocalCluster.deleteTree(dir);
        Files.createDirectories(dir);
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        selfSigned(cert, key);
        try (OneNode node = OneNode.start(dir.resolve("node"), "  certificate: " + cert + "\n  privateKey: " + key + "\n",
                "https")) {
            HttpClient tls = HttpClient.newBuilder().sslContext(trusting(cert)).connectTimeout(Duration.ofSeconds(2)).build();
            ApiClient admin = new ApiClient(node.base, tls);
            HttpResponse<String> login = admin.post("/api/login",
                    "{\"user\":\"admin\",\"password\":\"" + node.password + "\"}", false);
            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(login.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure")
                    .contains("HttpOnly").contains("SameSite=Strict");
            admin.login(node.password);
            assertThat(admin.json("/api/cluster").get("clusterName").asText()).isEqualTo("apitest");
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create(node.base.replace("https", "http")
                    + "/api/openapi.json")).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void aKeyThatIsNotPkcs8PemIsRefusedWithTheFix() throws Exception {
        Path dir = Path.of("target/console-https-bad").toAbsolutePath();
        io.vigil.demo.LocalCluster.deleteTree(dir);
        Files.createDirectories(dir);
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        selfSigned(cert, key);
        Files.writeString(key, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        assertThatThrownBy(() -> OneNode.start(dir.resolve("node"), "  certificate: " + cert + "\n  privateKey: " + key
                + "\n", "https")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("console.privateKey").hasMessageContaining("openssl pkcs8");
    }

    /** A throw-away EC certificate for 127.0.0.1, made by the openssl command line tool. */
    private static void selfSigned(Path cert, Path key) throws Exception {
        boolean openssl = new File("/usr/bin/openssl").canExecute();
        if (!openssl) {
            System.err.println("SKIPPED HTTPS console tests: /usr/bin/openssl is missing (run scripts/setup.sh)");
        }
        Assumptions.assumeTrue(openssl, "openssl is not installed: run scripts/setup.sh");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
    }

    private static SSLContext trusting(Path cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            ks.setCertificateEntry("console", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
