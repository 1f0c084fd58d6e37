package io.vigil.admin;

import io.vigil.pki.ClusterTls;
import io.vigil.pki.PemFiles;
import io.vigil.pki.Pki;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Real certificates for the admin channel's tests, made the way setup makes them: two nodes of one
 * cluster CA, a node of another cluster, a console (server-only) certificate of the same CA, and a
 * node certificate that names another address. All valid for localhost and 127.0.0.1 unless said.
 */
final class TestTls {
    final Path root;
    final ClusterTls node1;
    final ClusterTls node2;
    final ClusterTls otherCluster;
    final ClusterTls console;
    final ClusterTls namedElsewhere;

    private TestTls(Path root) throws Exception {
        this.root = root;
        ClusterTls.provisionLocal("test", List.of(), root.resolve("n1"), root.resolve("n2"));
        ClusterTls.provisionLocal("other", List.of(), root.resolve("o1"), root.resolve("o2"));
        ClusterTls.Authority ca = ClusterTls.authority(root.resolve("n1"));
        Instant now = Instant.now();
        KeyPair k = Pki.newKey();
        X509Certificate consoleCert = Pki.issue(ca.certificate(), ca.key(), k.getPublic(), Pki.Usage.SERVER,
                List.of("localhost"), List.of("127.0.0.1"), now, Pki.CONSOLE_VALIDITY);
        ClusterTls.install(root.resolve("console"), ca.certificate(), null,
                new ClusterTls.Issued(consoleCert, k.getPrivate()));
        ClusterTls.install(root.resolve("elsewhere"), ca.certificate(), null,
                ca.issueNode(List.of("elsewhere.example"), List.of("10.9.9.9"), now));
        node1 = ClusterTls.load(root.resolve("n1"));
        node2 = ClusterTls.load(root.resolve("n2"));
        otherCluster = ClusterTls.load(root.resolve("o1"));
        console = ClusterTls.load(root.resolve("console"));
        namedElsewhere = ClusterTls.load(root.resolve("elsewhere"));
    }

    static TestTls create(Path root) throws Exception {
        return new TestTls(root);
    }

    /**
     * A client that trusts this cluster's CA (so it accepts node 1) but proves the key and
     * certificate of {@code keyDir}, or none when null: what an attacker without a node certificate
     * of this cluster can do. ClusterTls never builds such a mix; only the tests need it.
     */
    SSLContext clientWith(String keyDir) throws Exception {
        javax.net.ssl.KeyManager[] keys = null;
        if (keyDir != null) {
            Path d = root.resolve(keyDir).resolve(ClusterTls.DIR);
            List<X509Certificate> chain = PemFiles.readCertificates(d.resolve(ClusterTls.NODE));
            PrivateKey key = PemFiles.readKey(d.resolve(ClusterTls.NODE_KEY));
            keys = new javax.net.ssl.KeyManager[] {new Forcing(chain.toArray(new X509Certificate[0]), key)};
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", node1.ca());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(keys, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * Offers its one certificate whatever the server asks for. The JDK's own key manager leaves out
     * a certificate of a CA the server did not name, or without client use, and sends none; an
     * attacker's client need not be so polite.
     */
    private static final class Forcing extends javax.net.ssl.X509ExtendedKeyManager {
        private final X509Certificate[] chain;
        private final PrivateKey key;

        Forcing(X509Certificate[] chain, PrivateKey key) {
            this.chain = chain;
            this.key = key;
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket s) {
            return "k";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
                                              javax.net.ssl.SSLEngine e) {
            return "k";
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return new String[] {"k"};
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket s) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return chain.clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }
    }

    /** Connects with {@code ctx} and runs the handshake; the server's refusal shows at the first read. */
    static SSLSocket connect(SSLContext ctx, int port) throws Exception {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        s.setSoTimeout(5000);
        s.startHandshake();
        return s;
    }
}
