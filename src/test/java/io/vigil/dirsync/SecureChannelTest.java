package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 5: directory replication is keyed with the dirsync key since protocol 3; a node of
 * the previous version (protocol 2, keyed with the cluster key) gets one clear line saying what
 * to do, not a key mismatch.
 */
class SecureChannelTest {

    @Test
    void aPeerOfTheProtocolBeforeTheKeySplitIsToldToUpgrade() throws Exception {
        try (ServerSocket old = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread peer = new Thread(() -> {
                try (Socket s = old.accept()) {
                    OutputStream out = s.getOutputStream();
                    out.write("VGDS".getBytes(StandardCharsets.US_ASCII));
                    out.write(2);
                    out.write(new byte[32]);
                    out.flush();
                    s.getInputStream().readAllBytes();
                } catch (java.io.IOException e) {
                    // the client's exception tells
                }
            });
            peer.start();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), old.getLocalPort())) {
                s.setSoTimeout(5000); // a client that took the old hello would wait for a verdict
                assertThatThrownBy(() -> SecureChannel.client(s, new byte[32], new AtomicLong()))
                        .isInstanceOf(AuthenticationException.class)
                        .hasMessageEndingWith(" speaks directory replication protocol 2, this node 3: upgrade both nodes");
            }
            peer.join(5000);
            assertThat(peer.isAlive()).isFalse();
        }
    }
}
