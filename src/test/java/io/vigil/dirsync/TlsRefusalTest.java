package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: directory replication runs over TLS 1.3 pinned to the cluster CA. Whoever is not the
 * peer (a certificate of another CA, none, no TLS at all, another protocol version) is refused,
 * with one line that says why and what to do, on the side that refuses; nothing is served or
 * written. Real sockets on loopback.
 */
class TlsRefusalTest extends DirSyncFixture {

    private static final String FIX = "; only the peer node, with a certificate of this cluster's CA, may connect;"
            + " if it is the peer, pair the nodes again (vigil setup) so that both hold certificates of one CA";

    @Test
    void aClientWithACertificateOfAnotherCaIsRefusedByTheSource() throws Exception {
        write(src.resolve("secret.conf"), "not for strangers".getBytes());
        String from;
        try (SSLSocket s = (SSLSocket) TestTls.impostor().getSocketFactory().createSocket("127.0.0.1", server.port())) {
            from = String.valueOf(s.getLocalSocketAddress());
            assertThat(triesToList(s)).as("served nothing").isFalse();
        }
        awaitOneLogLine("directory replication: refused a connection from " + from
                + ": its certificate was not issued by this cluster's CA" + FIX);
    }

    @Test
    void aReceiverWhoseCertificateTheSourceRefusesGetsNoHello() throws Exception {
        // TLS 1.3: the receiver's side of the handshake may be over before the source judges its
        // certificate; the refusal then arrives during the hello, and must not read as a hello.
        SSLSocket s = (SSLSocket) TestTls.impostor().getSocketFactory().createSocket("127.0.0.1", server.port());
        String from = String.valueOf(s.getLocalSocketAddress());
        try (s) {
            s.setSoTimeout(5000);
            assertThatThrownBy(() -> {
                s.startHandshake();
                TlsChannel.client(s, new java.util.concurrent.atomic.AtomicLong());
            }).isInstanceOf(java.io.IOException.class).isNotInstanceOf(CorruptStreamException.class);
        }
        awaitOneLogLine("directory replication: refused a connection from " + from
                + ": its certificate was not issued by this cluster's CA" + FIX);
    }

    @Test
    void theSourcesAlertsRefusingOurCertificateReadAsSuch() {
        // The alerts a JDK source sends for a client certificate it does not trust (RFC 8446 §6.2).
        for (String alert : new String[] {"certificate_unknown", "bad_certificate", "unknown_ca"}) {
            assertThat(TlsRefusals.byClient(new javax.net.ssl.SSLException("Received fatal alert: " + alert),
                    "127.0.0.1")).as(alert).isEqualTo("it did not accept this node's certificate (not of its"
                    + " cluster CA): pair the nodes again (vigil setup)");
        }
    }

    @Test
    void aClientWithoutACertificateIsRefusedByTheSource() throws Exception {
        String from;
        try (SSLSocket s = (SSLSocket) TestTls.anonymous().getSocketFactory().createSocket("127.0.0.1", server.port())) {
            from = String.valueOf(s.getLocalSocketAddress());
            assertThat(triesToList(s)).as("served nothing").isFalse();
        }
        awaitOneLogLine("directory replication: refused a connection from " + from + ": it presented no certificate"
                + FIX);
    }

    @Test
    void aPlaintextPeerOfTheProtocolBeforeTlsIsToldToUpgrade() throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        String from = String.valueOf(s.getLocalSocketAddress());
        try (s) {
            s.getOutputStream().write(oldHello());
            s.setSoTimeout(5000);
            s.getInputStream().readAllBytes();
        } catch (java.net.SocketException e) {
            // reset by the source: fine, its log line tells
        }
        awaitOneLogLine("directory replication: refused a connection from " + from + ": it does not speak TLS (a Vigil"
                + " node older than replication protocol 4, or another program): install the same Vigil version on"
                + " both nodes");
    }

    @Test
    void aSourceOfAnotherCaIsRefusedByTheReceiverAndNothingIsWritten() {
        DirSyncClient stranger = new DirSyncClient("127.0.0.1", server.port(), TestTls.STRANGER, 5000);
        assertThatThrownBy(() -> stranger.pull("data", dst, SyncListener.NONE))
                .isInstanceOf(AuthenticationException.class)
                .hasMessage("the replication peer at 127.0.0.1:" + server.port() + " is refused: its certificate was"
                        + " not issued by this cluster's CA: it is not our peer, or the nodes were paired separately;"
                        + " pair them again (vigil setup)");
        assertThat(Files.exists(dst)).isFalse();
    }

    @Test
    void aSourceWhoseCertificateDoesNotNameTheAddressDialledIsRefused() throws Exception {
        // Linux answers for all of 127/8; the test certificates name only localhost and 127.0.0.1.
        try (DirSyncServer other = DirSyncServer.start(TestTls.SOURCE, "127.0.0.2", 0, Map.of("data", src),
                line -> { })) {
            other.serving(true, "test");
            DirSyncClient c = new DirSyncClient("127.0.0.2", other.port(), TestTls.RECEIVER, 5000);
            assertThatThrownBy(() -> c.pull("data", dst, SyncListener.NONE))
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessage("the replication peer at 127.0.0.2:" + other.port() + " is refused: its certificate"
                            + " does not name 127.0.0.2: set replication.peerAddress to an address or name in the"
                            + " peer's certificate (the one given at setup)");
        }
        assertThat(Files.exists(dst)).isFalse();
    }

    @Test
    void aSourceOfTheProtocolBeforeTlsIsReportedAsSuch() throws Exception {
        try (ServerSocket old = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = new Thread(() -> {
                try (Socket s = old.accept()) {
                    s.getOutputStream().write(oldHello()); // what a node of protocol 3 says first
                    s.getInputStream().readAllBytes();
                } catch (java.io.IOException e) {
                    // the client's exception tells
                }
            });
            peer.start();
            DirSyncClient c = new DirSyncClient("127.0.0.1", old.getLocalPort(), TestTls.RECEIVER, 5000);
            assertThatThrownBy(() -> c.pull("data", dst, SyncListener.NONE))
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessage("the replication peer at 127.0.0.1:" + old.getLocalPort() + " is refused: it ended the"
                            + " TLS handshake (a Vigil node older than replication protocol 4, which has no TLS, or"
                            + " another program): install the same Vigil version on both nodes");
            peer.join(5000);
        }
    }

    /** Issue 15: a receiver one protocol version ahead (a node upgraded first) is served. */
    @Test
    void aReceiverOneProtocolVersionAheadIsServed() throws Exception {
        try (SSLSocket s = TestTls.RECEIVER.connect("127.0.0.1", server.port(), 5000)) {
            s.getOutputStream().write(hello(N + 1));
            s.getOutputStream().flush();
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().readNBytes(5)).as("the source answers with its own version")
                    .isEqualTo(hello(N, 0));
        }
        assertThat(serverLog.toString()).as("nothing refused").doesNotContain("refused");
    }

    @Test
    void aReceiverTwoProtocolVersionsAheadIsToldBothVersions() throws Exception {
        try (SSLSocket s = TestTls.RECEIVER.connect("127.0.0.1", server.port(), 5000)) {
            String from = String.valueOf(s.getLocalSocketAddress());
            OutputStream out = s.getOutputStream();
            out.write(hello(N + 2));
            out.flush();
            byte[] answer = s.getInputStream().readNBytes(5);
            assertThat(answer).as("the source says its own version, then hangs up").isEqualTo(hello(N, 0));
            awaitOneLogLine("directory replication: refused a connection from " + from + ": it speaks protocol " + (N + 2)
                    + ", this node " + N + ": more than one version apart (protocol " + N + " talks to " + N + ".."
                    + (N + 1) + "); upgrade this node from protocol " + N + " to " + (N + 1) + " first");
        }
    }

    @Test
    void aSourceTwoProtocolVersionsAheadIsReportedWithBothVersions() throws Exception {
        try (SSLServerSocket newer = TestTls.SOURCE.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                1)) {
            Thread peer = new Thread(() -> {
                try (SSLSocket s = (SSLSocket) newer.accept()) {
                    s.getInputStream().readNBytes(4 + 1 + 32);
                    s.getOutputStream().write(hello(N + 2, 0));
                    s.getOutputStream().flush();
                    s.getInputStream().read();
                } catch (java.io.IOException e) {
                    // the client's exception tells
                }
            });
            peer.start();
            DirSyncClient c = new DirSyncClient("127.0.0.1", newer.getLocalPort(), TestTls.RECEIVER, 5000);
            assertThatThrownBy(() -> c.pull("data", dst, SyncListener.NONE))
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessage("the replication peer at /127.0.0.1:" + newer.getLocalPort()
                            + " speaks protocol " + (N + 2) + ", this node " + N + ": more than one version apart"
                            + " (protocol " + N + " talks to " + N + ".." + (N + 1) + "); upgrade this node from protocol "
                            + N + " to " + (N + 1) + " first");
            peer.join(5000);
        }
        assertThat(Files.exists(dst)).isFalse();
    }

    @Test
    void anUnforeseenTlsFailureIsLoggedOnOneShortLine() {
        String said = TlsRefusals.byServer(new javax.net.ssl.SSLException("odd\nforged log line " + "x".repeat(1000)));
        assertThat(said).startsWith("the TLS handshake failed (odd?forged log line xxx").doesNotContain("\n")
                .endsWith("...); " + FIX.substring(2)).hasSizeLessThan(600);
    }

    /** Whether a LIST on {@code s} gets any answer (false: the handshake or the read failed). */
    private static boolean triesToList(SSLSocket s) {
        try {
            s.setSoTimeout(5000);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write(hello(N));
            out.flush();
            InputStream in = s.getInputStream();
            return in.read() >= 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private void awaitOneLogLine(String line) {
        await().untilAsserted(() -> assertThat(serverLog.toString()).contains(line));
        assertThat(serverLog.toString().lines().filter(l -> l.equals(line)).count()).as(serverLog.toString())
                .isEqualTo(1);
        assertThat(serverLog.toString().lines().count()).as("nothing else logged: " + serverLog).isEqualTo(1);
    }

    private static final int N = io.vigil.protocol.ProtocolVersion.current();

    /** A receiver's hello of protocol {@code version} with a block key of zeros. */
    private static byte[] hello(int version) {
        return hello(version, 32);
    }

    private static byte[] hello(int version, int keyBytes) {
        byte[] b = new byte[5 + keyBytes];
        System.arraycopy("VGDS".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 4);
        b[4] = (byte) version;
        return b;
    }

    /** What a node of replication protocol 3 (SecureChannel, no TLS) sends first: magic, version, a nonce. */
    private static byte[] oldHello() {
        return hello(3, 32);
    }

}
