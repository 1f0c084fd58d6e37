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

    /**
     * {@link Blocks#weak} sums eight bytes per step (SWAR): it must give exactly rsync's byte-by-byte
     * sums, which the rolling update and the peer's signatures are computed against, at every
     * alignment and length, with the largest byte values (no lane may carry into another).
     */
    @Test
    void theWeakChecksumEqualsTheByteByByteSumsAtEveryOffsetAndLength() {
        Random random = new Random(3);
        byte[] data = new byte[9000];
        random.nextBytes(data);
        byte[] ones = new byte[9000];
        java.util.Arrays.fill(ones, (byte) 0xff);
        for (byte[] b : new byte[][] {data, ones, new byte[9000]}) {
            for (int off = 0; off < 17; off++) {
                for (int len = 0; len < 300; len++) {
                    assertThat(Blocks.weak(b, off, len)).as("offset " + off + ", length " + len)
                            .isEqualTo(byteByByte(b, off, len));
                }
                for (int len : new int[] {4095, 4096, 4097, 8191, 8192, 8983 - off}) {
                    assertThat(Blocks.weak(b, off, len)).as("offset " + off + ", length " + len)
                            .isEqualTo(byteByByte(b, off, len));
                }
            }
        }
    }

    private static int byteByByte(byte[] b, int off, int len) {
        int a = 0;
        int s = 0;
        for (int i = off; i < off + len; i++) {
            a += b[i] & 0xff;
            s += a;
        }
        return Blocks.pack(a, s);
    }

    @Test
    void theIndexFindsABlockOnlyWhenWeakAndStrongChecksumsMatch() {
        byte[] basis = new byte[3 * 4096 + 100];
        new Random(2).nextBytes(basis);
        var sha = Blocks.strongHash(key(1));
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

    /**
     * The strong sums are keyed: the same block gets unrelated sums under two connections' keys,
     * so nobody who does not hold a connection's key can prepare blocks whose sums collide.
     */
    @Test
    void strongSumsDependOnTheConnectionsBlockKey() {
        byte[] block = new byte[4096];
        new Random(4).nextBytes(block);
        var one = Blocks.strongHash(key(1));
        var again = Blocks.strongHash(key(1));
        var other = Blocks.strongHash(key(2));
        assertThat(Blocks.strong(again, block, 0, 4096)).isEqualTo(Blocks.strong(one, block, 0, 4096));
        assertThat(Blocks.strong(other, block, 0, 4096)).isNotEqualTo(Blocks.strong(one, block, 0, 4096));
        byte[] flipped = block.clone();
        flipped[100] ^= 1;
        assertThat(Blocks.strong(one, flipped, 0, 4096)).isNotEqualTo(Blocks.strong(one, block, 0, 4096));
    }

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        new Random(seed).nextBytes(k);
        return k;
    }

    @Test
    void blocksStay4KiBUpTo1GiBThenGrowSoAFileHasAtMost2To18Blocks() {
        assertThat(Blocks.blockSize(0)).isEqualTo(4096);
        assertThat(Blocks.blockSize(1L << 30)).isEqualTo(4096);
        assertThat(Blocks.blockSize(8L << 30)).isEqualTo(32768);
        assertThat(Blocks.blockCount(8L << 30, Blocks.blockSize(8L << 30))).isEqualTo(1 << 18);
    }
}
