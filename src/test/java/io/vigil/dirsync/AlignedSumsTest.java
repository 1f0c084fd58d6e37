package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dynatrace.hash4j.hashing.Hasher64;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source's block sums computed ahead ({@link AlignedSums}): they are those of the aligned
 * blocks, and a wrong one (the file changed between the helper's read and the encoder's) can only
 * make the receiver discard the rebuilt file, never install bytes the source did not read.
 */
class AlignedSumsTest {

    private static final int BS = Blocks.MIN_BLOCK;

    @TempDir
    Path dir;

    private final Hasher64 hash = Blocks.strongHash(new byte[32]);

    @Test
    void theSumsAreThoseOfEveryAlignedBlockAndOnlyThose() throws Exception {
        byte[] data = random(1, 10 * BS + 100);
        Path f = Files.write(dir.resolve("f"), data);
        ExecutorService helper = Executors.newSingleThreadExecutor();
        try (FileChannel in = FileChannel.open(f, StandardOpenOption.READ)) {
            AlignedSums sums = AlignedSums.start(helper, in, data.length, BS, hash, new byte[AlignedSums.BUFFER]);
            for (int b = 0; b <= 10; b++) {
                int len = b < 10 ? BS : 100;
                assertThat(sums.covers((long) b * BS, len)).isTrue();
                assertThat(sums.await((long) b * BS)).isTrue();
                assertThat(sums.strong((long) b * BS)).isEqualTo(Blocks.strong(hash, data, b * BS, len));
            }
            assertThat(sums.covers(BS + 1, BS)).as("not aligned").isFalse();
            assertThat(sums.covers(BS, 100)).as("not the block's length").isFalse();
            assertThat(sums.covers(10L * BS, BS)).as("the last block is shorter").isFalse();
            assertThat(sums.covers(11L * BS, 100)).as("beyond the file").isFalse();
            sums.close();
        } finally {
            helper.shutdownNow();
        }
    }

    @Test
    void aWrongSumMakesTheReceiverDiscardTheFileNeverInstallIt() throws Exception {
        byte[] old = random(2, 8 * BS);
        byte[] now = old.clone();
        sameWeakSum(now, 3 * BS); // block 3 changed on the source, its weak sum not
        Path basis = Files.write(dir.resolve("target"), old);
        Path source = Files.write(dir.resolve("source"), now);
        Blocks.Index index = new Blocks.Index(old.length, BS, 8);
        long[] strong = new long[8];
        for (int b = 0; b < 8; b++) {
            index.add(Blocks.weak(old, b * BS, BS), Blocks.strong(hash, old, b * BS, BS));
            strong[b] = Blocks.strong(hash, old, b * BS, BS); // stale hints: block 3 as it was
        }
        assertThat(Blocks.weak(now, 3 * BS, BS)).as("so the stale strong sum is consulted")
                .isEqualTo(Blocks.weak(old, 3 * BS, BS));
        assertRebuildRefused(old, now, strong, basis, source, index);
    }

    /**
     * A block right after a match is matched to the receiver's next block on the helper's strong
     * sum alone (no weak sum): a stale one copies the old block even when the new one differs
     * everywhere, and the receiver still refuses the file.
     */
    @Test
    void aStaleSumOfTheNextBlockAloneCopiesItAndTheReceiverStillRefusesTheFile() throws Exception {
        byte[] old = random(3, 8 * BS);
        byte[] now = old.clone();
        System.arraycopy(random(4, BS), 0, now, 3 * BS, BS); // block 3 changed entirely
        Path basis = Files.write(dir.resolve("target"), old);
        Path source = Files.write(dir.resolve("source"), now);
        Blocks.Index index = new Blocks.Index(old.length, BS, 8);
        long[] strong = new long[8];
        for (int b = 0; b < 8; b++) {
            index.add(Blocks.weak(old, b * BS, BS), Blocks.strong(hash, old, b * BS, BS));
            strong[b] = Blocks.strong(hash, old, b * BS, BS); // stale hints: block 3 as it was
        }
        assertThat(Blocks.weak(now, 3 * BS, BS)).isNotEqualTo(Blocks.weak(old, 3 * BS, BS));
        assertRebuildRefused(old, now, strong, basis, source, index);
    }

    private void assertRebuildRefused(byte[] old, byte[] now, long[] strong, Path basis, Path source,
                                      Blocks.Index index) throws Exception {
        AlignedSums stale = AlignedSums.given(BS, now.length, strong);

        TlsChannel[] pair = TestTls.connectedPair();
        try (TlsChannel receiver = pair[0]; TlsChannel sender = pair[1]) {
            CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> {
                try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
                    FrameWriter frames = new FrameWriter(sender);
                    byte[] checksum = new DeltaEncoder(frames, new byte[DeltaEncoder.BUFFER], hash).encode(in, index, stale);
                    frames.begin(Codec.END);
                    frames.send();
                    frames.flush();
                    return checksum;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (DeltaApplier applier = new DeltaApplier(basis, basis, old.length, BS)) {
                for (ByteBuffer m = receiver.receive(); Codec.type(m) == Codec.DELTA; m = receiver.receive()) {
                    applier.apply(m);
                }
                byte[] checksum = sent.get(10, TimeUnit.SECONDS);
                Entry attrs = new Entry("target", Entry.Type.FILE, now.length, 0, 0644, 0, 0, "");
                assertThatThrownBy(() -> applier.finish(now.length, checksum, attrs, false))
                        .isInstanceOf(DeltaApplier.BadFileException.class);
            }
        }
        assertThat(Files.readAllBytes(basis)).as("the old copy stays").isEqualTo(old);
    }

    /**
     * Changes three neighbouring bytes of the block at {@code off} by +1, -2, +1: rsync's weak sum
     * (a byte sum and a sum weighted linearly by position) stays the same, the block does not.
     */
    private static void sameWeakSum(byte[] b, int off) {
        for (int i = off; i + 2 < off + BS; i++) {
            int x = b[i] & 0xff;
            int y = b[i + 1] & 0xff;
            int z = b[i + 2] & 0xff;
            if (x < 255 && y >= 2 && z < 255) {
                b[i] = (byte) (x + 1);
                b[i + 1] = (byte) (y - 2);
                b[i + 2] = (byte) (z + 1);
                return;
            }
        }
        throw new IllegalStateException("no three bytes to change");
    }

    private static byte[] random(int seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
