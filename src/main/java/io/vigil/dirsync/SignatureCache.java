package io.vigil.dirsync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The receiver's block signatures of the files it installed, kept in memory for the next passes.
 *
 * <p>Why: an incremental pass used to read and hash the whole old copy of every changed file to
 * send its signatures (bench/resync-dirs: about a fifth of the pass's CPU at 1.1 GiB). The
 * receiver wrote those old copies itself in an earlier pass, and the disk thread that rebuilt
 * them had every block in hand (most of them as blocks of the copy before, whose sums it already
 * had), so it keeps their sums here and the next pass sends them without reading the file. A file
 * that arrived whole (a full copy) has no sums to reuse: it is signed between passes by the
 * {@link BackgroundSigner}, so that the copy does not pay for it.
 *
 * <p>Sums are keyed ({@link Blocks#strongHash}), so keeping them needs a key that outlives one
 * connection: one key per cache, drawn at random, held in memory only (never on disk, never
 * logged), sent to the source inside TLS at every connection as before, and renewed, with every
 * sum dropped, after {@link #KEY_LIFETIME_MS} (docs/security.md, "Directory replication: block
 * signatures kept between passes").
 *
 * <p>A cached entry is used only while the file is the very one it was computed for: same
 * device, inode, size, mtime and ctime (lstat; ctime cannot be set back by anyone but the clock,
 * so a file changed behind the replication's back misses). Even a wrong entry only costs time:
 * the source then copies a block the old copy does not hold, the rebuilt file fails the
 * whole-file check, and the file is fetched again whole without the cache.
 *
 * <p>Thread-safe: the signer thread reads, the disk threads write.
 */
final class SignatureCache {

    /** How long one key, and every sum computed under it, is used. */
    static final long KEY_LIFETIME_MS = TimeUnit.HOURS.toMillis(24);
    /** Most bytes of sums held (12 per block: about 22 GB of files at 4 KiB blocks); least recently used go first. */
    static final long MAX_BYTES = 64L << 20;
    /** Most signatures of one file (as {@link FileFetcher}'s signatures computed ahead): larger files are not kept. */
    static final int MAX_BLOCKS = 1 << 18;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final LongSupplier clockMs;
    private final long maxBytes;
    private final Map<Path, Sums> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final AtomicLong hits = new AtomicLong();
    /** Signs the files installed whole, between passes. */
    private final BackgroundSigner later = new BackgroundSigner(this);
    private byte[] key;
    private long keyBornMs;
    private long bytes;

    SignatureCache() {
        this(System::currentTimeMillis, MAX_BYTES);
    }

    /** With another clock and bound (tests). */
    SignatureCache(LongSupplier clockMs, long maxBytes) {
        this.clockMs = clockMs;
        this.maxBytes = maxBytes;
        renewKey();
    }

    /** What identifies one version of a file on the receiver's disk. */
    record FileId(Object dev, Object ino, long size, FileTime mtime, FileTime ctime) {
        static FileId of(Path p) throws IOException {
            Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino,size,lastModifiedTime,ctime",
                    LinkOption.NOFOLLOW_LINKS);
            return new FileId(a.get("dev"), a.get("ino"), (Long) a.get("size"), (FileTime) a.get("lastModifiedTime"),
                    (FileTime) a.get("ctime"));
        }
    }

    private record Sums(FileId id, byte[] key, int blockSize, byte[] signatures) {
    }

    /** The block key for a new connection: the cache's, renewed (and the cache emptied) once it is too old. */
    synchronized byte[] connectionKey() {
        if (clockMs.getAsLong() - keyBornMs >= KEY_LIFETIME_MS) {
            renewKey();
        }
        return key.clone();
    }

    private void renewKey() {
        key = new byte[TlsChannel.BLOCK_KEY];
        RANDOM.nextBytes(key);
        keyBornMs = clockMs.getAsLong();
        entries.clear();
        bytes = 0;
    }

    /**
     * The signatures (12 bytes per block, as sent) of the file now at {@code target}, if they were
     * kept for exactly that file, under {@code key}, with that block size and count; else null.
     */
    byte[] get(Path target, byte[] key, int blockSize, int count) {
        Sums s;
        synchronized (this) {
            s = entries.get(target);
        }
        if (s == null || s.blockSize != blockSize || s.signatures.length != count * 12L
                || !Arrays.equals(s.key, key)) {
            return null;
        }
        try {
            if (!s.id.equals(FileId.of(target))) {
                return null;
            }
        } catch (IOException e) {
            return null; // gone or unreadable: computed (and reported) the usual way
        }
        hits.incrementAndGet();
        return s.signatures;
    }

    /** Keeps the signatures of the file just installed at {@code target} (its identity read now). */
    void put(Path target, byte[] key, int blockSize, byte[] signatures) {
        try {
            keep(target, FileId.of(target), key, blockSize, signatures);
        } catch (IOException e) {
            // gone already: nothing to keep
        }
    }

    /**
     * Keeps the signatures computed from the file {@code target} was when its identity was
     * {@code read}, if it still is that file.
     */
    void put(Path target, FileId read, byte[] key, int blockSize, byte[] signatures) throws IOException {
        if (read.equals(FileId.of(target))) {
            keep(target, read, key, blockSize, signatures);
        }
    }

    private void keep(Path target, FileId id, byte[] key, int blockSize, byte[] signatures) {
        if (signatures.length == 0 || Blocks.blockCount(id.size(), blockSize) * 12L != signatures.length) {
            return; // not the file the sums were computed for (changed at once by someone else)
        }
        synchronized (this) {
            if (!Arrays.equals(key, this.key) || signatures.length > maxBytes) {
                return; // computed under a key renewed meanwhile
            }
            remove(target);
            entries.put(target, new Sums(id, key, blockSize, signatures));
            bytes += signatures.length;
            for (Iterator<Sums> it = entries.values().iterator(); bytes > maxBytes && it.hasNext(); ) {
                bytes -= it.next().signatures.length;
                it.remove();
            }
        }
    }

    /**
     * {@code target} was just installed whole: its signatures are computed later, between passes
     * ({@link BackgroundSigner}), not while the copy runs.
     */
    void signLater(Path target) {
        remove(target);
        later.add(target);
    }

    /** A pass starts: files waiting to be signed wait until it ends. */
    void passStarted() {
        later.passStarted();
    }

    void passEnded() {
        later.passEnded();
    }

    /** Waits until every file installed whole was signed (benchmarks, tests); false after {@code limitMs}. */
    boolean awaitSigned(long limitMs) throws InterruptedException {
        return later.awaitIdle(limitMs);
    }

    /** Forgets {@code target}'s sums (its file is being replaced or removed). */
    synchronized void remove(Path target) {
        later.forget(target);
        Sums old = entries.remove(target);
        if (old != null) {
            bytes -= old.signatures.length;
        }
    }

    /** How many times kept signatures were used instead of reading an old copy (tests, status). */
    long hits() {
        return hits.get();
    }

    synchronized long bytes() {
        return bytes;
    }
}
