package io.vigil.dirsync;

import io.vigil.protocol.ProtocolVersion;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * Directory replication's message frames over a TLS 1.3 connection of the cluster CA (issue 12:
 * {@link io.vigil.pki.ClusterTls} authenticates both nodes and protects every byte; this class
 * adds no cryptography of its own).
 *
 * <p>Hello, inside TLS, before anything else: the receiver (TLS client) sends {@code "VGDS"},
 * the protocol version and 32 random bytes, the block key ({@link #blockKey}: its receiver's, kept up to a day); the
 * source answers {@code "VGDS"} and its version. The version is the Vigil protocol version
 * ({@link ProtocolVersion}, issue 15): each end accepts the other one version apart, so replication
 * goes on during a rolling upgrade. A source of a version outside the window answers with its own
 * and hangs up, so both ends can say which versions met.
 *
 * <p>Frames: a 4-byte length (0 to {@link #MAX_FRAME}), then the message. TLS rejects altered,
 * dropped, repeated or reordered records; this class turns that, and a stream cut inside a frame,
 * into a {@link CorruptStreamException}, so the reader never gets the bad bytes and the
 * receiver retries on a fresh connection.
 */
final class TlsChannel implements AutoCloseable {

    static final int MAX_FRAME = 64 * 1024;
    /** Size of a buffer that {@link #receiveInto} may copy a frame into. */
    static final int PLAIN_BUF = MAX_FRAME;
    static final byte[] MAGIC = "VGDS".getBytes(StandardCharsets.US_ASCII);
    // The replication protocol's own versions before the Vigil protocol version (5) took its place:
    // 2: 16-byte FILE_END checksum (FileChecksum), 2026-11; 3: keyed with the dirsync key (issue 10
    // item 5); 4: TLS 1.3 of the cluster CA, block key chosen by the receiver (issue 12)
    static final int TLS_SINCE = 4;
    static final int BLOCK_KEY = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Several frames per read and write call (TLS cuts them into records of 16 KiB). */
    private static final int IO_BUF = 256 * 1024;

    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final AtomicLong wire;
    private final String peer;
    private byte[] blockKey;
    private final byte[] inBuf = new byte[IO_BUF];
    private int inPos;
    private int inLim;
    private final byte[] outBuf = new byte[IO_BUF];
    private int outLen;
    private final byte[] plainBuf = new byte[PLAIN_BUF];

    private TlsChannel(SSLSocket socket, AtomicLong wire) throws IOException {
        this.socket = socket;
        this.wire = wire;
        this.peer = String.valueOf(socket.getRemoteSocketAddress());
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * The receiver's hello on a connected, handshaken socket.
     *
     * @param wire counts every byte of the protocol read or written (inside TLS)
     * @throws AuthenticationException the peer is not a replication source of this protocol version
     * @throws SSLException            the source refused our certificate (its alert)
     */
    static TlsChannel client(SSLSocket socket, AtomicLong wire) throws IOException {
        byte[] key = new byte[BLOCK_KEY];
        RANDOM.nextBytes(key);
        return client(socket, wire, key);
    }

    /**
     * As {@link #client(SSLSocket, AtomicLong)}, with a block key chosen by the caller: a
     * {@link SignatureCache}'s, which outlives the connection so that signatures kept from an
     * earlier connection stay comparable ({@link #BLOCK_KEY} random bytes, never sent in clear).
     */
    static TlsChannel client(SSLSocket socket, AtomicLong wire, byte[] key) throws IOException {
        if (key.length != BLOCK_KEY) {
            throw new IllegalArgumentException("a block key has " + BLOCK_KEY + " bytes, got " + key.length);
        }
        TlsChannel c = new TlsChannel(socket, wire);
        int version;
        try {
            c.writeRaw(MAGIC);
            c.writeRaw(new byte[] {(byte) ProtocolVersion.current()});
            c.writeRaw(key);
            c.flush();
            version = c.readMagicAndVersion();
        } catch (CorruptStreamException e) {
            // In TLS 1.3 the source judges our certificate after our side of the handshake is done:
            // its refusal arrives here, as an alert, and is a refusal, not a damaged stream.
            throw e.getCause() instanceof SSLException tls ? tls : e;
        }
        if (!ProtocolVersion.accepts(ProtocolVersion.current(), version)) {
            throw new AuthenticationException(versionMismatch("the replication peer at " + c.peer, version));
        }
        c.blockKey = key;
        return c;
    }

    /**
     * The source's side of the hello; a receiver outside the version window is told ours, then refused.
     *
     * @throws AuthenticationException the peer is not a replication receiver of this protocol version
     */
    static TlsChannel server(SSLSocket socket, AtomicLong wire) throws IOException {
        TlsChannel c = new TlsChannel(socket, wire);
        int version = c.readMagicAndVersion();
        c.writeRaw(MAGIC);
        c.writeRaw(new byte[] {(byte) ProtocolVersion.current()});
        c.flush();
        if (!ProtocolVersion.accepts(ProtocolVersion.current(), version)) {
            throw new AuthenticationException(versionMismatch("refused a connection from " + c.peer
                    + ": it", version));
        }
        byte[] key = c.readBytes(BLOCK_KEY);
        if (key.length < BLOCK_KEY) {
            throw new EOFException("closed during the hello");
        }
        c.blockKey = key;
        return c;
    }

    static String versionMismatch(String who, int theirs) {
        return ProtocolVersion.refusal(ProtocolVersion.current(), who, theirs);
    }

    private int readMagicAndVersion() throws IOException {
        byte[] magic = readBytes(MAGIC.length);
        if (magic.length < MAGIC.length) {
            throw new EOFException("the replication peer " + peer + " closed the connection during the hello");
        }
        if (!Arrays.equals(magic, MAGIC)) {
            throw new AuthenticationException(peer + " does not speak the vigil directory replication protocol: "
                    + "is replication.peerPort the replication port of the peer node (not its admin port)?");
        }
        byte[] version = readBytes(1);
        if (version.length == 0) {
            throw new EOFException("the replication peer " + peer + " closed the connection during the hello");
        }
        return version[0] & 0xff;
    }

    /**
     * Queues one frame of {@code len} bytes (at most {@link #MAX_FRAME}); the buffer goes out
     * when full or on {@link #flush}.
     */
    void send(byte[] buf, int off, int len) throws IOException {
        if (len > MAX_FRAME || len < 0) {
            throw new IllegalArgumentException("frame of " + len + " bytes, not within 0.." + MAX_FRAME);
        }
        if (outBuf.length - outLen < 4 + len) {
            flush(false);
        }
        putInt(outBuf, outLen, len);
        System.arraycopy(buf, off, outBuf, outLen + 4, len);
        outLen += 4 + len;
    }

    void flush() throws IOException {
        flush(true);
    }

    private void flush(boolean push) throws IOException {
        try {
            if (outLen > 0) {
                out.write(outBuf, 0, outLen);
                wire.addAndGet(outLen);
                outLen = 0;
            }
            if (push) {
                out.flush();
            }
        } catch (SSLException e) {
            throw new CorruptStreamException("the TLS connection to " + peer + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Receives one frame. The returned buffer is valid until the next call.
     *
     * @throws CorruptStreamException when TLS found the stream altered, or it was cut inside a frame
     * @throws EOFException           when the peer closed cleanly between frames
     */
    ByteBuffer receive() throws IOException {
        return receiveInto(plainBuf);
    }

    /**
     * As {@link #receive()}, copying into {@code dest} (at least {@link #PLAIN_BUF} bytes), which
     * the caller may then hand to another thread.
     */
    ByteBuffer receiveInto(byte[] dest) throws IOException {
        if (!fill(4, false)) {
            throw new EOFException("the replication peer " + peer + " closed the connection");
        }
        int n = getInt(inBuf, inPos);
        if (n < 0 || n > MAX_FRAME) { // an empty one is the reader's to refuse (Codec.type)
            throw new CorruptStreamException("frame length " + n + " from " + peer + " is impossible: stream corrupted");
        }
        if (!fill(4 + n, true)) {
            throw new CorruptStreamException("the stream from " + peer + " ended inside a frame (truncated)");
        }
        System.arraycopy(inBuf, inPos + 4, dest, 0, n);
        inPos += 4 + n;
        return ByteBuffer.wrap(dest, 0, n).slice();
    }

    /** Whether a whole frame has already arrived, so {@link #receive} will not wait for the peer. */
    boolean hasFrame() throws IOException {
        int have = inLim - inPos;
        return have >= 4 && have + in.available() >= 4 + getInt(inBuf, inPos);
    }

    /**
     * Reads until {@code need} unread bytes are buffered.
     *
     * @param inside whether a frame has begun (an end of stream then is a truncation, not a close)
     * @return false when the stream ended first with nothing of the frame read
     */
    private boolean fill(int need, boolean inside) throws IOException {
        if (inLim - inPos >= need) {
            return true;
        }
        if (inBuf.length - inPos < need) {
            System.arraycopy(inBuf, inPos, inBuf, 0, inLim - inPos); // only a partial frame moves
            inLim -= inPos;
            inPos = 0;
        }
        while (inLim - inPos < need) {
            int r = read(inBuf, inLim, inBuf.length - inLim);
            if (r < 0) {
                if (!inside && inLim == inPos) {
                    return false;
                }
                throw new CorruptStreamException("the stream from " + peer + " ended inside a frame (truncated)");
            }
            inLim += r;
            wire.addAndGet(r);
        }
        return true;
    }

    /**
     * One read; TLS's verdict on a damaged record becomes a {@link CorruptStreamException}. A
     * connection reset is left a {@link SocketException}: the receiver retries on both.
     */
    private int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (SSLException e) {
            throw new CorruptStreamException("a TLS record from " + peer + " failed its integrity check, or the"
                    + " connection was cut (" + e.getMessage() + "): corrupted in transit", e);
        }
    }

    /** Hello bytes: up to {@code n}, fewer only when the stream ends. */
    private byte[] readBytes(int n) throws IOException {
        while (inLim - inPos < n) {
            int r = read(inBuf, inLim, inBuf.length - inLim);
            if (r < 0) {
                break;
            }
            inLim += r;
            wire.addAndGet(r);
        }
        int have = Math.min(n, inLim - inPos);
        byte[] b = Arrays.copyOfRange(inBuf, inPos, inPos + have);
        inPos += have;
        return b;
    }

    private void writeRaw(byte[] b) {
        System.arraycopy(b, 0, outBuf, outLen, b.length);
        outLen += b.length;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    String peer() {
        return peer;
    }

    /**
     * This connection's key for the block signatures ({@link Blocks#strongHash}), the same on
     * both ends. The receiver draws it fresh for every connection and sends it inside TLS, so
     * nobody else ever sees it. It only has to stop someone who can put content on the source
     * (a camera, a VMS user) from preparing blocks whose 64-bit sums collide with the receiver's
     * old blocks: such a collision would copy a wrong block, the whole-file check would then fail
     * and the file travel again whole. The receiver is the side a collision hurts, and the source
     * controls the content anyway, so the receiver alone choosing it loses nothing; nor does it
     * depend on a shared secret besides the certificates (the JDK exposes no TLS exporter, RFC 8446
     * §7.5, which would otherwise give the same).
     */
    byte[] blockKey() {
        return blockKey.clone();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
