package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The whole-file checksum is MurmurHash3 x64 128 exactly, however the bytes are split into updates. */
class FileChecksumTest {

    private static String hex(String s) {
        FileChecksum c = new FileChecksum();
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        c.update(b, 0, b.length);
        return HexFormat.of().formatHex(c.digest());
    }

    @Test
    void matchesTheReferenceVectors() {
        // Reference values: Guava's Hashing.murmur3_128() (seed 0), the same as the C reference's x64_128.
        assertThat(hex("")).isEqualTo("00000000000000000000000000000000");
        assertThat(hex("a")).isEqualTo("897859f6655555855a890e51483ab5e6");
        assertThat(hex("hello")).isEqualTo("029bbd41b3a7d8cb191dae486a901e5b");
        assertThat(hex("The quick brown fox jumps over the lazy dog")).isEqualTo("6c1b07bc7bbc4be347939ac4a93c437a");
    }

    @Test
    void anySplitIntoUpdatesGivesTheSameChecksum() {
        SplittableRandom r = new SplittableRandom(3);
        for (int t = 0; t < 300; t++) {
            byte[] data = new byte[r.nextInt(2000)];
            r.nextBytes(data);
            FileChecksum whole = new FileChecksum();
            whole.update(data, 0, data.length);
            FileChecksum pieces = new FileChecksum();
            for (int p = 0; p < data.length; ) {
                int n = Math.min(data.length - p, r.nextInt(40));
                int how = r.nextInt(3);
                if (how == 0) {
                    pieces.update(data, p, n);
                } else if (how == 1) {
                    pieces.update(ByteBuffer.wrap(data, p, n).slice());
                } else { // a direct buffer, read in place, at an odd position
                    ByteBuffer direct = ByteBuffer.allocateDirect(n + 3);
                    direct.position(3);
                    direct.put(data, p, n).position(3);
                    pieces.update(direct);
                    assertThat(direct.hasRemaining()).isFalse();
                }
                p += n;
            }
            assertThat(pieces.digest()).as("length %d", data.length).isEqualTo(whole.digest());
        }
    }

    @Test
    void aSingleFlippedBitChangesTheChecksum() {
        byte[] data = new byte[100_000];
        new SplittableRandom(4).nextBytes(data);
        FileChecksum c = new FileChecksum();
        c.update(data, 0, data.length);
        byte[] before = c.digest();
        data[54_321] ^= 0x10;
        c.update(data, 0, data.length); // digest() reset it
        assertThat(c.digest()).isNotEqualTo(before);
    }
}
