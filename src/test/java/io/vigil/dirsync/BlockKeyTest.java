package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The block signatures' key ({@link SecureChannel#blockKey}): the source and the receiver of one
 * connection derive the same one (otherwise no block would ever match), and no two connections
 * share one, so a key seen once is worth nothing later. Real sockets on loopback.
 */
class BlockKeyTest {

    private static final byte[] CLUSTER_KEY = new byte[32];

    @Test
    void bothEndsOfAConnectionDeriveTheSameBlockKeyAndEveryConnectionANewOne() throws Exception {
        byte[][] first = connect();
        byte[][] second = connect();
        assertThat(first[0]).hasSize(32).isEqualTo(first[1]);
        assertThat(second[0]).isEqualTo(second[1]);
        assertThat(second[0]).isNotEqualTo(first[0]);
    }

    /** One handshake; returns {client's block key, server's block key}. */
    private static byte[][] connect() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> server = CompletableFuture.supplyAsync(() -> {
                try (Socket s = listener.accept(); SecureChannel ch = SecureChannel.server(s, CLUSTER_KEY, new AtomicLong())) {
                    return ch.blockKey();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                 SecureChannel ch = SecureChannel.client(s, CLUSTER_KEY, new AtomicLong())) {
                return new byte[][] {ch.blockKey(), server.get(10, TimeUnit.SECONDS)};
            }
        }
    }
}
