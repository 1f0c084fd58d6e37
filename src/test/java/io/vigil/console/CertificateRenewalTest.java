package io.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.config.VigilConfig;
import io.vigil.pki.CertificateSet;
import io.vigil.pki.ClusterTls;
import io.vigil.pki.ConsoleCertificate;
import io.vigil.pki.PemFiles;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 2: `vigil cert renew` on a running node. New TLS connections to its console and to
 * its admin channel get the new certificates while the daemon runs on (the same daemon object in
 * this JVM: nothing restarted); `vigil cert export` then writes the certificate now served.
 */
class CertificateRenewalTest {

    private final Path dir = Path.of("target/certificate-renewal").toAbsolutePath();

    @Test
    void renewalReachesNewConnectionsOfTheRunningConsoleAndAdminChannelAndExportWritesTheNewCertificate()
            throws Exception {
        try (OneNode node = OneNode.startPaired(dir, "", "https")) {
            Path config = node.dir.resolve("node1.yaml");
            Path data = node.dir.resolve("node1");
            VigilConfig c = VigilConfig.load(config);
            int consolePort = Integer.parseInt(node.base.substring(node.base.lastIndexOf(':') + 1));
            ClusterTls peer = ClusterTls.load(node.dir.resolve("node2-certificates"));
            BigInteger consoleBefore = consoleSerial(data, consolePort);
            BigInteger adminBefore = adminSerial(peer, c.admin().port());

            String[] renew = ConsoleDefaultHttpsTest.vigil("cert", "renew", "--json", "--config", config.toString());

            assertThat(renew[0]).as(renew[1]).isEqualTo("0");
            BigInteger consoleIssued = PemFiles.readCertificates(ConsoleCertificate.dir(data)
                    .resolve(CertificateSet.SERVER)).get(0).getSerialNumber();
            BigInteger nodeIssued = PemFiles.readCertificates(ClusterTls.dir(data).resolve(ClusterTls.NODE)).get(0)
                    .getSerialNumber();
            assertThat(consoleIssued).isNotEqualTo(consoleBefore);
            assertThat(nodeIssued).isNotEqualTo(adminBefore);
            assertThat(renew[1]).contains(nodeIssued.toString(16)).contains(consoleIssued.toString(16));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(consoleSerial(data, consolePort)).isEqualTo(consoleIssued);
                assertThat(adminSerial(peer, c.admin().port())).isEqualTo(nodeIssued);
            });
            assertThat(node.daemon.status().node()).isNotNull();
            String log = node.moduleLog();
            assertThat(log).contains("console: reloaded the HTTPS certificate");
            assertThat(log.split(" starting \\(version", -1)).hasSize(2); // started once: no restart

            Path exported = dir.resolve("exported.crt");
            String[] export = ConsoleDefaultHttpsTest.vigil("cert", "export", "--out", exported.toString(), "--json",
                    "--config", config.toString());
            assertThat(export[0]).as(export[1]).isEqualTo("0");
            assertThat(PemFiles.readCertificates(exported)).singleElement()
                    .extracting(X509Certificate::getSerialNumber).isEqualTo(consoleIssued);
        }
    }

    @Test
    void exportRefusesAPlainHttpConsoleAndSaysWhy() throws Exception {
        try (OneNode node = OneNode.startPaired(dir.resolve("http"), "  protocol: http\n", "http")) {
            String[] export = ConsoleDefaultHttpsTest.vigil("cert", "export", "--out",
                    dir.resolve("none.crt").toString(), "--config", node.dir.resolve("node1.yaml").toString());
            assertThat(export[0]).isEqualTo("1");
            assertThat(export[1]).contains("the console serves plain HTTP: there is no certificate to export");
        }
    }

    /** The serial of the certificate a new HTTPS connection to the console gets (trusting only the cluster CA). */
    private static BigInteger consoleSerial(Path data, int port) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ClusterTls.load(data).ca());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            p.setServerNames(java.util.List.of(new SNIHostName("node1")));
            s.setSSLParameters(p);
            s.setSoTimeout(5000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    /** The serial of the node certificate a new admin-channel connection gets, as the peer dials it. */
    private static BigInteger adminSerial(ClusterTls peer, int port) throws Exception {
        try (SSLSocket s = peer.connect("127.0.0.1", port, 5000)) {
            return ClusterTls.peer(s).getSerialNumber();
        }
    }
}
