package io.vigil.dirsync;

import com.dynatrace.hash4j.hashing.Hasher64;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;

/**
 * Receives one file over an open connection: sends the old copy's block signatures (the
 * receiver's side of rsync's algorithm), then passes the source's answer to the disk thread
 * ({@link WriteBehind}), which rebuilds the file with a {@link DeltaApplier}.
 */
final class FileFetcher {

    private static final int SIGS_PER_FRAME = (SecureChannel.MAX_FRAME - 8) / 12;

    /** What became of one requested file. */
    enum Outcome { INSTALLED, GONE }

    private final SecureChannel ch;
    private final FrameWriter frames;
    private final boolean asRoot;
    /** The old copy's bytes on their way to signatures; reused from file to file (1 MiB, the largest block). */
    private final byte[] basisBuf = new byte[Math.max(Blocks.MAX_BLOCK, 1 << 20)];

    private final Hasher64 blockHash;

    FileFetcher(SecureChannel ch, boolean asRoot) {
        this.ch = ch;
        this.blockHash = Blocks.strongHash(ch.blockKey());
        this.frames = new FrameWriter(ch);
        this.asRoot = asRoot;
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
        long blocks = basisSize <= 0 ? 0 : (basisSize + bs - 1) / bs;
        // more signatures than the source accepts (a file over 4 TiB): ask for it whole instead
        long offered = blocks > Blocks.MAX_SIGNATURES ? 0 : Math.max(basisSize, 0);
        int count = offered == 0 ? 0 : (int) blocks;
        ByteBuffer f = frames.begin(Codec.FETCH);
        Codec.putString(f, dir);
        Codec.putString(f, e.path());
        f.putLong(offered).putInt(bs).putInt(count);
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
     * Reads the answer to {@code r} and hands the file to {@code writer}, which reports it on
     * {@link WriteBehind#completed} once installed or discarded (a checksum mismatch there is a
     * {@link DeltaApplier.BadFileException}; the connection stays usable).
     *
     * @param job     handed back with the file's completion
     * @param written told the running count of bytes rebuilt
     * @return the file's pending completion, or null when the source said the file is gone
     * @throws CorruptStreamException when the stream was damaged (connection unusable; the file is discarded)
     */
    WriteBehind.Done receive(Request r, Object job, WriteBehind writer, LongConsumer written) throws IOException {
        ByteBuffer m = ch.receive();
        byte type = Codec.type(m);
        if (type == Codec.GONE) {
            return null;
        }
        if (type == Codec.ERROR) {
            throw new RemoteRefusal(Codec.getString(m));
        }
        if (type != Codec.FILE) {
            throw new CorruptStreamException("expected FILE, got message type " + type);
        }
        Entry attrs = Entry.read(m);
        if (attrs.type() != Entry.Type.FILE || (attrs.mode() & ~07777) != 0) {
            throw new CorruptStreamException("the source answered the request for '" + Listing.printable(
                    r.entry().path()) + "' with a " + attrs.type() + " of mode " + Integer.toOctalString(attrs.mode())
                    + ", not a file's permission bits");
        }
        WriteBehind.Done d = writer.open(job, r.target(), r.blockCount() > 0 ? r.target() : null, r.basisSize(),
                r.blockSize());
        boolean handedOver = false;
        try {
            while (true) {
                byte[] buf = writer.buffer();
                try {
                    m = ch.receiveInto(buf);
                    type = Codec.type(m);
                    if (type == Codec.DELTA) {
                        writer.apply(d, m, buf);
                        buf = null;
                        DeltaApplier a = d.applier;
                        written.accept(a == null ? 0 : a.written());
                    } else if (type == Codec.FILE_END) {
                        long length = m.getLong();
                        byte[] hash = new byte[FileChecksum.LENGTH];
                        m.get(hash);
                        writer.finish(d, length, hash, attrs, asRoot, m.getLong());
                        handedOver = true;
                        return d;
                    } else {
                        throw new CorruptStreamException("expected DELTA or FILE_END, got message type " + type);
                    }
                } finally {
                    if (buf != null) {
                        writer.release(buf);
                    }
                }
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new CorruptStreamException("message shorter than its fields", e);
        } finally {
            if (!handedOver) {
                writer.abandon(d);
            }
        }
    }

    /** Reads the old copy once, sending weak and strong checksums of each block as it goes. */
    private void sendSignatures(Path basis, long basisSize, int bs, int count) throws IOException {
        byte[] buf = basisBuf;
        int chunk = buf.length - buf.length % bs; // whole blocks per read
        int sent = 0;
        ByteBuffer out = null;
        int inFrame = 0;
        try (FileChannel in = FileChannel.open(basis, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
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
                    out.putInt(Blocks.weak(buf, off, len)).putLong(Blocks.strong(blockHash, buf, off, len));
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
