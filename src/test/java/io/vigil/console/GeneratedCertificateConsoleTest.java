package io.vigil.console;

import io.vigil.pki.CertificateSet;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The console over HTTPS with a generated certificate set (SPEC §7): a client that trusts only
 * the cluster CA, with hostname verification on (Java's HttpClient always verifies), reaches it
 * under every name the certificate holds, and refuses it under one it does not.
 */
class GeneratedCertificateConsoleTest {

    @Test
    void theConsoleIsReachedThroughEveryNameOfTheCertificateAndNoOther() throws Exception {
        Path dir = Path.of("target/console-generated-pki").toAbsolutePath();
        io.vigil.demo.LocalCluster.deleteTree(dir);
        Path pki = Files.createDirectories(dir.resolve("pki"));
        CertificateSet.create(pki, "apitest", List.of("localhost"), List.of("127.0.0.1"), Clock.systemUTC());
        try (OneNode node = OneNode.start(dir.resolve("node"), "  certificate: " + pki.resolve(CertificateSet.SERVER)
                + "\n  privateKey: " + pki.resolve(CertificateSet.SERVER_KEY) + "\n", "https")) {
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(pki.resolve(CertificateSet.CA)))
                    .connectTimeout(Duration.ofSeconds(2)).build();
            String port = node.base.substring(node.base.lastIndexOf(':') + 1);
            for (String host : List.of("127.0.0.1", "localhost")) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://" + host + ":" + port
                        + "/api/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(host).isEqualTo(200);
            }
            // The same socket under a name the certificate does not hold: a TLS socket laid over a plain
            // connection, verifying the host name it is given, as a browser would for that name.
            SSLContext ctx = trusting(pki.resolve(CertificateSet.CA));
            try (java.net.Socket plain = new java.net.Socket("127.0.0.1", Integer.parseInt(port));
                 javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket(plain,
                         "vms9.example.com", Integer.parseInt(port), false)) {
                javax.net.ssl.SSLParameters params = tls.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(params);
                assertThatThrownBy(tls::startHandshake).isInstanceOf(SSLHandshakeException.class)
                        .hasMessageContaining("vms9.example.com");
            }
        }
    }

    private static SSLContext trusting(Path caCert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(caCert)) {
            ks.setCertificateEntry("cluster-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
