package io.vigil.dirsync;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * Receives one file over an open connection: sends the old copy's block signatures (the
 * receiver's side of rsync's algorithm), then rebuilds the file from the source's answer with a
 * {@link DeltaApplier}.
 */
final class FileFetcher implements AutoCloseable {

    private static final int SIGS_PER_FRAME = (SecureChannel.MAX_FRAME - 8) / 12;
    /** Smaller files arrive in a frame or two: handing them to another thread would cost more than it saves. */
    private static final long WRITE_BEHIND_MIN = 1 << 20;

    /** What the source said about one requested file. */
    enum Outcome { INSTALLED, GONE }

    private final SecureChannel ch;
    private final FrameWriter frames;
    private final boolean asRoot;
    private long lastLiteral;
    private WriteBehind writeBehind;

    FileFetcher(SecureChannel ch, boolean asRoot) {
        this.ch = ch;
        this.frames = new FrameWriter(ch);
        this.asRoot = asRoot;
    }

    /** Bytes of the last installed file that travelled as data rather than block references. */
    long lastLiteral() {
        return lastLiteral;
    }

    /** A FETCH sent and not yet answered; answers come back in the order of the requests. */
    record Request(Entry entry, Path target, long basisSize, int blockSize, int blockCount) {
    }

    /**
     * Sends a FETCH for {@code e}, with the block signatures of the old copy at {@code target}
     * (not flushed: several requests may go out together).
     *
     * @param basisSize size of the old copy, or -1 to ask for the whole file
     */
    Request request(String dir, Entry e, Path target, long basisSize) throws IOException {
        int bs = Blocks.blockSize(Math.max(Math.max(basisSize, 0), e.size()));
        int count = basisSize <= 0 ? 0 : Blocks.blockCount(basisSize, bs);
        ByteBuffer f = frames.begin(Codec.FETCH);
        Codec.putString(f, dir);
        Codec.putString(f, e.path());
        f.putLong(Math.max(basisSize, 0)).putInt(bs).putInt(count);
        frames.send();
        if (count > 0) {
            sendSignatures(target, basisSize, bs, count);
        }
        return new Request(e, target, basisSize, bs, count);
    }

    void flush() throws IOException {
        frames.flush();
    }

    /**
     * Reads the answer to {@code r} and installs the file.
     *
     * @param written told the running count of bytes rebuilt
     * @throws DeltaApplier.BadFileException when the rebuilt file fails its checksum (connection still usable)
     * @throws CorruptStreamException        when the stream was damaged (connection unusable)
     */
    Outcome receive(Request r, LongConsumer written) throws IOException {
        ByteBuffer m = ch.receive();
        byte type = Codec.type(m);
        if (type == Codec.GONE) {
            return Outcome.GONE;
        }
        if (type == Codec.ERROR) {
            throw new RemoteRefusal(Codec.getString(m));
        }
        if (type != Codec.FILE) {
            throw new CorruptStreamException("expected FILE, got message type " + type);
        }
        Entry attrs = Entry.read(m);
        WriteBehind behind = attrs.size() >= WRITE_BEHIND_MIN ? writeBehind() : null;
        try (DeltaApplier applier = new DeltaApplier(r.target(), r.blockCount() > 0 ? r.target() : null,
                r.basisSize(), r.blockSize())) {
            try {
                return rebuild(applier, attrs, behind, written);
            } finally {
                if (behind != null) {
                    behind.settle(); // the writer must be done with the file before it is discarded
                }
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new CorruptStreamException("message shorter than its fields", e);
        }
    }

    /** Applies DELTA messages until FILE_END, then verifies and installs the file. */
    private Outcome rebuild(DeltaApplier applier, Entry attrs, WriteBehind behind, LongConsumer written)
            throws IOException {
        while (true) {
            byte[] buf = behind == null ? null : behind.buffer();
            try {
                ByteBuffer m = buf == null ? ch.receive() : ch.receiveInto(buf);
                byte type = Codec.type(m);
                if (type == Codec.DELTA) {
                    if (behind == null) {
                        applier.apply(m);
                    } else {
                        behind.apply(applier, m, buf);
                        buf = null;
                    }
                    written.accept(applier.written());
                } else if (type == Codec.FILE_END) {
                    long length = m.getLong();
                    byte[] hash = new byte[FileChecksum.LENGTH];
                    m.get(hash);
                    lastLiteral = m.getLong();
                    if (behind != null) {
                        behind.await();
                    }
                    applier.finish(length, hash, attrs, asRoot);
                    return Outcome.INSTALLED;
                } else {
                    throw new CorruptStreamException("expected DELTA or FILE_END, got message type " + type);
                }
            } finally {
                if (buf != null) {
                    behind.release(buf);
                }
            }
        }
    }

    private WriteBehind writeBehind() {
        if (writeBehind == null) {
            writeBehind = new WriteBehind();
        }
        return writeBehind;
    }

    @Override
    public void close() {
        if (writeBehind != null) {
            writeBehind.close();
        }
    }

    /** Reads the old copy once, sending weak and strong checksums of each block as it goes. */
    private void sendSignatures(Path basis, long basisSize, int bs, int count) throws IOException {
        MessageDigest sha = Blocks.sha256();
        int chunk = Math.max(bs, 1 << 20);
        byte[] buf = new byte[chunk];
        int sent = 0;
        ByteBuffer out = null;
        int inFrame = 0;
        try (FileChannel in = FileChannel.open(basis, StandardOpenOption.READ)) {
            long pos = 0;
            while (sent < count) {
                int want = (int) Math.min(chunk, basisSize - pos);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, want);
                while (bb.hasRemaining() && in.read(bb, pos + bb.position()) >= 0) {
                    // positional reads may return short
                }
                // A basis that shrank under us is padded with zeros: its blocks simply will not match.
                for (int off = 0; off < want && sent < count; off += bs) {
                    int len = Math.min(bs, want - off);
                    if (out == null) {
                        out = frames.begin(Codec.SIGS);
                        out.putInt(0);
                        inFrame = 0;
                    }
                    out.putInt(Blocks.weak(buf, off, len)).putLong(Blocks.strong(sha, buf, off, len));
                    inFrame++;
                    sent++;
                    if (inFrame == SIGS_PER_FRAME || sent == count) {
                        out.putInt(1, inFrame);
                        frames.send();
                        out = null;
                    }
                }
                pos += want;
            }
        }
    }
}
