package io.vigil.dirsync;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The receiving side of one file: rebuilds it from DELTA messages into a temporary file beside
 * the target, from literal bytes and blocks of the old copy (the basis). Only when the rebuilt
 * file has the length and {@link FileChecksum} the source announced does it replace the target, by an atomic
 * rename; any failure deletes the temporary file, so the target is either the old copy or the
 * complete new one, never a mixture (issue 3: corrupt streams are never applied).
 */
final class DeltaApplier implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int COPY_CHUNK = 1 << 20;

    private final Path target;
    private final Path temp;
    private final FileChannel out;
    private final FileChannel basis;
    private final long basisSize;
    private final int blockSize;
    private final int blockCount;
    private final FileChecksum hash = new FileChecksum();
    private ByteBuffer copyBuf; // only a delta needs it; most files arrive whole
    private final InstalledSums sums; // the new file's block signatures, for the next pass; null: not kept
    private volatile long written; // advanced by the write-behind thread, read for progress
    private boolean done;

    /**
     * @param basis the old copy whose blocks COPY refers to, or null when none was offered
     */
    DeltaApplier(Path target, Path basis, long basisSize, int blockSize) throws IOException {
        this(target, basis, basisSize, blockSize, null);
    }

    /**
     * @param copyBuf where blocks of the basis pass on their way to the new file, reused from file
     *                to file by the disk thread (null: allocated here when needed). A direct
     *                buffer: the file system reads into it and writes from it without the
     *                extra copy a heap buffer costs.
     */
    DeltaApplier(Path target, Path basis, long basisSize, int blockSize, ByteBuffer copyBuf) throws IOException {
        this(target, basis, basisSize, blockSize, copyBuf, null);
    }

    /** @param sums collects the new file's signatures for the {@link SignatureCache} (null: not kept) */
    DeltaApplier(Path target, Path basis, long basisSize, int blockSize, ByteBuffer copyBuf, InstalledSums sums)
            throws IOException {
        this.sums = sums;
        this.copyBuf = copyBuf;
        this.target = target;
        this.temp = target.resolveSibling(Manifest.TEMP_PREFIX + HexFormat.of().formatHex(randomBytes()) + ".tmp");
        this.basisSize = basisSize;
        this.blockSize = blockSize;
        this.blockCount = basis == null ? 0 : Blocks.blockCount(basisSize, blockSize);
        // never through a link: a link swapped in for the old copy must not feed outside data into the new file
        this.basis = basis == null ? null
                : FileChannel.open(basis, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        try {
            this.out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            closeQuietly(this.basis);
            throw e;
        }
    }

    Path temp() {
        return temp;
    }

    /** Applies the ops of one DELTA message (positioned after its type byte). */
    void apply(ByteBuffer ops) throws IOException {
        try {
            while (ops.hasRemaining()) {
                byte op = ops.get();
                if (op == Codec.OP_LITERAL) {
                    int len = ops.getInt();
                    if (len < 0 || len > ops.remaining()) {
                        throw new CorruptStreamException("literal of " + len + " bytes overruns its message");
                    }
                    ByteBuffer slice = ops.slice(ops.position(), len);
                    ops.position(ops.position() + len);
                    hash.update(slice.duplicate());
                    if (sums != null) {
                        sums.literal(slice);
                    }
                    write(slice);
                } else if (op == Codec.OP_COPY) {
                    copy(ops.getInt(), ops.getInt());
                } else {
                    throw new CorruptStreamException("unknown delta op " + op);
                }
            }
        } catch (BufferUnderflowException e) {
            throw new CorruptStreamException("delta message shorter than its ops", e);
        }
    }

    private void copy(int first, int count) throws IOException {
        if (basis == null || first < 0 || count <= 0 || (long) first + count > blockCount) {
            throw new CorruptStreamException("reference to blocks " + first + "+" + count + " of a basis with "
                    + blockCount + " blocks");
        }
        if (copyBuf == null) {
            copyBuf = ByteBuffer.allocate(COPY_CHUNK);
        }
        long from = (long) first * blockSize;
        long end = Math.min(basisSize, (long) (first + count) * blockSize);
        while (from < end) {
            copyBuf.clear().limit((int) Math.min(copyBuf.capacity(), end - from));
            while (copyBuf.hasRemaining()) {
                if (basis.read(copyBuf, from + copyBuf.position()) < 0) {
                    throw new IOException("the old copy " + target + " shrank while being used as the basis");
                }
            }
            copyBuf.flip();
            hash.update(copyBuf.duplicate());
            if (sums != null) {
                sums.copied(copyBuf, from);
            }
            write(copyBuf);
            from += copyBuf.limit();
        }
    }

    private void write(ByteBuffer b) throws IOException {
        written += b.remaining();
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /**
     * Verifies and installs the file.
     *
     * @throws BadFileException when the length or hash differ; the target is left untouched
     */
    void finish(long expectedLength, byte[] expectedHash, Entry attrs, boolean asRoot) throws IOException {
        byte[] actual = hash.digest();
        if (written != expectedLength || !MessageDigest.isEqual(actual, expectedHash)) {
            abort();
            throw new BadFileException(target + ": rebuilt " + written + " bytes with checksum "
                    + HexFormat.of().formatHex(actual, 0, 8) + "..., the source sent " + expectedLength
                    + " bytes with " + HexFormat.of().formatHex(expectedHash, 0, 8) + "...: discarded");
        }
        out.close();
        closeQuietly(basis);
        try {
            Attributes.apply(temp, attrs, asRoot);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        done = true;
        if (sums != null) {
            sums.installed(target);
        }
    }

    long written() {
        return written;
    }

    /** Deletes the temporary file; the target keeps its old content. */
    void abort() {
        closeQuietly(out);
        closeQuietly(basis);
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // a stale temp file is removed by the next pass (Manifest.TEMP_PREFIX)
        }
        done = true;
    }

    @Override
    public void close() {
        if (!done) {
            abort();
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return b;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // already failing or done; nothing to add
        }
    }

    /** The rebuilt file does not match what the source read: retried, never installed. */
    static final class BadFileException extends IOException {
        BadFileException(String message) {
            super(message);
        }
    }
}
