package io.vigil.dirsync;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The per-block checksums of rsync's delta algorithm: a weak rolling checksum that can slide one
 * byte in O(1), so the sender can look for the receiver's blocks at every offset, and a strong
 * 64-bit hash that confirms a weak match. A false match that survives both is still caught by the
 * whole-file {@link FileChecksum} check, after which the file is resent in full.
 *
 * <p>The strong hash is PolymurHash 2.0 (hash4j) keyed with the connection's secret block key
 * ({@link TlsChannel#blockKey}), not an unkeyed hash. Polymur is a polynomial hash modulo
 * 2^61-1 with a proven bound: two different blocks of n bytes collide with probability at most
 * n x 2^-60.2 over the key (2^-48 for 4 KiB blocks), whatever their content, as long as whoever
 * chose the content does not know the key. The receiver draws the key and keeps it for up to a
 * day ({@link SignatureCache}: its signatures are kept between passes; docs/security.md argues
 * why a key of a day is still enough). Until
 * 2026-12 it was SHA-256 truncated to 64 bits: at 1.2 GB/s per core it was the largest cost of
 * an incremental pass (both sides hash every block; Polymur runs at about 3 GB/s here), and
 * truncated to 64 bits and unkeyed it let anyone who can write files on the source search
 * offline for colliding blocks (a birthday search of about 2^32 hashes); a keyed hash leaves
 * nothing to search offline.
 */
final class Blocks {

    static final int MIN_BLOCK = 4096;
    /** Beyond this many blocks the block grows, so the signature list stays within a few MB. */
    private static final int MAX_BLOCKS_SHIFT = 18;
    static final int MAX_BLOCK = 1 << 20;
    /**
     * Most signatures a FETCH may carry (a 4 TiB file at the largest block): the source holds
     * them in memory, so a peer claiming billions must be refused before anything is allocated.
     */
    static final int MAX_SIGNATURES = 1 << 22;

    private Blocks() {
    }

    /**
     * Block size for a file: 4 KiB (the file system's block, so a changed disk block costs one
     * delta block) up to 1 GiB files, then doubling so a file never has more than 2^18 blocks.
     */
    static int blockSize(long size) {
        long bs = MIN_BLOCK;
        while ((size >> MAX_BLOCKS_SHIFT) > bs && bs < MAX_BLOCK) {
            bs <<= 1;
        }
        return (int) bs;
    }

    static int blockCount(long size, int blockSize) {
        return (int) ((size + blockSize - 1) / blockSize);
    }

    /**
     * rsync's checksum: a = sum of bytes, s = sum of the running a; both kept mod 2^16 on output.
     *
     * <p>Eight bytes per step rather than one (both sides compute it over every block of every
     * changed file, and byte by byte it was slower than the block hash: profiled in
     * bench/resync-dirs). Eight byte-by-byte steps add {@code 8a + 8b0 + 7b1 + ... + 1b7} to s;
     * the bytes are split into two sets of four 16-bit lanes (even and odd bytes) and one
     * multiplication per set sums its lanes with their weights into the top lane. No lane can
     * carry into the next: a lane's total is at most 255 x (8+6+4+2) = 5100 &lt; 2^16.
     */
    static int weak(byte[] b, int off, int len) {
        int a = 0;
        int s = 0;
        int i = off;
        for (int end = off + (len & ~7); i < end; i += 8) {
            long v = (long) LONG_LE.get(b, i);
            long even = v & LANES;
            long odd = (v >>> 8) & LANES;
            int weighted = (int) ((even * EVEN_WEIGHTS + odd * ODD_WEIGHTS) >>> 48);
            s += 8 * a + weighted;
            a += (int) (((even + odd) * ONES) >>> 48);
        }
        for (; i < off + len; i++) {
            a += b[i] & 0xff;
            s += a;
        }
        return pack(a, s);
    }

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Bytes 0, 2, 4, 6 of a little-endian long, each in its own 16-bit lane. */
    private static final long LANES = 0x00ff00ff00ff00ffL;
    /** Lane i times the weight of its byte (8, 6, 4, 2 for bytes 0, 2, 4, 6) lands in the top lane. */
    private static final long EVEN_WEIGHTS = 2L | 4L << 16 | 6L << 32 | 8L << 48;
    /** The same for bytes 1, 3, 5, 7 (weights 7, 5, 3, 1). */
    private static final long ODD_WEIGHTS = 1L | 3L << 16 | 5L << 32 | 7L << 48;
    private static final long ONES = 1L | 1L << 16 | 1L << 32 | 1L << 48;

    static int pack(int a, int s) {
        return (a & 0xffff) | (s << 16);
    }

    /**
     * The strong hash of one connection, from its {@link TlsChannel#blockKey}: both ends of a
     * connection derive the same one. Thread-safe (it holds only the key).
     */
    static Hasher64 strongHash(byte[] blockKey) {
        if (blockKey.length < 16) {
            throw new IllegalArgumentException("a block key has at least 16 bytes, got " + blockKey.length);
        }
        ByteBuffer k = ByteBuffer.wrap(blockKey);
        return Hashing.polymurHash2_0(0, k.getLong(0), k.getLong(8));
    }

    static long strong(Hasher64 hash, byte[] b, int off, int len) {
        return hash.hashBytesToLong(b, off, len);
    }

    /** Receives one block's checksums. */
    interface SignatureSink {
        void add(int weak, long strong) throws IOException;
    }

    /**
     * Reads the first {@code count} blocks of {@code file} ({@code size} bytes) through {@code buf},
     * handing each block's checksums to {@code sink}: the receiver's signatures of an old copy.
     */
    static void sign(Path file, long size, int bs, int count, byte[] buf, Hasher64 hash, SignatureSink sink)
            throws IOException {
        int chunk = buf.length - buf.length % bs; // whole blocks per read
        int done = 0;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long pos = 0;
            while (done < count) {
                int want = (int) Math.min(chunk, size - pos);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, want);
                while (bb.hasRemaining() && in.read(bb, pos + bb.position()) >= 0) {
                    // positional reads may return short
                }
                // A file that shrank under us is padded with zeros: its blocks simply will not match.
                java.util.Arrays.fill(buf, bb.position(), want, (byte) 0);
                for (int off = 0; off < want && done < count; off += bs) {
                    int len = Math.min(bs, want - off);
                    sink.add(weak(buf, off, len), strong(hash, buf, off, len));
                    done++;
                }
                pos += want;
            }
        }
    }

    /** The receiver's blocks, looked up by weak checksum without boxing (up to 2^18 of them). */
    static final class Index {
        private final int blockSize;
        private final int lastLength;
        private final int[] weak;
        private final long[] strong;
        private final int[] next;
        private final int[] heads;
        private final int mask;
        /**
         * One bit per weak sum (16 bits per block, so about 6% false hits): the sender tests it at
         * every byte it rolls over, and it fits the CPU's cache where {@code heads} does not.
         */
        private final long[] filter;
        private final int filterMask;
        private int count;

        Index(long basisSize, int blockSize, int capacity) {
            this.blockSize = blockSize;
            int rem = (int) (basisSize % blockSize);
            this.lastLength = rem == 0 ? blockSize : rem;
            this.weak = new int[capacity];
            this.strong = new long[capacity];
            this.next = new int[capacity];
            int table = Integer.highestOneBit(Math.max(16, capacity * 2 - 1)) << 1;
            this.heads = new int[table];
            java.util.Arrays.fill(heads, -1);
            this.mask = table - 1;
            int bits = Integer.highestOneBit(Math.max(1 << 12, Math.min(1 << 24, capacity * 16 - 1))) << 1;
            this.filter = new long[bits >>> 6];
            this.filterMask = bits - 1;
        }

        void add(int w, long s) {
            int i = count++;
            weak[i] = w;
            strong[i] = s;
            int h = mix(w) & mask;
            next[i] = heads[h];
            heads[h] = i;
            int f = filterBit(w);
            filter[f >>> 6] |= 1L << f;
        }

        int size() {
            return count;
        }

        int blockSize() {
            return blockSize;
        }

        /** The receiver's strong sum of {@code block}. */
        long strongSum(int block) {
            return strong[block];
        }

        int length(int block) {
            return block == count - 1 ? lastLength : blockSize;
        }

        boolean mayContain(int w) {
            int f = filterBit(w);
            if ((filter[f >>> 6] & (1L << f)) == 0) {
                return false;
            }
            for (int i = heads[mix(w) & mask]; i >= 0; i = next[i]) {
                if (weak[i] == w) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The block equal to {@code b[off, off+len)}, preferring {@code preferred} (the block after
         * the previous match, so runs of unchanged blocks stay runs), or -1.
         */
        int find(int w, Hasher64 hash, byte[] b, int off, int len, int preferred) {
            long s = 0;
            boolean haveStrong = false;
            int found = -1;
            for (int i = heads[mix(w) & mask]; i >= 0; i = next[i]) {
                if (weak[i] != w || length(i) != len) {
                    continue;
                }
                if (!haveStrong) {
                    s = strong(hash, b, off, len);
                    haveStrong = true;
                }
                if (strong[i] == s) {
                    if (i == preferred) {
                        return i;
                    }
                    found = found < 0 ? i : Math.min(found, i);
                }
            }
            return found;
        }

        /** As {@link #find(int, Hasher64, byte[], int, int, int)}, with the block's strong sum already known. */
        int find(int w, long s, int len, int preferred) {
            int found = -1;
            for (int i = heads[mix(w) & mask]; i >= 0; i = next[i]) {
                if (weak[i] == w && length(i) == len && strong[i] == s) {
                    if (i == preferred) {
                        return i;
                    }
                    found = found < 0 ? i : Math.min(found, i);
                }
            }
            return found;
        }

        private int filterBit(int w) {
            int h = w * 0x85EBCA6B;
            return (h ^ (h >>> 15)) & filterMask;
        }

        private static int mix(int w) {
            int h = w * 0x9E3779B9;
            return h ^ (h >>> 16);
        }
    }
}
