package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 4, directory replication: connections that never authenticate (from addresses
 * other than the peer's, 127.0.0.1 here; Linux answers for all of 127/8) must not keep the
 * real peer's pull from completing, and none may hold a session thread past the handshake
 * deadline, even when it trickles bytes to keep each read alive.
 */
class PreAuthSlotsTest extends DirSyncFixture {

    private final List<Socket> idle = new ArrayList<>();

    @AfterEach
    void closeIdle() throws IOException {
        for (Socket s : idle) {
            s.close();
        }
    }

    /** An idle TCP connection to the replication port from 127.0.0.{@code host}; kept open until the test ends. */
    private Socket stranger(int host) throws IOException {
        Socket s = new Socket();
        idle.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + host), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        return s;
    }

    @Test
    void manyIdleConnectionsFromStrangersDoNotStopARealPull() throws Exception {
        write(src.resolve("conf/app.yaml"), "port: 80\n".getBytes());
        write(src.resolve("big.bin"), random(7, 2_000_000));
        for (int i = 0; i < 48; i++) {
            stranger(2 + i % 12);
        }

        SyncResult r = pull();

        assertThat(snapshot(dst)).isEqualTo(snapshot(src));
        assertThat(r.filesTransferred()).isEqualTo(2);
    }

    @Test
    void strangersReconnectingAllTheTimeDoNotStarveThePeer() throws Exception {
        write(src.resolve("a.txt"), "one".getBytes());
        AtomicBoolean stop = new AtomicBoolean();
        Thread flood = new Thread(() -> {
            for (int i = 0; !stop.get() && i < 2000; i++) {
                try {
                    stranger(2 + i % 20); // a new idle connection as soon as the last one is in
                } catch (IOException e) {
                    // refused while the backlog is full: try again
                }
            }
        }, "stranger-flood");
        flood.start();
        try {
            for (int pass = 0; pass < 3; pass++) {
                write(src.resolve("a.txt"), ("pass " + pass).getBytes());
                pull();
                assertThat(dst.resolve("a.txt")).hasContent("pass " + pass);
            }
        } finally {
            stop.set(true);
            flood.join();
        }
    }

    @Test
    void aSilentConnectionIsClosedAtTheHandshakeDeadline() throws Exception {
        Socket s = stranger(2);
        s.setSoTimeout(20_000); // old behaviour: the server kept it 60 s; this read would time out

        byte[] before = s.getInputStream().readAllBytes(); // returns at the end of the stream: the server closed it
        boolean alertsOnly = before.length % 7 == 0;
        for (int i = 0; i < before.length; i += 7) {
            alertsOnly &= before[i] == 21;
        }
        assertThat(alertsOnly).as("nothing but TLS alerts (7 bytes each, type 21) before the close: %s",
                java.util.Arrays.toString(before)).isTrue();
    }

    @Test
    void tricklingATlsClientHelloDoesNotExtendTheHandshakeDeadline() throws Exception {
        assertThat(trickle(stranger(2), clientHello())).as("closed while the TLS ClientHello was still trickling in")
                .isTrue();
    }

    @Test
    void tricklingTheHelloAfterTlsDoesNotExtendTheHandshakeDeadline() throws Exception {
        // A peer with a good certificate that then stalls the replication hello: same deadline.
        javax.net.ssl.SSLSocket s = TestTls.RECEIVER.connect("127.0.0.1", server.port(), 5000);
        idle.add(s);
        assertThat(trickle(s, HostileSource.hello())).as("closed while the hello was still trickling in").isTrue();
    }

    /**
     * Sends {@code bytes} one at a time, each when a read of the answer has timed out (500 ms):
     * each byte is one the server is still waiting for.
     *
     * @return whether the server closed the connection before the last byte
     */
    private static boolean trickle(Socket s, byte[] bytes) throws IOException {
        s.setSoTimeout(500);
        InputStream in = s.getInputStream();
        for (int sent = 0; sent < bytes.length - 1; ) {
            try {
                s.getOutputStream().write(bytes[sent++]);
                s.getOutputStream().flush();
                if (in.read() == -1) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // still open: next byte
            } catch (IOException e) {
                return true; // reset, or TLS saw the connection closed
            }
        }
        return false;
    }

    /** The first flight of a real TLS 1.3 client of the cluster (a few hundred bytes). */
    private byte[] clientHello() throws IOException {
        javax.net.ssl.SSLEngine engine = TestTls.RECEIVER.context().createSSLEngine("127.0.0.1", server.port());
        engine.setUseClientMode(true);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(java.nio.ByteBuffer.allocate(0), out);
        out.flip();
        byte[] b = new byte[out.remaining()];
        out.get(b);
        assertThat(b.length).as("a whole ClientHello, so the deadline is what ends the trickle").isGreaterThan(20);
        return b;
    }
}
