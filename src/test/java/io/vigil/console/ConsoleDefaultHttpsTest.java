package io.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.config.ConsoleSection;
import io.vigil.config.VigilConfig;
import io.vigil.pki.CertificateSet;
import io.vigil.pki.ClusterTls;
import io.vigil.pki.ConsoleCertificate;
import io.vigil.pki.PemFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: a paired node's console is HTTPS on 9453 by default, with a certificate it issues
 * from the cluster CA; plain HTTP only when asked for ({@code protocol: http}) or before pairing,
 * and then with a warning. Real daemons, real sockets, a client trusting only the cluster CA.
 */
class ConsoleDefaultHttpsTest {

    private final Path dir = Path.of("target/console-default-https").toAbsolutePath();

    @Test
    void aPairedNodeServesHttpsWithACertificateOfTheClusterCaForBothNodesAndItsAddresses() throws Exception {
        try (OneNode node = OneNode.startPaired(dir.resolve("paired"), "", "https")) {
            Path dataDir = node.dir.resolve("node1");
            VigilConfig config = VigilConfig.load(node.dir.resolve("node1.yaml"));
            assertThat(config.console().mode()).isEqualTo(ConsoleSection.Mode.HTTPS_CLUSTER);
            assertThat(config.warnings()).noneMatch(w -> w.contains("plain HTTP"));

            HttpResponse<String> r = trustingOnlyTheClusterCa(dataDir).send(HttpRequest.newBuilder(
                    URI.create(node.base + "/api/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).isEqualTo("TLSv1.3"));
            Path issued = ConsoleCertificate.dir(dataDir);
            X509Certificate cert = PemFiles.readCertificates(issued.resolve(CertificateSet.EXPORT)).get(0);
            X509Certificate ca = ClusterTls.load(dataDir).ca();
            cert.verify(ca.getPublicKey());
            assertThat(PemFiles.readCertificates(issued.resolve(CertificateSet.CA)).get(0)).isEqualTo(ca);
            assertThat(cert.getSubjectAlternativeNames()).extracting(san -> san.get(1).toString())
                    .containsExactly("node1", "node2", "127.0.0.1");
            assertThat(Duration.between(Instant.now(), cert.getNotAfter().toInstant()).toDays())
                    .isBetween(5L * 365 - 1, 5L * 365 + 1);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    issued.resolve(CertificateSet.SERVER_KEY)))).isEqualTo("rw-------");
            assertThat(node.moduleLog()).contains("console: issued a new HTTPS certificate from the cluster CA"
                    + " (there was none) for [node1, node2] [127.0.0.1]");
        }
    }

    @Test
    void plainHttpWhenAskedForIsServedWithAWarningInTheLogAndTheConfigurationCheck() throws Exception {
        try (OneNode node = OneNode.startPaired(dir.resolve("asked"), "  protocol: http\n", "http")) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(node.base + "/api/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(200);
            String warning = "The console serves plain HTTP (console.protocol: http): its password and session cookie"
                    + " cross the network readable by anyone on the path. Remove 'protocol: http' to serve HTTPS"
                    + " with a certificate of the cluster CA.";
            assertThat(node.moduleLog()).contains("console: WARNING: " + warning);
            assertThat(VigilConfig.load(node.dir.resolve("node1.yaml")).warnings()).contains(warning);
            assertThat(ConsoleCertificate.dir(node.dir.resolve("node1"))).doesNotExist();
        }
    }

    /** Issue 12 item 4: `vigil status` (and --json) carries the plain-HTTP warning, not only the log. */
    @Test
    void vigilStatusShowsThePlainHttpWarning() throws Exception {
        try (OneNode node = OneNode.startPaired(dir.resolve("status-http"), "  protocol: http\n", "http")) {
            String config = node.dir.resolve("node1.yaml").toString();
            String[] text = vigil("status", "--config", config);
            String[] json = vigil("status", "--json", "--config", config);

            assertThat(text[0]).isEqualTo("0");
            assertThat(text[1].replaceAll("\\s+", " ")).contains("! The console serves plain HTTP (console.protocol: http)");
            assertThat(json[0]).isEqualTo("0");
            assertThat(io.vigil.console.Json.MAPPER.readTree(json[1]).findValue("warnings").toString())
                    .contains("The console serves plain HTTP (console.protocol: http)");
        }
        try (OneNode node = OneNode.startPaired(dir.resolve("status-https"), "", "https")) {
            String[] json = vigil("status", "--json", "--config", node.dir.resolve("node1.yaml").toString());
            assertThat(json[1]).doesNotContain("plain HTTP");
        }
    }

    /** Runs the real `vigil` command line in this JVM: {exit code, stdout}. */
    static String[] vigil(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new io.vigil.cli.VigilCommand());
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(out, true));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString()};
    }

    @Test
    void aNodeNotPairedYetServesHttpAndSaysHowToGetHttps() throws Exception {
        try (OneNode node = OneNode.startUnpaired(dir.resolve("unpaired"))) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(node.base + "/api/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(node.moduleLog()).contains("console: WARNING: The console serves plain HTTP: this node has no"
                    + " cluster certificates yet (not paired) and console.certificate is not set. Pair the nodes"
                    + " (vigil setup) to serve HTTPS by default, or set console.certificate and console.privateKey.");
        }
    }

    /** Java's HttpClient with only the cluster CA as trust anchor; it always verifies the host name. */
    static HttpClient trustingOnlyTheClusterCa(Path dataDir) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("cluster-ca", ClusterTls.load(dataDir).ca());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
    }
}
