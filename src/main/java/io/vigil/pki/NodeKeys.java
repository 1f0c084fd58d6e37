package io.vigil.pki;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The node's own certificate and key inside {@link ClusterTls}'s context, picked up again when
 * {@code vigil cert renew} replaces them (issue 12: renewal without downtime). Before a handshake
 * chooses its certificate, the files' modification times are looked at (at most once a second);
 * when they changed and the new pair loads (issued by the same cluster CA, key matching), every
 * later handshake of the admin channel, directory replication and the daemon's database
 * connections uses it, while connections already open keep theirs. A pair that does not load is
 * ignored until the files change again: the node keeps serving with the previous one.
 */
final class NodeKeys extends X509ExtendedKeyManager {
    private static final String ALIAS = "node";
    private static final long LOOK_EVERY_NANOS = 1_000_000_000L;

    /** One loaded certificate and key. */
    record Pair(X509Certificate certificate, X509ExtendedKeyManager keys) {
    }

    private final Path dir;
    private final X509Certificate ca;
    private volatile Pair current;
    private List<Object> stamp;
    private long lookedAt;

    NodeKeys(Path dir, X509Certificate ca, Pair first) {
        this.dir = dir;
        this.ca = ca;
        this.current = first;
        this.stamp = stamp(dir);
        this.lookedAt = System.nanoTime();
    }

    /** Reads and checks the node's certificate and key in {@code dir}. */
    static Pair read(Path dir, X509Certificate ca) throws IOException, PkiException {
        List<X509Certificate> chain = PemFiles.readCertificates(dir.resolve(ClusterTls.NODE));
        PrivateKey key = PemFiles.readKey(dir.resolve(ClusterTls.NODE_KEY));
        X509Certificate node = chain.get(0);
        try {
            node.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new PkiException(dir.resolve(ClusterTls.NODE) + " was not issued by the cluster CA in "
                    + dir.resolve(ClusterTls.CA) + "; pair the nodes again (vigil setup) so that both hold"
                    + " certificates of one CA");
        }
        try {
            char[] pass = randomPassword();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry(ALIAS, key, pass, new Certificate[] {node, ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509"); // aliases as given
            kmf.init(keys, pass);
            return new Pair(node, (X509ExtendedKeyManager) kmf.getKeyManagers()[0]);
        } catch (GeneralSecurityException e) {
            throw new PkiException(dir.resolve(ClusterTls.NODE_KEY) + " does not match " + dir.resolve(ClusterTls.NODE)
                    + " or cannot be used for TLS (" + e.getClass().getSimpleName() + "); pair the nodes again"
                    + " (vigil setup)");
        }
    }

    X509Certificate certificate() {
        return fresh().certificate();
    }

    /** The current pair, read again first when the files changed since the last look. */
    private synchronized Pair fresh() {
        long now = System.nanoTime();
        if (now - lookedAt < LOOK_EVERY_NANOS) {
            return current;
        }
        lookedAt = now;
        List<Object> s = stamp(dir);
        if (!s.equals(stamp)) {
            try {
                current = read(dir, ca);
                stamp = s; // only once loaded: a half-installed set is looked at again next time
            } catch (IOException | PkiException | RuntimeException e) {
                // Keep serving with the previous pair; a renewal in progress completes within the second.
            }
        }
        return current;
    }

    private static List<Object> stamp(Path dir) {
        List<Object> s = new ArrayList<>();
        for (String f : List.of(ClusterTls.NODE, ClusterTls.NODE_KEY)) {
            try {
                s.add(Files.getLastModifiedTime(dir.resolve(f)));
                s.add(Files.readAttributes(dir.resolve(f), java.nio.file.attribute.BasicFileAttributes.class).fileKey());
            } catch (IOException absent) {
                s.add("absent");
            }
        }
        return s;
    }

    /** The in-memory key store's password: it never leaves this process, so any fresh value will do. */
    private static char[] randomPassword() {
        SecureRandom r = new SecureRandom();
        char[] pass = new char[24];
        for (int i = 0; i < pass.length; i++) {
            pass[i] = (char) ('a' + r.nextInt(26));
        }
        return pass;
    }

    // The alias is always the one entry; the chain and key come from the pair loaded last.

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        fresh();
        return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        fresh();
        return ALIAS;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return fresh().keys().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return fresh().keys().chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return current.keys().getServerAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return current.keys().getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return current.keys().getPrivateKey(alias);
    }
}
