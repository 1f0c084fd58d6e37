package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
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

        assertThat(s.getInputStream().read()).as("the server closed the connection").isEqualTo(-1);
    }

    @Test
    void tricklingBytesDoesNotExtendTheHandshakeDeadline() throws Exception {
        Socket s = stranger(2);
        s.setSoTimeout(500); // the pace of the trickle: one byte each time a read times out
        byte[] hello = new byte[4 + 1 + 32];
        System.arraycopy("VGDS".getBytes(StandardCharsets.US_ASCII), 0, hello, 0, 4);
        hello[4] = 2; // the protocol version: each byte is one the server is still waiting for
        InputStream in = s.getInputStream();
        int sent = 0;
        boolean closed = false;
        while (!closed && sent < hello.length) {
            try {
                s.getOutputStream().write(hello[sent++]);
                closed = in.read() == -1;
            } catch (SocketTimeoutException e) {
                // still open: next byte
            } catch (SocketException e) {
                closed = true; // reset by the server
            }
        }
        assertThat(closed).as("closed while the hello was still trickling in (%d of %d bytes sent)", sent,
                hello.length).isTrue();
    }
}
