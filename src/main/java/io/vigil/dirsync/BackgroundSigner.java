package io.vigil.dirsync;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Signs, between passes, the files a pass installed without their signatures (whole files: a full
 * copy, a new file), for the {@link SignatureCache}.
 *
 * <p>Why later and not while writing: a file that arrives whole has no old signature to reuse, so
 * keeping its signatures means hashing every byte it has. Done on the disk threads during the
 * copy, that made the full copy 1.5-1.9x rsync's time on 2 cores (docs/benchmarks.md, 2026-12-07
 * 19:35). Here one thread does it once no pass runs: it reads the installed file back (from the
 * page cache, usually) and hashes it, and pauses between files while a pass runs, so it never
 * competes with the replication itself. A file the next pass needs before it was signed is
 * signed by that pass from its old copy, as before the cache: slower, never wrong.
 *
 * <p>The thread exists only while files wait; their identity (lstat) is read before the file is
 * read and again before its signatures are kept, so a file changed meanwhile is not kept.
 */
final class BackgroundSigner {

    /** Most files waiting (their paths only); beyond it the oldest are dropped, to be signed by the next pass. */
    static final int MAX_WAITING = 1 << 16;

    private final SignatureCache cache;
    private final Set<Path> waiting = new LinkedHashSet<>();
    /** Passes running now: the thread waits while one does. */
    private int passes;
    private Thread thread;
    /** The file being signed (so that {@link #awaitIdle} also waits for it). */
    private Path current;
    private byte[] buf;

    BackgroundSigner(SignatureCache cache) {
        this.cache = cache;
    }

    /** {@code target} was installed whole: sign it once no pass runs. */
    synchronized void add(Path target) {
        waiting.remove(target);
        waiting.add(target);
        for (Iterator<Path> it = waiting.iterator(); waiting.size() > MAX_WAITING; ) {
            it.next();
            it.remove();
        }
        if (thread == null) {
            thread = new Thread(this::run, "vigil-dirsync-background-signer");
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY); // a hint only on Linux: the pause below is what counts
            thread.start();
        }
        notifyAll();
    }

    /** {@code target} is being replaced or removed: nothing to sign. */
    synchronized void forget(Path target) {
        waiting.remove(target);
    }

    synchronized void passStarted() {
        passes++;
    }

    synchronized void passEnded() {
        passes--;
        notifyAll();
    }

    /** Files waiting to be signed, the one being signed included. */
    synchronized int waiting() {
        return waiting.size() + (current != null ? 1 : 0);
    }

    /** Waits until no file waits (benchmarks, tests); false after {@code limitMs}. */
    synchronized boolean awaitIdle(long limitMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + limitMs;
        while (waiting() > 0) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    private void run() {
        try {
            for (Path next = next(); next != null; next = next()) {
                try {
                    sign(next);
                } catch (IOException | RuntimeException e) {
                    // gone, changed or unreadable: the next pass signs it from its old copy, and reports a failure
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The next file to sign once no pass runs, or null (the thread ends) when none waits. */
    private synchronized Path next() throws InterruptedException {
        current = null;
        notifyAll();
        while (passes > 0 && !waiting.isEmpty()) {
            wait();
        }
        Iterator<Path> it = waiting.iterator();
        if (!it.hasNext()) {
            thread = null;
            buf = null;
            return null;
        }
        current = it.next();
        it.remove();
        return current;
    }

    private void sign(Path target) throws IOException {
        SignatureCache.FileId before = SignatureCache.FileId.of(target);
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) || before.size() <= 0) {
            return;
        }
        int bs = Blocks.blockSize(before.size());
        long count = Blocks.blockCount(before.size(), bs);
        if (count > SignatureCache.MAX_BLOCKS) {
            return;
        }
        byte[] key = cache.connectionKey();
        ByteBuffer out = ByteBuffer.allocate((int) count * 12);
        if (buf == null) {
            buf = new byte[1 << 20];
        }
        Blocks.sign(target, before.size(), bs, (int) count, buf, Blocks.strongHash(key),
                (w, strong) -> out.putInt(w).putLong(strong));
        cache.put(target, before, key, bs, out.array());
    }
}
