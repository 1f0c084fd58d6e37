package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A receiver that holds a certificate of the cluster CA but lies (attacker model (c), against the source): a
 * FETCH claiming more block signatures than any file has must be refused before the source
 * allocates room for them, and the source must go on serving.
 */
class HostileReceiverTest extends DirSyncFixture {

    @Test
    void aFetchClaimingBillionsOfSignaturesIsRefusedAndTheSourceKeepsServing() throws Exception {
        write(src.resolve("a.txt"), "one".getBytes());
        try (TlsChannel ch = TlsChannel.client(TestTls.RECEIVER.connect("127.0.0.1", server.port(), 5000),
                new AtomicLong())) {
            FrameWriter frames = new FrameWriter(ch);
            ByteBuffer f = frames.begin(Codec.FETCH);
            Codec.putString(f, "data");
            Codec.putString(f, "a.txt");
            int blocks = Integer.MAX_VALUE;
            f.putLong((long) blocks * Blocks.MIN_BLOCK).putInt(Blocks.MIN_BLOCK).putInt(blocks);
            frames.send();
            frames.flush();

            boolean closed = false;
            try {
                ch.receive();
            } catch (EOFException | java.net.SocketException e) {
                closed = true;
            }
            assertThat(closed).as("the source hung up instead of answering").isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> serverLog.toString().contains("bad FETCH"));

        pull();
        assertThat(dst.resolve("a.txt")).hasContent("one");
    }
}
