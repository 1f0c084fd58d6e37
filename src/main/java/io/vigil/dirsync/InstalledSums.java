package io.vigil.dirsync;

import com.dynatrace.hash4j.hashing.Hasher64;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The block signatures of a file while the disk thread rebuilds it, for the {@link SignatureCache}:
 * the next pass then sends them without reading the file again.
 *
 * <p>Fed every byte of the new file in order, as the {@link DeltaApplier} writes it. A block that
 * is a whole block of the old copy, at a block boundary of both files, takes the old block's
 * signature (the one just sent to the source, computed under the same key) without hashing;
 * the rest (literal data, blocks shifted by an insertion) is hashed as it passes. After an in-place
 * change of 1 % of the blocks, 1 % is hashed. A file with no old signature to reuse (arriving
 * whole) is hashed by nobody here: {@link #of} leaves it to the {@link BackgroundSigner}, after the pass.
 */
final class InstalledSums {

    private static final int SIG = 12;

    private final SignatureCache cache;
    private final byte[] key;
    private final Hasher64 hash;
    private final long size;
    private final int blockSize;
    private final byte[] out;
    /** The old copy's signatures, usable when its block size is this file's; else null. */
    private final byte[] basisSigs;
    private final long basisSize;
    private final byte[] stage;
    private int staged;
    private long pos;
    private int block;

    private InstalledSums(SignatureCache cache, byte[] key, Hasher64 hash, long size, int blocks, byte[] basisSigs,
                          long basisSize) {
        this.cache = cache;
        this.key = key;
        this.hash = hash;
        this.size = size;
        this.blockSize = Blocks.blockSize(size);
        this.out = new byte[blocks * SIG];
        this.basisSigs = basisSigs;
        this.basisSize = basisSize;
        this.stage = hash == null ? null : new byte[blockSize];
    }

    /**
     * What keeps the signatures of a file of {@code size} bytes arriving now: this class when the
     * old copy's signatures can be reused, else (every byte would need hashing: a whole file, a
     * new block size) the background signer once installed; null when nothing is kept.
     */
    static InstalledSums of(SignatureCache cache, byte[] key, Hasher64 hash, long size, byte[] basisSigs,
                            int basisBlockSize, long basisSize) {
        if (cache == null || size <= 0) {
            return null;
        }
        if (basisSigs == null || basisBlockSize != Blocks.blockSize(size)) {
            return new InstalledSums(cache, null, null, size, 0, null, 0);
        }
        return start(cache, key, hash, size, basisSigs, basisBlockSize, basisSize);
    }

    /**
     * Starts collecting the signatures of a file of {@code size} bytes (as the source announced
     * it), or returns null when it is empty or too large to keep.
     *
     * @param basisSigs      the signatures sent for the old copy (null: none, or streamed)
     * @param basisBlockSize their block size
     */
    static InstalledSums start(SignatureCache cache, byte[] key, Hasher64 hash, long size, byte[] basisSigs,
                               int basisBlockSize, long basisSize) {
        if (cache == null || size <= 0) {
            return null;
        }
        long blocks = Blocks.blockCount(size, Blocks.blockSize(size));
        if (blocks > SignatureCache.MAX_BLOCKS) {
            return null;
        }
        boolean reusable = basisSigs != null && basisBlockSize == Blocks.blockSize(size);
        return new InstalledSums(cache, key, hash, size, (int) blocks, reusable ? basisSigs : null, basisSize);
    }

    /** Bytes of the new file that arrived as data (a heap buffer's remaining bytes; its position is kept). */
    void literal(ByteBuffer b) {
        if (later()) {
            return;
        }
        if (!b.hasArray()) {
            copied(b, -1); // never a whole block of the old copy: every byte hashed
            return;
        }
        byte[] a = b.array();
        int off = b.arrayOffset() + b.position();
        int len = b.remaining();
        while (len > 0) {
            if (staged == 0 && len >= blockSize) {
                block(a, off, blockSize);
                off += blockSize;
                len -= blockSize;
                pos += blockSize;
            } else {
                int n = Math.min(len, blockSize - staged);
                System.arraycopy(a, off, stage, staged, n);
                take(n);
                off += n;
                len -= n;
            }
        }
    }

    /**
     * Bytes of the new file copied from the old copy at {@code basisOffset} (a buffer's remaining
     * bytes, possibly direct; its position is kept).
     */
    void copied(ByteBuffer b, long basisOffset) {
        if (later()) {
            return;
        }
        int at = b.position();
        int len = b.remaining();
        while (len > 0) {
            if (staged == 0 && len >= blockSize && reusable(basisOffset)) {
                if (block >= out.length / SIG) {
                    pos += len; // longer than announced: finish() will tell
                    return;
                }
                System.arraycopy(basisSigs, (int) (basisOffset / blockSize) * SIG, out, block * SIG, SIG);
                block++;
                pos += blockSize;
                at += blockSize;
                basisOffset += blockSize;
                len -= blockSize;
            } else {
                int n = Math.min(len, blockSize - staged);
                b.get(at, stage, staged, n);
                take(n);
                at += n;
                basisOffset += n;
                len -= n;
            }
        }
    }

    /** Signed by the background signer once installed, not here. */
    private boolean later() {
        return hash == null;
    }

    /** Whether the old copy's signature of the whole block at {@code basisOffset} is this new block's. */
    private boolean reusable(long basisOffset) {
        return basisSigs != null && basisOffset >= 0 && pos % blockSize == 0 && basisOffset % blockSize == 0
                && basisOffset + blockSize <= basisSize && (basisOffset / blockSize + 1) * SIG <= basisSigs.length;
    }

    private void take(int n) {
        staged += n;
        pos += n;
        if (staged == blockSize) {
            block(stage, 0, blockSize);
            staged = 0;
        }
    }

    private void block(byte[] b, int off, int len) {
        if (block >= out.length / SIG) {
            block++; // longer than announced: finish() will tell
            return;
        }
        int at = block * SIG;
        int w = Blocks.weak(b, off, len);
        long s = Blocks.strong(hash, b, off, len);
        for (int i = 0; i < 4; i++) {
            out[at + i] = (byte) (w >>> (24 - 8 * i));
        }
        for (int i = 0; i < 8; i++) {
            out[at + 4 + i] = (byte) (s >>> (56 - 8 * i));
        }
        block++;
    }

    /** Called once the file was verified and installed at {@code target}: keeps its signatures. */
    void installed(Path target) {
        if (later()) {
            cache.signLater(target);
            return;
        }
        if (staged > 0) {
            block(stage, 0, staged);
            staged = 0;
        }
        if (pos == size && block == out.length / SIG) {
            cache.put(target, key, blockSize, out);
        }
    }
}
