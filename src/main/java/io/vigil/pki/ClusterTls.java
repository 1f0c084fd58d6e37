package io.vigil.pki;

import io.vigil.security.PrivateFiles;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Node-to-node TLS (issue 12): mutually authenticated TLS 1.3 in which each side trusts only the
 * cluster's own CA. Setup (pairing) makes the CA and one certificate per node; this class loads
 * them from {@code <dataDir>/tls} and opens server and client sockets that refuse anything else:
 * no other protocol version, no certificate from another CA (the JDK's default trust store is
 * never consulted), no client without a certificate, and, on the client side, no server whose
 * certificate does not name the address dialled (the JDK's HTTPS endpoint identification).
 *
 * <p>Files, all in {@code <dataDir>/tls}, the directory and keys owner-only:
 * {@value #CA} (the cluster CA), {@value #CA_KEY} (its key: both nodes keep it so that either can
 * renew certificates after the other is lost), {@value #NODE} (this node's certificate, chain
 * with the CA) and {@value #NODE_KEY}.
 */
public final class ClusterTls {
    public static final String DIR = "tls";
    public static final String CA = "cluster-ca.crt";
    public static final String CA_KEY = "cluster-ca.key";
    public static final String NODE = "node.crt";
    public static final String NODE_KEY = "node.key";
    /** Node certificates live as long as the console's (SPEC §7); renewal issues new ones from the same CA. */
    public static final Duration NODE_VALIDITY = Pki.CONSOLE_VALIDITY;
    private static final String[] PROTOCOLS = {"TLSv1.3"};
    /**
     * TLS 1.3's AEAD suites, AES-128-GCM first: as strong as the cluster's P-256 keys (128-bit
     * security), and 20-40 % faster than AES-256 here, which is most of what bulk replication
     * costs. The server's order decides (both sides are ours).
     */
    private static final String[] SUITES = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256"};

    private final X509Certificate ca;
    private final NodeKeys keys;
    private final SSLContext context;

    private ClusterTls(X509Certificate ca, NodeKeys keys, SSLContext context) {
        this.ca = ca;
        this.keys = keys;
        this.context = context;
    }

    /** The folder holding a node's cluster certificates. */
    public static Path dir(Path dataDir) {
        return dataDir.resolve(DIR);
    }

    /** Whether setup has given this node its cluster certificates. */
    public static boolean present(Path dataDir) {
        Path d = dir(dataDir);
        return Files.isRegularFile(d.resolve(CA)) && Files.isRegularFile(d.resolve(NODE))
                && Files.isRegularFile(d.resolve(NODE_KEY));
    }

    /**
     * Loads this node's certificates.
     *
     * @throws PkiException a file is missing or damaged, the key does not match, or the node's
     *                      certificate was not issued by the cluster CA; the message says what to do
     */
    public static ClusterTls load(Path dataDir) throws IOException, PkiException {
        Path d = dir(dataDir);
        if (!present(dataDir)) {
            throw new PkiException("this node has no cluster certificates in " + d + "; pair the nodes first"
                    + " (vigil setup secondary on node 2, then vigil setup primary on node 1)");
        }
        X509Certificate ca = PemFiles.readCertificates(d.resolve(CA)).get(0);
        NodeKeys keys = new NodeKeys(d, ca, NodeKeys.read(d, ca));
        try {
            return new ClusterTls(ca, keys, context(ca, keys));
        } catch (GeneralSecurityException e) {
            throw new PkiException("the cluster CA " + d.resolve(CA) + " cannot be used for TLS ("
                    + e.getClass().getSimpleName() + "); pair the nodes again (vigil setup)");
        }
    }

    private static SSLContext context(X509Certificate ca, NodeKeys keys) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("cluster-ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(new javax.net.ssl.KeyManager[] {keys}, tmf.getTrustManagers(), new SecureRandom());
        return ctx;
    }

    /** The context, for servers built on something else than {@link #listen} (Jetty). */
    public SSLContext context() {
        return context;
    }

    /** This node's certificate as it is now: a renewal ({@code vigil cert renew}) replaces it in place. */
    public X509Certificate certificate() {
        return keys.certificate();
    }

    public X509Certificate ca() {
        return ca;
    }

    /** A TLS 1.3 server socket that requires a client certificate from the cluster CA. */
    public SSLServerSocket listen(InetSocketAddress bind, int backlog) throws IOException {
        SSLServerSocket s = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        try {
            s.setReuseAddress(true);
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(PROTOCOLS);
            p.setCipherSuites(SUITES);
            p.setUseCipherSuitesOrder(true);
            p.setNeedClientAuth(true);
            s.setSSLParameters(p);
            s.bind(bind, backlog);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close(); // a port in use must not leak the socket
            throw e;
        }
    }

    /**
     * The server side of TLS over a connection accepted on a plain socket, for listeners that bound
     * the handshake themselves (the admin channel): closing {@code accepted} from another thread
     * then ends a handshake that a client drags out, which closing an SSL socket does not do
     * reliably. Same rules as {@link #listen}: TLS 1.3, a client certificate of the cluster CA
     * required. The handshake starts at the first read or write.
     */
    public SSLSocket serverSide(java.net.Socket accepted) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(accepted, null, true);
        s.setUseClientMode(false);
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setCipherSuites(SUITES);
        p.setUseCipherSuitesOrder(true);
        p.setNeedClientAuth(true);
        s.setSSLParameters(p);
        return s;
    }

    /**
     * Connects to a peer and completes the handshake: the server must prove a certificate of the
     * cluster CA that names {@code host} (a host name or an IPv4 literal).
     */
    public SSLSocket connect(String host, int port, int timeoutMs) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
        try {
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(PROTOCOLS);
            p.setCipherSuites(SUITES);
            p.setEndpointIdentificationAlgorithm("HTTPS");
            if (!isLiteral(host)) {
                p.setServerNames(List.of(new SNIHostName(host)));
            }
            s.setSSLParameters(p);
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static boolean isLiteral(String host) {
        return host.chars().allMatch(c -> c == '.' || c == ':' || Character.digit(c, 16) >= 0)
                && (host.contains(".") || host.contains(":"));
    }

    /** The certificate the other side proved in the handshake of {@code s}. */
    public static X509Certificate peer(SSLSocket s) throws SSLPeerUnverifiedException {
        return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }

    /** A new cluster CA, before any node certificate exists (setup on the node that pairs first). */
    public record Authority(X509Certificate certificate, PrivateKey key) {
        public static Authority create(String cluster, Instant now) throws GeneralSecurityException {
            KeyPair k = Pki.newKey();
            return new Authority(Pki.newCa(cluster, k, now), k.getPrivate());
        }

        /** Issues a node certificate valid for {@code names} (host names) and {@code ips}. */
        public Issued issueNode(List<String> names, List<String> ips, Instant now) throws GeneralSecurityException {
            KeyPair k = Pki.newKey();
            X509Certificate c = Pki.issue(certificate, key, k.getPublic(), Pki.Usage.NODE, names, ips, now,
                    NODE_VALIDITY);
            return new Issued(c, k.getPrivate());
        }
    }

    /** A node certificate and its key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
    }

    /**
     * Writes a node's certificates into {@code <dataDir>/tls}, replacing what was there only once
     * every new file is written (a failure leaves the old set in place).
     *
     * @param caKey null on a node that is not to hold the CA key
     */
    public static void install(Path dataDir, X509Certificate ca, PrivateKey caKey, Issued node) throws IOException {
        Path target = dir(dataDir);
        Path fresh = dataDir.resolve(DIR + ".new");
        Path old = dataDir.resolve(DIR + ".old");
        deleteTree(fresh);
        deleteTree(old);
        PrivateFiles.createDirectories(fresh);
        PemFiles.writeCertificate(fresh.resolve(CA), ca);
        if (caKey != null) {
            PemFiles.writeKey(fresh.resolve(CA_KEY), caKey);
        }
        PemFiles.writeCertificate(fresh.resolve(NODE), node.certificate(), ca);
        PemFiles.writeKey(fresh.resolve(NODE_KEY), node.key());
        if (Files.exists(target)) {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
    }

    /**
     * Issues this node a new certificate from the cluster CA, for the same names and addresses as
     * its current one, and installs it ({@link #install}: all or nothing). The running daemon picks
     * it up at its next handshake ({@link NodeKeys}). Both nodes hold the CA key after setup, so
     * each renews its own; a node without it is told where to run the command.
     *
     * @return the new certificate
     * @throws PkiException this node does not hold the CA key, or its certificates do not load
     */
    public static X509Certificate renew(Path dataDir, Instant now) throws IOException, PkiException {
        Authority ca = authority(dataDir);
        X509Certificate old = load(dataDir).certificate();
        List<String> dns = new java.util.ArrayList<>();
        List<String> ips = new java.util.ArrayList<>();
        try {
            for (List<?> san : old.getSubjectAlternativeNames() == null ? List.<List<?>>of()
                    : old.getSubjectAlternativeNames()) {
                ((Integer) san.get(0) == 7 ? ips : dns).add(String.valueOf(san.get(1))); // 7: iPAddress
            }
            Issued fresh = ca.issueNode(dns, ips, now);
            install(dataDir, ca.certificate(), ca.key(), fresh);
            return fresh.certificate();
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot issue a new node certificate from the cluster CA: " + e.getMessage());
        }
    }

    /** Reads back the CA and its key from a node that holds them (renewal, the second node's certificate). */
    public static Authority authority(Path dataDir) throws IOException, PkiException {
        Path d = dir(dataDir);
        if (!Files.isRegularFile(d.resolve(CA_KEY))) {
            throw new PkiException("this node does not hold the cluster CA key (" + d.resolve(CA_KEY)
                    + "); copy it there from the peer's " + DIR + "/" + CA_KEY + " (mode 0600; setup gives it to"
                    + " both nodes), or pair the nodes again (vigil setup)");
        }
        return new Authority(PemFiles.readCertificates(d.resolve(CA)).get(0), PemFiles.readKey(d.resolve(CA_KEY)));
    }

    /**
     * Gives two local nodes certificates of one new CA, both valid for {@code localhost} and
     * 127.0.0.1 plus {@code extraIps}: what the demo and the tests use on one machine. Real sites
     * pair through setup instead.
     */
    public static void provisionLocal(String cluster, List<String> extraIps, Path... dataDirs)
            throws IOException, GeneralSecurityException {
        Instant now = Instant.now();
        Authority ca = Authority.create(cluster, now);
        List<String> ips = Stream.concat(Stream.of(InetAddress.getLoopbackAddress().getHostAddress()),
                extraIps.stream()).distinct().toList();
        for (Path d : dataDirs) {
            install(d, ca.certificate(), ca.key(), ca.issueNode(List.of("localhost"), ips, now));
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
