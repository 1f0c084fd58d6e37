package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The delta algorithm's checksums, without sockets. */
class BlocksTest {

    @Test
    void rollingTheWeakChecksumOneByteEqualsComputingItAfresh() {
        byte[] data = new byte[20_000];
        new Random(1).nextBytes(data);
        int bs = 4096;
        int a = 0;
        int s = 0;
        for (int i = 0; i < bs; i++) {
            a += data[i] & 0xff;
            s += a;
        }
        for (int pos = 0; pos + bs < data.length; pos++) {
            assertThat(Blocks.pack(a, s)).as("offset " + pos).isEqualTo(Blocks.weak(data, pos, bs));
            int out = data[pos] & 0xff;
            a += (data[pos + bs] & 0xff) - out;
            s += a - bs * out;
        }
    }

    @Test
    void theIndexFindsABlockOnlyWhenWeakAndStrongChecksumsMatch() {
        byte[] basis = new byte[3 * 4096 + 100];
        new Random(2).nextBytes(basis);
        var sha = Blocks.sha256();
        Blocks.Index index = new Blocks.Index(basis.length, 4096, 4);
        for (int off = 0; off < basis.length; off += 4096) {
            int len = Math.min(4096, basis.length - off);
            index.add(Blocks.weak(basis, off, len), Blocks.strong(sha, basis, off, len));
        }
        assertThat(index.find(Blocks.weak(basis, 4096, 4096), sha, basis, 4096, 4096, -1)).isEqualTo(1);
        assertThat(index.find(Blocks.weak(basis, 3 * 4096, 100), sha, basis, 3 * 4096, 100, -1))
                .as("the short last block").isEqualTo(3);
        byte[] other = basis.clone();
        other[4096 + 7] ^= 1;
        assertThat(index.find(Blocks.weak(other, 4096, 4096), sha, other, 4096, 4096, -1)).isEqualTo(-1);
    }

    @Test
    void blocksStay4KiBUpTo1GiBThenGrowSoAFileHasAtMost2To18Blocks() {
        assertThat(Blocks.blockSize(0)).isEqualTo(4096);
        assertThat(Blocks.blockSize(1L << 30)).isEqualTo(4096);
        assertThat(Blocks.blockSize(8L << 30)).isEqualTo(32768);
        assertThat(Blocks.blockCount(8L << 30, Blocks.blockSize(8L << 30))).isEqualTo(1 << 18);
    }
}
