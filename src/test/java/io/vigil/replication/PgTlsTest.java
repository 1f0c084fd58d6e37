package io.vigil.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.pki.ClusterTls;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: the database between the nodes speaks only TLS 1.3, with the cluster CA's
 * certificates on both sides (verify-full by the client, a client certificate required by the
 * server), and refuses the replication user in plaintext. Real PostgreSQL on loopback.
 */
@Tag("postgres")
class PgTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private PgFixture fx;
    private PgInstance node1;

    @BeforeEach
    void primary() throws Exception {
        fx = new PgFixture();
        node1 = fx.instance("node1");
        node1.initdb();
        node1.start();
    }

    @AfterEach
    void cleanUp() throws Exception {
        fx.close();
    }

    @Test
    void the_standby_streams_over_tls_1_3_and_proves_its_node_certificate() throws Exception {
        PgInstance node2 = fx.instance("node2");
        node2.basebackupFrom(node1.config(), ProgressListener.NONE);
        node2.start();

        await().atMost(WAIT).until(() -> node1.replicationStatus().standby("vigil_node2").isPresent());
        try (Connection c = PgFixture.connect(node1); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT s.ssl, s.version, s.client_serial::text FROM pg_stat_replication r"
                     + " JOIN pg_stat_ssl s ON s.pid = r.pid WHERE r.application_name = 'vigil_node2'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("walsender over TLS").isTrue();
            assertThat(rs.getString(2)).isEqualTo("TLSv1.3");
            X509Certificate mine = ClusterTls.load(node2.config().tls().nodeDataDir()).certificate();
            assertThat(rs.getString(3)).as("the client certificate is node2's")
                    .isEqualTo(mine.getSerialNumber().toString());
        }
        try (Connection c = PgFixture.connect(node2); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT conninfo FROM pg_stat_wal_receiver")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).contains("sslmode=verify-full");
        }
    }

    @Test
    void the_database_users_copies_of_the_certificates_are_its_own_and_private() throws Exception {
        Path dir = PgTls.copyDir(node1.config());
        assertThat(Files.getOwner(dir).getName()).isEqualTo("postgres");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        for (String f : List.of(PgTls.ROOT, PgTls.CERT, PgTls.KEY)) {
            Path p = dir.resolve(f);
            assertThat(Files.getOwner(p).getName()).as(f).isEqualTo("postgres");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(f).isEqualTo("rw-------");
        }
        assertThat(Files.readString(dir.resolve(PgTls.KEY))).isEqualTo(Files.readString(
                ClusterTls.dir(node1.config().tls().nodeDataDir()).resolve(ClusterTls.NODE_KEY)));
        assertThat(Files.isDirectory(node1.config().dataDir().resolve("pg_wal"))).isTrue();
        assertThat(dir.getParent()).as("outside the data directory, which a resync replaces")
                .isEqualTo(node1.config().dataDir().getParent());
    }

    @Test
    void a_plaintext_connection_of_the_replication_user_is_refused_whatever_its_password() {
        PgConfig c = node1.config();
        Properties p = replicationUser(c);
        p.setProperty("sslmode", "disable");

        assertThatThrownBy(() -> DriverManager.getConnection(url(c), p).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("pg_hba.conf rejects connection for host \"127.0.0.1\", user \"vigil_replication\","
                        + " database \"postgres\", no encryption");
        p.setProperty("replication", "true"); // a streaming connection, as a standby or pg_basebackup makes
        p.setProperty("assumeMinServerVersion", "9.4");
        p.setProperty("preferQueryMode", "simple");
        assertThatThrownBy(() -> DriverManager.getConnection(url(c), p).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("pg_hba.conf rejects replication connection for host \"127.0.0.1\","
                        + " user \"vigil_replication\", no encryption");
    }

    @Test
    void over_tls_without_a_client_certificate_the_replication_user_is_refused() {
        PgConfig c = node1.config();
        Properties p = MixedFactory.properties(replicationUser(c), c.tls().nodeDataDir(), null);

        assertThatThrownBy(() -> DriverManager.getConnection(url(c), p).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("connection requires a valid client certificate");
    }

    @Test
    void over_tls_a_client_certificate_of_another_ca_is_refused() throws Exception {
        PgConfig c = node1.config();
        PgTls stranger = fx.tls("stranger", PgFixture.authority("another-cluster"));
        Properties p = MixedFactory.properties(replicationUser(c), c.tls().nodeDataDir(), stranger.nodeDataDir());

        // TLS 1.3: the server judges the client's certificate after the client has finished its
        // handshake, so the client only sees the connection closed; the server log says why.
        assertThatThrownBy(() -> DriverManager.getConnection(url(c), p).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("The connection attempt failed");
        await().atMost(WAIT).untilAsserted(() -> assertThat(Files.readString(c.logFile()))
                .contains("could not accept SSL connection: certificate verify failed"));
    }

    /**
     * pgjdbc TLS that trusts one node's CA (so the server's certificate is accepted) and shows
     * another node's certificate, or none: what a client outside the cluster could try.
     */
    public static final class MixedFactory extends javax.net.ssl.SSLSocketFactory {
        private final javax.net.ssl.SSLSocketFactory delegate;

        static Properties properties(Properties p, Path trustFrom, Path certificateFrom) {
            p.setProperty("sslmode", "verify-full");
            p.setProperty("sslfactory", MixedFactory.class.getName());
            p.setProperty("test.trust", trustFrom.toString());
            if (certificateFrom != null) {
                p.setProperty("test.certificate", certificateFrom.toString());
            }
            return p;
        }

        public MixedFactory(Properties info) throws Exception {
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ClusterTls.load(Path.of(info.getProperty("test.trust"))).ca());
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            javax.net.ssl.KeyManager[] keys = null;
            String from = info.getProperty("test.certificate");
            if (from != null) {
                Path d = ClusterTls.dir(Path.of(from));
                java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("node", io.vigil.pki.PemFiles.readKey(d.resolve(ClusterTls.NODE_KEY)), "x".toCharArray(),
                        io.vigil.pki.PemFiles.readCertificates(d.resolve(ClusterTls.NODE))
                                .toArray(new java.security.cert.Certificate[0]));
                javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("SunX509"); // plain aliases
                kmf.init(ks, "x".toCharArray());
                keys = new javax.net.ssl.KeyManager[] {alwaysOffer((javax.net.ssl.X509KeyManager) kmf.getKeyManagers()[0])};
            }
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
            ctx.init(keys, tmf.getTrustManagers(), null);
            delegate = ctx.getSocketFactory();
        }

        /** Offers the certificate even though the server asks for its CA's only (the JDK would then send none). */
        private static javax.net.ssl.X509ExtendedKeyManager alwaysOffer(javax.net.ssl.X509KeyManager km) {
            return new javax.net.ssl.X509ExtendedKeyManager() {
                @Override
                public String chooseEngineClientAlias(String[] t, java.security.Principal[] i, javax.net.ssl.SSLEngine e) {
                    return "node";
                }

                @Override
                public String chooseClientAlias(String[] t, java.security.Principal[] i, Socket s) {
                    return "node";
                }

                @Override
                public String[] getClientAliases(String t, java.security.Principal[] i) {
                    return new String[] {"node"};
                }

                @Override
                public String[] getServerAliases(String t, java.security.Principal[] i) {
                    return null;
                }

                @Override
                public String chooseServerAlias(String t, java.security.Principal[] i, Socket s) {
                    return null;
                }

                @Override
                public X509Certificate[] getCertificateChain(String alias) {
                    return km.getCertificateChain(alias);
                }

                @Override
                public java.security.PrivateKey getPrivateKey(String alias) {
                    return km.getPrivateKey(alias);
                }
            };
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws java.io.IOException {
            return delegate.createSocket(s, host, port, autoClose);
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(String host, int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(String host, int port, java.net.InetAddress local, int localPort) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(java.net.InetAddress host, int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(java.net.InetAddress a, int port, java.net.InetAddress local, int localPort) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void a_server_certificate_of_another_ca_is_refused_by_verify_full() {
        PgInstance stranger = fx.track(new PgInstance(fx.config("node2", fx.freePort())
                .withTls(fx.tls("node2", PgFixture.authority("another-cluster")))));

        assertThatThrownBy(() -> stranger.basebackupFrom(node1.config(), ProgressListener.NONE))
                .isInstanceOf(PgException.class)
                .hasMessageContaining("pg_basebackup failed")
                .hasMessageContaining("certificate verify failed");
        assertThat(stranger.config().dataDir()).doesNotExist();
        assertThatThrownBy(() -> PgSql.replication(stranger.config(), node1.config()).close())
                .isInstanceOf(PgException.class)
                .hasMessageContaining("as vigil_replication over TLS failed")
                .hasMessageContaining("PKIX path building failed");
    }

    @Test
    void a_server_certificate_that_does_not_name_the_address_dialled_is_refused_by_verify_full() throws Exception {
        ClusterTls.Authority ca = PgFixture.authority("names");
        PgTls elsewhere = new PgTls(Files.createTempDirectory("vigil-pg-node-"));
        ClusterTls.install(elsewhere.nodeDataDir(), ca.certificate(), null,
                ca.issueNode(List.of("db.elsewhere.example"), List.of("192.0.2.7"), Instant.now()));
        PgInstance server = fx.track(new PgInstance(fx.config("node3", fx.freePort()).withTls(elsewhere)));
        server.initdb();
        server.start();
        PgInstance client = fx.track(new PgInstance(fx.config("node4", fx.freePort()).withTls(fx.tls("node4", ca))));

        assertThatThrownBy(() -> client.basebackupFrom(server.config(), ProgressListener.NONE))
                .isInstanceOf(PgException.class)
                .hasMessageContaining("server certificate for \"db.elsewhere.example\" (and 1 other name) does not match"
                        + " host name \"127.0.0.1\"");
        assertThatThrownBy(() -> PgSql.replication(client.config(), server.config()).close())
                .isInstanceOf(PgException.class)
                .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1 found");
        server.stop(PgInstance.StopMode.FAST);
    }

    @Test
    void the_server_refuses_tls_1_2() throws Exception {
        assertThat(handshake("TLSv1.3")).isEqualTo("TLSv1.3");
        assertThatThrownBy(() -> handshake("TLSv1.2")).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("protocol_version");
    }

    @Test
    void after_a_renewal_the_running_server_serves_the_new_certificate_without_a_restart() throws Exception {
        String pid = postmasterPid();
        java.math.BigInteger before = servedSerial();
        Path nodeDir = node1.config().tls().nodeDataDir();
        // What `vigil cert renew` does (ClusterTls.renew, on a node holding the CA key): a new
        // certificate of the same CA, installed atomically.
        ClusterTls.Issued issued = fx.ca().issueNode(List.of("localhost"), List.of("127.0.0.1"), Instant.now());
        ClusterTls.install(nodeDir, fx.ca().certificate(), null, issued);
        X509Certificate renewed = issued.certificate();
        assertThat(renewed.getSerialNumber()).isNotEqualTo(before);
        assertThat(servedSerial()).as("a renewal alone changes nothing the server serves").isEqualTo(before);
        assertThat(node1.reloadTls()).isTrue();
        await().atMost(WAIT).until(() -> servedSerial().equals(renewed.getSerialNumber()));
        assertThat(postmasterPid()).as("the same postmaster: reloaded, not restarted").isEqualTo(pid);
    }

    private String postmasterPid() throws java.io.IOException {
        return Files.readAllLines(node1.config().dataDir().resolve("postmaster.pid")).get(0).strip();
    }

    /** The serial of the certificate the server presents to a new TLS connection. */
    private java.math.BigInteger servedSerial() throws Exception {
        try (Socket raw = new Socket("127.0.0.1", node1.config().port())) {
            DataOutputStream out = new DataOutputStream(raw.getOutputStream());
            out.writeInt(8);
            out.writeInt(80877103);
            out.flush();
            assertThat(new DataInputStream(raw.getInputStream()).readByte()).isEqualTo((byte) 'S');
            SSLSocket tls = (SSLSocket) new PgTls(node1.config().tls().nodeDataDir()).context().getSocketFactory()
                    .createSocket(raw, "127.0.0.1", node1.config().port(), false);
            tls.startHandshake();
            return ((X509Certificate) tls.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    /** PostgreSQL's SSLRequest, then a TLS handshake offering only {@code protocol}; returns the one agreed. */
    private String handshake(String protocol) throws Exception {
        try (Socket raw = new Socket("127.0.0.1", node1.config().port())) {
            DataOutputStream out = new DataOutputStream(raw.getOutputStream());
            out.writeInt(8);
            out.writeInt(80877103);
            out.flush();
            assertThat(new DataInputStream(raw.getInputStream()).readByte()).as("server willing to speak TLS")
                    .isEqualTo((byte) 'S');
            SSLSocket tls = (SSLSocket) new PgTls(node1.config().tls().nodeDataDir()).context().getSocketFactory()
                    .createSocket(raw, "127.0.0.1", node1.config().port(), false);
            tls.setEnabledProtocols(new String[] {protocol});
            tls.startHandshake();
            return tls.getSession().getProtocol();
        }
    }

    private static Properties replicationUser(PgConfig c) {
        Properties p = new Properties();
        p.setProperty("user", c.replicationUser());
        p.setProperty("password", c.replicationPassword());
        p.setProperty("connectTimeout", "5");
        return p;
    }

    private static String url(PgConfig c) {
        return "jdbc:postgresql://127.0.0.1:" + c.port() + "/postgres";
    }
}
