package io.vigil.bench;

import io.vigil.pki.ClusterTls;
import io.vigil.pki.PkiException;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Certificates for the fuzz targets that speak TLS (directory replication, issue 12): two nodes of
 * one cluster CA, as paired nodes hold them; an impostor, with a certificate of another CA, that
 * trusts the cluster's CA (its certificate is no secret), so the source's own check is what
 * refuses it; and a client with no certificate at all. Made fresh for every run.
 */
public record FuzzTls(ClusterTls source, ClusterTls receiver, SSLContext impostor, SSLContext anonymous) {

    static FuzzTls provision(Path dir) throws IOException {
        Path s = dir.resolve("source");
        Path r = dir.resolve("receiver");
        try {
            ClusterTls.provisionLocal("fuzz", List.of(), s, r);
            ClusterTls source = ClusterTls.load(s);
            return new FuzzTls(source, ClusterTls.load(r), impostor(source.ca()), context(null, source.ca()));
        } catch (GeneralSecurityException | PkiException e) {
            throw new IOException("cannot make the fuzz run's certificates: " + e.getMessage(), e);
        }
    }

    /** A TLS 1.3 context with a node certificate of a new, other CA, trusting {@code trusted}. */
    static SSLContext impostor(X509Certificate trusted) throws GeneralSecurityException, IOException {
        ClusterTls.Authority other = ClusterTls.Authority.create("other", Instant.now());
        ClusterTls.Issued me = other.issueNode(List.of("localhost"), List.of("127.0.0.1"), Instant.now());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        char[] pass = "in-memory".toCharArray();
        keys.setKeyEntry("me", me.key(), pass, new Certificate[] {me.certificate(), other.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509"); // plain aliases ("me"), unlike PKIX's
        kmf.init(keys, pass);
        return context(new KeyManager[] {new Insisting((X509ExtendedKeyManager) kmf.getKeyManagers()[0], "me")}, trusted);
    }

    private static SSLContext context(KeyManager[] keys, X509Certificate trusted)
            throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(keys, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * Offers its certificate whatever CAs the server asks for: the JDK's own key manager would
     * send none to a server that names another CA, but a hostile client need not be so polite.
     * (Also the dirsync tests' hostile clients.)
     */
    public static final class Insisting extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;
        private final String alias;

        public Insisting(X509ExtendedKeyManager keys, String alias) {
            this.keys = keys;
            this.alias = alias;
        }

        @Override
        public String chooseEngineClientAlias(String[] type, java.security.Principal[] issuers,
                                              javax.net.ssl.SSLEngine engine) {
            return alias;
        }

        @Override
        public String chooseClientAlias(String[] type, java.security.Principal[] issuers, java.net.Socket socket) {
            return alias;
        }

        @Override
        public String[] getClientAliases(String type, java.security.Principal[] issuers) {
            return new String[] {alias};
        }

        @Override
        public String[] getServerAliases(String type, java.security.Principal[] issuers) {
            return keys.getServerAliases(type, issuers);
        }

        @Override
        public String chooseServerAlias(String type, java.security.Principal[] issuers, java.net.Socket socket) {
            return keys.chooseServerAlias(type, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String a) {
            return keys.getCertificateChain(a);
        }

        @Override
        public java.security.PrivateKey getPrivateKey(String a) {
            return keys.getPrivateKey(a);
        }
    }
}
