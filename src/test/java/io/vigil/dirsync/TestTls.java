package io.vigil.dirsync;

import io.vigil.pki.ClusterTls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Certificates for the replication tests, made once per test JVM (issue 12): {@link #SOURCE} and
 * {@link #RECEIVER}, two nodes of one cluster CA; {@link #STRANGER}, a node of another cluster;
 * and TLS clients that are not a node at all.
 */
final class TestTls {

    static final ClusterTls SOURCE;
    static final ClusterTls RECEIVER;
    static final ClusterTls STRANGER;

    static {
        try {
            Path dir = Files.createTempDirectory("vigil-dirsync-tls");
            ClusterTls.provisionLocal("test", List.of(), dir.resolve("source"), dir.resolve("receiver"));
            ClusterTls.provisionLocal("other", List.of(), dir.resolve("stranger"));
            SOURCE = ClusterTls.load(dir.resolve("source"));
            RECEIVER = ClusterTls.load(dir.resolve("receiver"));
            STRANGER = ClusterTls.load(dir.resolve("stranger"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    io.vigil.demo.LocalCluster.deleteTree(dir);
                } catch (IOException e) {
                    // a temporary folder left behind
                }
            }));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the test certificates", e);
        }
    }

    private static boolean warm;

    private TestTls() {
    }

    /**
     * The first TLS handshake of a JVM loads and runs the whole TLS stack cold: seconds on a
     * busy machine, more than the source's handshake deadline. Done once per JVM, untimed,
     * before the first test server starts.
     */
    static synchronized void warmUp() throws Exception {
        if (!warm) {
            for (TlsChannel c : connectedPair(60_000)) {
                c.close();
            }
            warm = true;
        }
    }

    /**
     * A TLS 1.3 client context with a node certificate of another CA that trusts this cluster's
     * CA (a CA certificate is no secret): it accepts the source, so only the source's own check
     * can refuse it.
     */
    static SSLContext impostor() throws Exception {
        ClusterTls.Authority other = ClusterTls.Authority.create("impostor", Instant.now());
        ClusterTls.Issued me = other.issueNode(List.of("localhost"), List.of("127.0.0.1"), Instant.now());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        char[] pass = "in-memory".toCharArray();
        keys.setKeyEntry("me", me.key(), pass, new Certificate[] {me.certificate(), other.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509"); // plain aliases ("me"), unlike PKIX's
        kmf.init(keys, pass);
        return context(new KeyManager[] {new io.vigil.bench.FuzzTls.Insisting((X509ExtendedKeyManager) kmf.getKeyManagers()[0], "me")}, SOURCE.ca());
    }

    /** A TLS 1.3 client context that trusts this cluster's CA and has no certificate to show. */
    static SSLContext anonymous() throws Exception {
        return context(null, SOURCE.ca());
    }

    private static SSLContext context(KeyManager[] keys, X509Certificate trusted) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(keys, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** A TLS 1.3 client socket of {@code ctx}, connected to loopback {@code port} and handshaken. */
    static SSLSocket connect(SSLContext ctx, int port) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(5000);
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        s.startHandshake();
        return s;
    }

    /** Both ends of one replication connection on loopback, after the hello: {receiver, source}. */
    static TlsChannel[] connectedPair() throws Exception {
        return connectedPair(5000);
    }

    private static TlsChannel[] connectedPair(int timeoutMs) throws Exception {
        try (SSLServerSocket listener = SOURCE.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1)) {
            CompletableFuture<TlsChannel> server = CompletableFuture.supplyAsync(() -> {
                try {
                    SSLSocket s = (SSLSocket) listener.accept();
                    s.startHandshake();
                    return TlsChannel.server(s, new AtomicLong());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            TlsChannel client = TlsChannel.client(RECEIVER.connect("127.0.0.1", listener.getLocalPort(), timeoutMs),
                    new AtomicLong());
            return new TlsChannel[] {client, server.get(timeoutMs, TimeUnit.MILLISECONDS)};
        }
    }
}
