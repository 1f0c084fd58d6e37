package io.vigil.pki;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Node-to-node TLS accepts only the cluster's own nodes, over TLS 1.3, on real sockets. */
class ClusterTlsTest {
    @TempDir
    Path tmp;
    private SSLServerSocket server;

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private Path node(String name) {
        return tmp.resolve(name);
    }

    /** Accepts one connection, handshakes and echoes one byte; completes with the handshake's outcome. */
    private CompletableFuture<String> serveOnce(ClusterTls tls) throws IOException {
        server = tls.listen(new InetSocketAddress("127.0.0.1", 0), 4);
        return CompletableFuture.supplyAsync(() -> {
            try (SSLSocket s = (SSLSocket) server.accept()) {
                s.setSoTimeout(5000);
                s.startHandshake();
                s.getOutputStream().write(s.getInputStream().read());
                s.getOutputStream().flush();
                return s.getSession().getProtocol();
            } catch (IOException e) {
                return "refused: " + e.getMessage();
            }
        });
    }

    @Test
    void twoPairedNodesTalkOverTls13() throws Exception {
        ClusterTls.provisionLocal("c1", List.of(), node("n1"), node("n2"));
        ClusterTls n1 = ClusterTls.load(node("n1"));
        ClusterTls n2 = ClusterTls.load(node("n2"));
        CompletableFuture<String> served = serveOnce(n1);
        try (SSLSocket s = n2.connect("127.0.0.1", server.getLocalPort(), 5000)) {
            s.getOutputStream().write(42);
            assertThat(s.getInputStream().read()).isEqualTo(42);
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(s.getSession().getCipherSuite()).isEqualTo("TLS_AES_128_GCM_SHA256");
            assertThat(ClusterTls.peer(s)).isEqualTo(n1.certificate());
        }
        assertThat(served.get(10, TimeUnit.SECONDS)).isEqualTo("TLSv1.3");
    }

    @Test
    void aNodeOfAnotherClusterIsRefusedBothWays() throws Exception {
        ClusterTls.provisionLocal("c1", List.of(), node("n1"));
        ClusterTls.provisionLocal("c2", List.of(), node("stranger"));
        ClusterTls ours = ClusterTls.load(node("n1"));
        ClusterTls theirs = ClusterTls.load(node("stranger"));

        CompletableFuture<String> served = serveOnce(ours);
        assertThatThrownBy(() -> theirs.connect("127.0.0.1", server.getLocalPort(), 5000).close())
                .isInstanceOf(SSLException.class);
        assertThat(served.get(10, TimeUnit.SECONDS)).startsWith("refused");
    }

    @Test
    void aServerCertificateThatDoesNotNameTheAddressDialledIsRefused() throws Exception {
        ClusterTls.Authority ca = ClusterTls.Authority.create("c1", Instant.now());
        ClusterTls.install(node("n1"), ca.certificate(), ca.key(),
                ca.issueNode(List.of("elsewhere.example"), List.of("10.9.9.9"), Instant.now()));
        ClusterTls.install(node("n2"), ca.certificate(), null,
                ca.issueNode(List.of("localhost"), List.of("127.0.0.1"), Instant.now()));
        serveOnce(ClusterTls.load(node("n1")));
        ClusterTls client = ClusterTls.load(node("n2"));
        assertThatThrownBy(() -> client.connect("127.0.0.1", server.getLocalPort(), 5000).close())
                .isInstanceOf(SSLException.class)
                .hasMessageContaining("127.0.0.1");
    }

    @Test
    void aClientWithoutACertificateIsRefused() throws Exception {
        ClusterTls.provisionLocal("c1", List.of(), node("n1"));
        CompletableFuture<String> served = serveOnce(ClusterTls.load(node("n1")));
        javax.net.ssl.SSLContext anonymous = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ClusterTls.load(node("n1")).ca());
        tmf.init(ks);
        anonymous.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) anonymous.getSocketFactory().createSocket("127.0.0.1", server.getLocalPort())) {
            s.setSoTimeout(5000);
            // TLS 1.3 reports the missing client certificate after the client's handshake ends: the read fails
            assertThatThrownBy(() -> {
                s.startHandshake();
                s.getOutputStream().write(1);
                s.getInputStream().read();
            }).isInstanceOf(IOException.class);
        }
        assertThat(served.get(10, TimeUnit.SECONDS)).startsWith("refused");
    }

    @Test
    void installKeepsKeysOwnerOnlyAndReplacesTheWholeSet() throws Exception {
        ClusterTls.provisionLocal("c1", List.of(), node("n1"));
        var first = ClusterTls.load(node("n1")).ca();
        ClusterTls.provisionLocal("c2", List.of(), node("n1"));
        assertThat(ClusterTls.load(node("n1")).ca()).isNotEqualTo(first);
        Path d = ClusterTls.dir(node("n1"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d.resolve(ClusterTls.NODE_KEY))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d.resolve(ClusterTls.CA_KEY))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d))).isEqualTo("rwx------");
        assertThat(Files.exists(node("n1").resolve("tls.old"))).isFalse();
    }

    @Test
    void aMissingSetSaysToPairTheNodes() {
        assertThatThrownBy(() -> ClusterTls.load(node("nothing")))
                .isInstanceOf(PkiException.class)
                .hasMessageContaining("vigil setup secondary");
    }

    @Test
    void aCertificateFromAnotherCaIsRefusedAtLoad() throws Exception {
        ClusterTls.provisionLocal("c1", List.of(), node("n1"));
        ClusterTls.provisionLocal("c2", List.of(), node("n2"));
        Files.copy(ClusterTls.dir(node("n2")).resolve(ClusterTls.CA), ClusterTls.dir(node("n1")).resolve(ClusterTls.CA),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> ClusterTls.load(node("n1")))
                .isInstanceOf(PkiException.class)
                .hasMessageContaining("was not issued by the cluster CA");
    }
}
