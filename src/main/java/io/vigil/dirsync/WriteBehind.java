package io.vigil.dirsync;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The receiver's disk threads: create, write, hash, verify and install the files while the
 * connection's thread reads and decrypts the next frames. Profiled in bench/resync-dirs, a single
 * receiving thread spent most of its time in the file system (writes into the page cache, and for
 * the 10,000 small files: create, chown, chmod, utimes, rename) with the socket idle meanwhile;
 * this overlaps the two on a second core.
 *
 * <p>Frames travel in a small pool of buffers, so at most {@link #BUFFERS} frames wait and the
 * connection's thread blocks, rather than allocating, when the disk is slower than the network.
 * Each file ends as a {@link Done} on {@link #completed}: installed, or failed with the
 * exception that the receiver would have thrown itself (its temporary file deleted, the target
 * untouched). After {@link #cancel}, queued work only discards: nothing more is written.
 */
final class WriteBehind implements AutoCloseable {

    static final int BUFFERS = 16;
    /**
     * Writer threads; files alternate between them, each file's work stays on one in order. Two:
     * with 10,000 small files one writer was still the busiest thread (ext4 create, chown,
     * chmod, utimes, rename) while the CPUs had room; a big file keeps one writer busy alone.
     */
    private static final int WRITERS = 2;
    /** Blocks of the old copy are read and written in pieces of up to this much. */
    private static final int COPY_BUFFER = 1 << 20;

    private final ExecutorService[] writers = new ExecutorService[WRITERS];
    /** One per writer, lent to each file it rebuilds: blocks of the old copy pass through it. */
    private final ByteBuffer[] copyBuffers = new ByteBuffer[WRITERS];
    private int nextWriter;
    private final ArrayBlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<Done> done = new LinkedBlockingQueue<>();
    private volatile boolean cancelled;
    private int pending;

    /** A file handed to the writer; {@code failure} is null once installed. */
    static final class Done {
        final Object job;
        final ExecutorService writer;
        final ByteBuffer copyBuffer;
        long literal;
        IOException failure;
        volatile DeltaApplier applier; // set on the writer thread, read for progress

        Done(Object job, ExecutorService writer, ByteBuffer copyBuffer) {
            this.job = job;
            this.writer = writer;
            this.copyBuffer = copyBuffer;
        }
    }

    WriteBehind() {
        for (int i = 0; i < WRITERS; i++) {
            writers[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "vigil-dirsync-writer");
                t.setDaemon(true);
                return t;
            });
            copyBuffers[i] = ByteBuffer.allocateDirect(COPY_BUFFER);
        }
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[TlsChannel.PLAIN_BUF]);
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

    /** Starts rebuilding a file (the temporary file is created on the writer thread). */
    Done open(Object job, Path target, Path basis, long basisSize, int blockSize) {
        return open(job, target, basis, basisSize, blockSize, null);
    }

    /** As {@link #open(Object, Path, Path, long, int)}, collecting the new file's signatures into {@code sums}. */
    Done open(Object job, Path target, Path basis, long basisSize, int blockSize, InstalledSums sums) {
        int w = nextWriter;
        nextWriter = (w + 1) % WRITERS;
        Done d = new Done(job, writers[w], copyBuffers[w]);
        pending++;
        d.writer.execute(() -> {
            try {
                if (!cancelled) {
                    d.applier = new DeltaApplier(target, basis, basisSize, blockSize, d.copyBuffer, sums);
                }
            } catch (IOException | RuntimeException e) {
                d.failure = asIo(e);
            }
        });
        return d;
    }

    /** Queues {@code ops} (decrypted into {@code buf}) for the file; {@code buf} returns to the pool after. */
    void apply(Done d, ByteBuffer ops, byte[] buf) {
        d.writer.execute(() -> {
            try {
                if (d.failure == null && d.applier != null && !cancelled) {
                    d.applier.apply(ops);
                }
            } catch (IOException | RuntimeException e) {
                d.failure = asIo(e);
            } finally {
                free.add(buf);
            }
        });
    }

    /** Verifies and installs the file after its queued data, then reports it on {@link #completed}. */
    void finish(Done d, long length, byte[] hash, Entry attrs, boolean asRoot, long literal) {
        d.literal = literal;
        d.writer.execute(() -> {
            try {
                if (cancelled) {
                    d.failure = new IOException("the pass was stopped before " + attrs.path() + " was installed");
                } else if (d.failure == null && d.applier != null) {
                    d.applier.finish(length, hash, attrs, asRoot);
                }
            } catch (IOException | RuntimeException e) {
                d.failure = asIo(e);
            } finally {
                if (d.applier != null) {
                    d.applier.close(); // deletes the temporary file unless it was installed
                }
                done.add(d);
            }
        });
    }

    /** Discards a file whose stream broke off (no completion is reported for it). */
    void abandon(Done d) {
        pending--;
        d.writer.execute(() -> {
            if (d.applier != null) {
                d.applier.close();
            }
        });
    }

    /** Files handed over and not yet taken from {@link #completed} (connection's thread only). */
    int pending() {
        return pending;
    }

    /**
     * The next finished file.
     *
     * @param wait whether to wait for one (false: null when none is ready)
     */
    Done completed(boolean wait) throws IOException {
        Done d;
        try {
            d = wait ? done.take() : done.poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the disk");
        }
        if (d != null) {
            pending--;
        }
        return d;
    }

    /** Stops writing: queued files are discarded, and this returns once the writers are idle. */
    void cancel() {
        cancelled = true;
        for (ExecutorService w : writers) {
            try {
                w.submit(() -> { }).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                // the marker task cannot fail
            }
        }
    }

    @Override
    public void close() {
        cancel();
        for (ExecutorService w : writers) {
            w.shutdownNow();
        }
    }

    private static IOException asIo(Exception e) {
        return e instanceof IOException io ? io : new IOException("writing a replicated file failed: " + e, e);
    }
}
