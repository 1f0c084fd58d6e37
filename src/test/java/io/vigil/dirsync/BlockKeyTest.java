package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The block signatures' key ({@link TlsChannel#blockKey}): the source and the receiver of one
 * connection hold the same one, drawn by the receiver and sent inside TLS; no two connections
 * share one, so a key seen once is worth nothing later. Real TLS sockets on loopback.
 */
class BlockKeyTest {

    @Test
    void bothEndsOfAConnectionHoldTheSameBlockKeyAndEveryConnectionANewOne() throws Exception {
        byte[][] first = connect();
        byte[][] second = connect();
        assertThat(first[0]).hasSize(32).isEqualTo(first[1]);
        assertThat(second[0]).isEqualTo(second[1]);
        assertThat(second[0]).isNotEqualTo(first[0]);
    }

    /** One connection; returns {receiver's block key, source's block key}. */
    private static byte[][] connect() throws Exception {
        TlsChannel[] pair = TestTls.connectedPair();
        try (TlsChannel receiver = pair[0]; TlsChannel source = pair[1]) {
            return new byte[][] {receiver.blockKey(), source.blockKey()};
        }
    }
}
