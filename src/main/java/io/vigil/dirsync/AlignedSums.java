package io.vigil.dirsync;

import com.dynatrace.hash4j.hashing.Hasher64;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * The strong sums of a source file's blocks at offsets that are multiples of the block size,
 * computed on a helper thread while the {@link DeltaEncoder} walks the file. Where a file changed
 * in place (the usual case: a block rewritten, not bytes inserted), every match the encoder
 * confirms is at such an offset, and hashing was most of its work: the helper computes the
 * strong sums, the encoder the weak sums and the whole-file checksum, so the source's work is
 * shared by two cores, none of it done twice (profiled in bench/resync-dirs, incremental pass).
 *
 * <p>The helper reads the file on its own, so a file that changes during the transfer may give it
 * other bytes than the encoder read. A sum is only ever a hint: at worst the encoder sends a COPY
 * of a block the file no longer has, the receiver's rebuild then fails the whole-file check, which
 * the encoder computes over the bytes it really read ({@link FileChecksum}), and the file is sent
 * again whole, as after any false match.
 */
final class AlignedSums {

    /** Most blocks worth preparing (2 MiB of sums; every file under 1 GiB, see {@link Blocks#blockSize}). */
    static final int MAX_BLOCKS = 1 << 18;
    static final int BUFFER = 1 << 20;

    private final int blockSize;
    private final int lastLength;
    private final long[] strong;
    private volatile int ready; // blocks [0, ready) are computed; written by the helper only
    private volatile boolean finished; // the helper returned (done, stopped, or failed to read)
    private volatile boolean stop;
    private Future<?> helper;

    private AlignedSums(int blockSize, int blocks, long size) {
        this.blockSize = blockSize;
        this.lastLength = (int) (size - (long) (blocks - 1) * blockSize);
        this.strong = new long[blocks];
    }

    /**
     * Starts computing the sums of {@code in}'s first {@code size} bytes, or returns null when the
     * file is too large to hold its sums or is a single block (nothing to overlap).
     *
     * @param buffer {@link #BUFFER} bytes for the helper alone, until {@link #close} returns
     */
    static AlignedSums start(ExecutorService executor, FileChannel in, long size, int blockSize, Hasher64 hash,
                             byte[] buffer) {
        long blocks = (size + blockSize - 1) / blockSize;
        if (blocks < 2 || blocks > MAX_BLOCKS) {
            return null;
        }
        AlignedSums sums = new AlignedSums(blockSize, (int) blocks, size);
        sums.helper = executor.submit(() -> {
            try {
                sums.compute(in, size, hash, buffer);
            } finally {
                sums.finished = true;
            }
            return null;
        });
        return sums;
    }

    private void compute(FileChannel in, long size, Hasher64 hash, byte[] buf) throws IOException {
        int perRead = buf.length - buf.length % blockSize;
        int b = 0;
        while (b < strong.length && !stop) {
            long from = (long) b * blockSize;
            int want = (int) Math.min(perRead, size - from);
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, want);
            while (bb.hasRemaining()) {
                if (in.read(bb, from + bb.position()) < 0) {
                    return; // the file shrank: the encoder will not find these blocks either
                }
            }
            for (int off = 0; off < want && !stop; off += blockSize, b++) {
                int len = Math.min(blockSize, want - off);
                strong[b] = Blocks.strong(hash, buf, off, len);
                ready = b + 1; // publishes this block's sums (volatile write after the array writes)
            }
        }
    }

    /** Sums given outright, all ready (tests: hints that do not match the file). */
    static AlignedSums given(int blockSize, long size, long[] strong) {
        AlignedSums sums = new AlignedSums(blockSize, strong.length, size);
        System.arraycopy(strong, 0, sums.strong, 0, strong.length);
        sums.ready = strong.length;
        sums.finished = true;
        sums.helper = java.util.concurrent.CompletableFuture.completedFuture(null);
        return sums;
    }

    /** Whether the block starting at {@code fileOffset}, {@code len} bytes long, is one the helper computes. */
    boolean covers(long fileOffset, int len) {
        if (fileOffset % blockSize != 0) {
            return false;
        }
        long b = fileOffset / blockSize;
        return b < strong.length && len == (b == strong.length - 1 ? lastLength : blockSize);
    }

    /**
     * Waits until the helper has computed the {@link #covers covered} block at {@code fileOffset}
     * (it reads ahead on its own, so this is short); false when it ended without it.
     */
    boolean await(long fileOffset) {
        int b = (int) (fileOffset / blockSize);
        for (int spins = 0; ready <= b; spins++) {
            if (finished) {
                return ready > b;
            }
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(50_000); // a busy machine may not be running the helper: let it
            }
        }
        return true;
    }

    /** The strong sum of a block that {@link #await} returned true for. */
    long strong(long fileOffset) {
        return strong[(int) (fileOffset / blockSize)];
    }

    /** Stops the helper and waits for it, so its buffer may be reused. */
    void close() throws IOException {
        stop = true;
        try {
            helper.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while stopping the block hashing");
        } catch (ExecutionException e) {
            // a failed read only means fewer hints; the encoder read the file itself
        }
    }
}
