package io.vigil.dirsync;

import com.dynatrace.hash4j.hashing.Hasher64;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Receives one file over an open connection: sends the old copy's block signatures (the
 * receiver's side of rsync's algorithm), then passes the source's answer to the disk thread
 * ({@link WriteBehind}), which rebuilds the file with a {@link DeltaApplier}.
 */
final class FileFetcher {

    private static final int SIG_BYTES = 12; // weak int, strong long
    private static final int SIGS_PER_FRAME = (TlsChannel.MAX_FRAME - 8) / SIG_BYTES;
    /** Most signatures computed ahead (3 MiB; every file under 1 GiB, see {@link Blocks#blockSize}). */
    private static final int PREPARE_MAX = 1 << 18;

    /** What became of one requested file. */
    enum Outcome { INSTALLED, GONE }

    private final TlsChannel ch;
    private final FrameWriter frames;
    private final boolean asRoot;
    /** The old copy's bytes on their way to signatures; reused from file to file (1 MiB, the largest block). */
    private final byte[] basisBuf = new byte[Math.max(Blocks.MAX_BLOCK, 1 << 20)];
    /** The same for signatures computed ahead (used on the signer thread only). */
    private final byte[] prepareBuf = new byte[basisBuf.length];

    private final Hasher64 blockHash;
    private final byte[] blockKey;
    /** Signatures kept from earlier passes, and where new files' signatures go; null: none kept. */
    private final SignatureCache cache;

    FileFetcher(TlsChannel ch, boolean asRoot) {
        this(ch, asRoot, null);
    }

    FileFetcher(TlsChannel ch, boolean asRoot, SignatureCache cache) {
        this.ch = ch;
        this.blockKey = ch.blockKey();
        this.blockHash = Blocks.strongHash(blockKey);
        this.cache = cache;
        this.frames = new FrameWriter(ch);
        this.asRoot = asRoot;
    }

    /** A FETCH sent and not yet answered; answers come back in the order of the requests. */
    /** @param basisSignatures the signatures sent, when they were held in memory (else null) */
    record Request(Entry entry, Path target, long basisSize, int blockSize, int blockCount, byte[] basisSignatures) {
    }

    /**
     * Signatures computed ahead on the signer thread, for the request after the one in flight:
     * the source encodes one file while the receiver reads and hashes the old copy of the next,
     * where they used to take turns (bench/resync-dirs, incremental pass).
     */
    static final class Prepared {
        private final FileFetcher owner;
        private final Path target;
        private final long basisSize;
        private final Future<byte[]> signatures;

        private Prepared(FileFetcher owner, Path target, long basisSize, Future<byte[]> signatures) {
            this.owner = owner;
            this.target = target;
            this.basisSize = basisSize;
            this.signatures = signatures;
        }

        void cancel() {
            signatures.cancel(false);
        }
    }

    /**
     * Starts computing, on {@code signer}, the signatures that {@link #request} will send for
     * {@code e}; null when there is nothing to prepare (no old copy, or one too large to hold
     * its signatures in memory: those are streamed as they are computed).
     */
    Prepared prepare(ExecutorService signer, Entry e, Path target, long basisSize) {
        int bs = blockSize(e, basisSize);
        int count = signatureCount(basisSize, bs);
        if (count == 0 || count > PREPARE_MAX) {
            return null;
        }
        return new Prepared(this, target, basisSize, signer.submit(() -> {
            byte[] kept = kept(target, bs, count);
            return kept != null ? kept : computed(target, basisSize, bs, count, prepareBuf);
        }));
    }

    /** The old copy's signatures as kept when this node installed it, or null ({@link SignatureCache}). */
    private byte[] kept(Path target, int bs, int count) {
        return cache == null ? null : cache.get(target, blockKey, bs, count);
    }

    private byte[] computed(Path target, long basisSize, int bs, int count, byte[] buf) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(count * SIG_BYTES);
        Blocks.sign(target, basisSize, bs, count, buf, blockHash, (w, strong) -> out.putInt(w).putLong(strong));
        return out.array();
    }

    /**
     * Sends a FETCH for {@code e}, with the block signatures of the old copy at {@code target}
     * (not flushed: several requests may go out together).
     *
     * @param basisSize size of the old copy, or -1 to ask for the whole file
     * @param prepared  its signatures if {@link #prepare}d (a failed or stale one is recomputed), or null
     */
    Request request(String dir, Entry e, Path target, long basisSize, Prepared prepared) throws IOException {
        int bs = blockSize(e, basisSize);
        int count = signatureCount(basisSize, bs);
        long offered = count == 0 ? 0 : basisSize;
        ByteBuffer f = frames.begin(Codec.FETCH);
        Codec.putString(f, dir);
        Codec.putString(f, e.path());
        f.putLong(offered).putInt(bs).putInt(count);
        frames.send();
        byte[] sent = null;
        if (count > 0) {
            sent = prepared(prepared, target, basisSize, count);
            if (sent == null && count <= PREPARE_MAX) {
                // held in memory as when computed ahead: the new file's signatures reuse them
                sent = kept(target, bs, count);
                sent = sent != null ? sent : computed(target, basisSize, bs, count, basisBuf);
            }
            if (sent != null) {
                sendPrepared(sent, count);
            } else {
                sendSignatures(target, basisSize, bs, count);
            }
        } else if (prepared != null) {
            prepared.cancel();
        }
        return new Request(e, target, basisSize, bs, count, sent);
    }

    private static int blockSize(Entry e, long basisSize) {
        return Blocks.blockSize(Math.max(Math.max(basisSize, 0), e.size()));
    }

    /** Signatures to offer: none without an old copy, or for more blocks than the source accepts (over 4 TiB). */
    private static int signatureCount(long basisSize, int bs) {
        long blocks = basisSize <= 0 ? 0 : (basisSize + bs - 1) / bs;
        return blocks > Blocks.MAX_SIGNATURES ? 0 : (int) blocks;
    }

    /** The prepared signatures if they are this connection's (keyed by it) and for this very old copy, or null. */
    private byte[] prepared(Prepared p, Path target, long basisSize, int count) throws IOException {
        if (p == null || p.owner != this || !p.target.equals(target) || p.basisSize != basisSize) {
            if (p != null) {
                p.cancel();
            }
            return null;
        }
        try {
            byte[] sigs = p.signatures.get();
            return sigs.length == count * SIG_BYTES ? sigs : null;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while computing block signatures");
        } catch (ExecutionException | CancellationException ex) {
            return null; // computed again below, which reports the failure itself
        }
    }

    private void sendPrepared(byte[] sigs, int count) throws IOException {
        for (int sent = 0; sent < count; ) {
            int n = Math.min(SIGS_PER_FRAME, count - sent);
            frames.begin(Codec.SIGS).putInt(n).put(sigs, sent * SIG_BYTES, n * SIG_BYTES);
            frames.send();
            sent += n;
        }
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
        InstalledSums sums = InstalledSums.of(cache, blockKey, blockHash, attrs.size(), r.basisSignatures(),
                r.blockSize(), r.basisSize());
        WriteBehind.Done d = writer.open(job, r.target(), r.blockCount() > 0 ? r.target() : null, r.basisSize(),
                r.blockSize(), sums);
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
        int[] inFrame = {0};
        ByteBuffer[] out = {null};
        int[] sent = {0};
        Blocks.sign(basis, basisSize, bs, count, basisBuf, blockHash, (w, strong) -> {
            if (out[0] == null) {
                out[0] = frames.begin(Codec.SIGS);
                out[0].putInt(0);
                inFrame[0] = 0;
            }
            out[0].putInt(w).putLong(strong);
            inFrame[0]++;
            sent[0]++;
            if (inFrame[0] == SIGS_PER_FRAME || sent[0] == count) {
                out[0].putInt(1, inFrame[0]);
                frames.send();
                out[0] = null;
            }
        });
    }
}
