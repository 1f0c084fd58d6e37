package io.vigil.dirsync;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import com.dynatrace.hash4j.hashing.Hasher64;

/**
 * The sending side of the delta transfer: walks the source file with a rolling checksum and
 * emits, in file order, COPY (a run of the receiver's own blocks) or LITERAL (bytes it lacks).
 * Every byte passes through the whole-file {@link FileChecksum} exactly once, in order, whichever way it
 * travels, so the receiver can check the file it rebuilt against what was read here.
 */
final class DeltaEncoder {

    /** Pending literal bytes are sent once this many accumulate, bounding the window. */
    private static final int LITERAL_FLUSH = 256 * 1024;
    /** Reads of a file sent whole: large, so the disk's read-ahead stays busy. */
    private static final int READ = 1 << 20;
    /**
     * Size of the buffer a session lends every encoder: the delta window (4 MiB, or 4 blocks plus
     * a literal flush at the largest block), also the read buffer of a file sent whole.
     */
    static final int BUFFER = Math.max(4 << 20, 4 * Blocks.MAX_BLOCK + LITERAL_FLUSH);

    private final FrameWriter frames;
    private final FileChecksum fileHash = new FileChecksum();
    private final Hasher64 blockHash;
    private long literalBytes;
    private long matchedBytes;
    private int copyFirst = -1;
    private int copyCount;

    private final byte[] win;

    /**
     * @param buffer {@link #BUFFER} bytes, reused from file to file: allocated per file, its
     *               zeroing and first-touch page faults cost more than encoding a small file
     *               (profiled in bench/resync-dirs)
     * @param blockHash the connection's strong block hash ({@link Blocks#strongHash}), the one the
     *                  receiver's signatures were computed with
     */
    DeltaEncoder(FrameWriter frames, byte[] buffer, Hasher64 blockHash) {
        if (buffer.length < BUFFER) {
            throw new IllegalArgumentException("an encoder needs " + BUFFER + " bytes of buffer, got " + buffer.length);
        }
        this.frames = frames;
        this.win = buffer;
        this.blockHash = blockHash;
    }

    long literalBytes() {
        return literalBytes;
    }

    long matchedBytes() {
        return matchedBytes;
    }

    /**
     * Sends {@code in} from its start as DELTA messages against {@code index} (null: no basis).
     *
     * @return the {@link FileChecksum} of every byte read
     */
    byte[] encode(FileChannel in, Blocks.Index index) throws IOException {
        return encode(in, index, null);
    }

    /**
     * As {@link #encode(FileChannel, Blocks.Index)}, taking the sums of block-aligned blocks from
     * {@code sums} (hints computed on another thread; null: none).
     */
    byte[] encode(FileChannel in, Blocks.Index index, AlignedSums sums) throws IOException {
        if (index == null || index.size() == 0) {
            literalOnly(in);
        } else {
            delta(in, index, sums);
        }
        flushCopy();
        if (frames.isOpen() && frames.current().position() > 1) {
            frames.send();
        }
        return fileHash.digest();
    }

    private void literalOnly(FileChannel in) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(win, 0, READ);
        while (true) {
            bb.clear();
            int n = in.read(bb);
            if (n < 0) {
                return;
            }
            literal(win, 0, n);
        }
    }

    private void delta(FileChannel in, Blocks.Index index, AlignedSums sums) throws IOException {
        int bs = index.blockSize();
        long winStart = 0; // the file offset of win[0]
        int len = 0;
        int pos = 0;
        int lit = 0;
        boolean eof = false;
        boolean haveWeak = false;
        int a = 0;
        int s = 0;
        int expect = 0;
        while (true) {
            if (len - pos < bs && !eof) {
                System.arraycopy(win, lit, win, 0, len - lit);
                winStart += lit;
                len -= lit;
                pos -= lit;
                lit = 0;
                int n = fill(in, win, len);
                len += n;
                eof = len < win.length; // fill stops short of a full window only at the end of the file
                continue;
            }
            int avail = len - pos;
            if (avail == 0) {
                break;
            }
            int n = Math.min(bs, avail);
            if (!haveWeak && nextBlockFollows(index, sums, winStart + pos, n, expect)) {
                literal(win, lit, pos - lit);
                copy(win, pos, n, expect);
                pos += n;
                lit = pos;
                expect++;
                continue;
            }
            if (!haveWeak) {
                int w0 = Blocks.weak(win, pos, n); // both halves only matter mod 2^16, so unpacking is exact
                a = w0 & 0xffff;
                s = w0 >>> 16;
                haveWeak = true;
            }
            int w = Blocks.pack(a, s);
            int match = -1;
            if (index.mayContain(w)) { // most rolled positions fail this first test: nothing else is done for them
                long at = winStart + pos;
                match = sums != null && sums.covers(at, n) && sums.await(at) ? index.find(w, sums.strong(at), n, expect)
                        : index.find(w, blockHash, win, pos, n, expect);
            }
            if (match >= 0) {
                literal(win, lit, pos - lit);
                copy(win, pos, n, match);
                pos += n;
                lit = pos;
                haveWeak = false;
                expect = match + 1;
            } else if (n < bs) {
                break; // a tail shorter than a block that matched nothing: literal below
            } else if (pos + bs < len) {
                int out = win[pos] & 0xff;
                a += (win[pos + bs] & 0xff) - out;
                s += a - bs * out;
                pos++;
            } else {
                pos++;
                haveWeak = false;
            }
            if (pos - lit >= LITERAL_FLUSH) {
                literal(win, lit, pos - lit);
                lit = pos;
            }
        }
        literal(win, lit, len - lit);
    }

    /**
     * Whether the block at {@code at}, right after a match, is the receiver's next block: its
     * strong sum, computed ahead by the helper, equals that block's. After an in-place change
     * this is nearly every block, and it spares the weak sum of each (a fifth of the encoder's
     * work, profiled in bench/resync-dirs): the weak sum only filters candidates for the strong
     * one, and here there is a single candidate. A false match (2^-48 per block under the keyed
     * sum) or a stale hint is caught by the whole-file check, as any other.
     */
    private static boolean nextBlockFollows(Blocks.Index index, AlignedSums sums, long at, int n, int expect) {
        return sums != null && expect < index.size() && index.length(expect) == n && sums.covers(at, n)
                && sums.await(at) && index.strongSum(expect) == sums.strong(at);
    }

    /** Reads until the buffer is full or the file ends; returns the bytes read. */
    private static int fill(FileChannel in, byte[] win, int from) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(win, from, win.length - from);
        while (bb.hasRemaining() && in.read(bb) >= 0) {
            // keep reading: a file channel may return fewer bytes than asked
        }
        return bb.position() - from;
    }

    private void literal(byte[] b, int off, int len) throws IOException {
        if (len <= 0) {
            return;
        }
        flushCopy();
        fileHash.update(b, off, len);
        literalBytes += len;
        while (len > 0) {
            ByteBuffer f = room(6);
            int chunk = Math.min(len, f.remaining() - 5);
            f.put(Codec.OP_LITERAL).putInt(chunk).put(b, off, chunk);
            off += chunk;
            len -= chunk;
        }
    }

    private void copy(byte[] b, int off, int len, int block) throws IOException {
        fileHash.update(b, off, len);
        matchedBytes += len;
        if (copyFirst >= 0 && copyFirst + copyCount == block) {
            copyCount++;
            return;
        }
        flushCopy();
        copyFirst = block;
        copyCount = 1;
    }

    private void flushCopy() throws IOException {
        if (copyFirst < 0) {
            return;
        }
        room(9).put(Codec.OP_COPY).putInt(copyFirst).putInt(copyCount);
        copyFirst = -1;
        copyCount = 0;
    }

    private ByteBuffer room(int need) throws IOException {
        if (frames.isOpen() && frames.current().remaining() < need) {
            frames.send();
        }
        if (!frames.isOpen()) {
            frames.begin(Codec.DELTA);
        }
        return frames.current();
    }
}
