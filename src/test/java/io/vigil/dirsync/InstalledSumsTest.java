package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;

import com.dynatrace.hash4j.hashing.Hasher64;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signatures the disk thread collects while it writes a file ({@link InstalledSums}): real files, one class. */
class InstalledSumsTest {

    private static final int BS = Blocks.MIN_BLOCK;

    @TempDir
    Path dir;

    private final SignatureCache cache = new SignatureCache();
    private final byte[] key = cache.connectionKey();
    private final Hasher64 hash = Blocks.strongHash(key);

    @Test
    void dataArrivingInPiecesOfAnySizeGivesTheSignaturesOfTheFile() throws Exception {
        byte[] data = random(1, 10 * BS + 77);
        Path f = Files.write(dir.resolve("f"), data);
        InstalledSums sums = InstalledSums.start(cache, key, hash, data.length, null, 0, 0);
        int[] pieces = {1, 4095, 9000, 3, BS, 17};
        int off = 0;
        for (int i = 0; off < data.length; i++) {
            int n = Math.min(pieces[i % pieces.length], data.length - off);
            ByteBuffer piece = i % 2 == 0 ? ByteBuffer.wrap(data, off, n) : direct(data, off, n);
            sums.literal(piece);
            assertThat(piece.remaining()).as("the buffer is left for the writer").isEqualTo(n);
            off += n;
        }

        sums.installed(f);

        assertThat(cache.get(f, key, BS, 11)).isEqualTo(signatures(data));
    }

    @Test
    void wholeAlignedBlocksOfTheOldCopyTakeItsSignaturesAndTheRestIsHashed() throws Exception {
        byte[] data = random(2, 4 * BS);
        Path f = Files.write(dir.resolve("f"), data);
        byte[] marked = signatures(data);
        marked[0] ^= 1; // block 0's weak sum as the old copy's signatures say: taken over, not recomputed
        marked[12 * 2] ^= 1; // block 2's, but block 2 arrives shifted: hashed
        InstalledSums sums = InstalledSums.start(cache, key, hash, data.length, marked, BS, data.length);
        sums.copied(direct(data, 0, 2 * BS), 0);                 // blocks 0 and 1 of the old copy, in place
        sums.literal(ByteBuffer.wrap(data, 2 * BS, 100));         // 100 new bytes...
        sums.copied(direct(data, 2 * BS + 100, 2 * BS - 100), 2 * BS + 100); // ...then the rest, off the boundary

        sums.installed(f);

        byte[] expected = signatures(data);
        expected[0] ^= 1;
        assertThat(cache.get(f, key, BS, 4)).isEqualTo(expected);
    }

    @Test
    void aFileOfAnotherLengthThanAnnouncedIsNotKept() throws Exception {
        byte[] data = random(3, 3 * BS);
        Path f = Files.write(dir.resolve("f"), data);
        InstalledSums longer = InstalledSums.start(cache, key, hash, 2 * BS, null, 0, 0);
        longer.literal(ByteBuffer.wrap(data));
        longer.installed(f);
        InstalledSums shorter = InstalledSums.start(cache, key, hash, 4 * BS, null, 0, 0);
        shorter.literal(ByteBuffer.wrap(data));
        shorter.installed(f);

        assertThat(cache.bytes()).isZero();
        assertThat(InstalledSums.start(cache, key, hash, 0, null, 0, 0)).as("empty").isNull();
        assertThat(InstalledSums.start(cache, key, hash, 1L << 40, null, 0, 0)).as("over 2^18 blocks").isNull();
    }

    private byte[] signatures(byte[] b) {
        ByteBuffer out = ByteBuffer.allocate(Blocks.blockCount(b.length, BS) * 12);
        for (int off = 0; off < b.length; off += BS) {
            int len = Math.min(BS, b.length - off);
            out.putInt(Blocks.weak(b, off, len)).putLong(Blocks.strong(hash, b, off, len));
        }
        return out.array();
    }

    private static ByteBuffer direct(byte[] b, int off, int len) {
        return ByteBuffer.allocateDirect(len).put(b, off, len).flip();
    }

    private static byte[] random(int seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
