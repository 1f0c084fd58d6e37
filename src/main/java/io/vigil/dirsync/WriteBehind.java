package io.vigil.dirsync;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The receiver's second thread for a large file: it hashes and writes one frame's data while the
 * connection's thread reads and decrypts the next. Profiled in bench/resync-dirs, a single
 * receiving thread spent more than half its time in the file system's write path and in SHA-256,
 * with the socket idle meanwhile; this overlaps the two halves on a second core.
 *
 * <p>Frames travel in a small pool of buffers, so at most {@link #BUFFERS} frames wait and the
 * connection's thread blocks, rather than allocating, when the disk is slower than the network.
 * A write's failure is kept and rethrown by {@link #await}, which the file's end calls before the
 * checksum is compared: nothing is installed before all its bytes are written and hashed.
 */
final class WriteBehind implements AutoCloseable {

    static final int BUFFERS = 8;

    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vigil-dirsync-writer");
        t.setDaemon(true);
        return t;
    });
    private final ArrayBlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private volatile IOException failure;

    WriteBehind() {
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[SecureChannel.PLAIN_BUF]);
        }
    }

    /** A free frame buffer; waits while all are queued for writing. */
    byte[] buffer() throws IOException {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the disk");
        }
    }

    /** Gives back a buffer that was not handed to {@link #apply}. */
    void release(byte[] buf) {
        free.add(buf);
    }

    /** Queues {@code ops} (decrypted into {@code buf}) for {@code applier}; {@code buf} returns to the pool after. */
    void apply(DeltaApplier applier, ByteBuffer ops, byte[] buf) {
        writer.execute(() -> {
            try {
                if (failure == null) {
                    applier.apply(ops);
                }
            } catch (IOException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = new IOException("writing " + applier.temp() + " failed: " + e, e);
            } finally {
                free.add(buf);
            }
        });
    }

    /**
     * Waits until everything queued is written, then rethrows the first failure since the last
     * call (the file being rebuilt is then discarded by its caller).
     */
    void await() throws IOException {
        try {
            writer.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the disk");
        } catch (ExecutionException e) {
            throw new IOException("the replication writer failed: " + e.getCause(), e.getCause());
        }
        IOException f = failure;
        failure = null;
        if (f != null) {
            throw f;
        }
    }

    /** As {@link #await}, for a file already failing: only makes sure the writer is done with it. */
    void settle() {
        try {
            await();
        } catch (IOException e) {
            // the caller is already reporting the failure that ended this file
        }
    }

    @Override
    public void close() {
        writer.shutdownNow();
    }
}
