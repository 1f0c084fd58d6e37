package io.vigil.dirsync;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An authenticated, encrypted, message-framed TCP connection between the two nodes, built from
 * the JDK alone because the JDK has no TLS-PSK (SPEC §7 asks for mutual authentication).
 *
 * <p>Handshake: each side sends a fresh 32-byte nonce; the client proves the cluster key with
 * {@code HMAC-SHA256(key, "client" | nc | ns)}, then the server with {@code "server" | nc | ns}.
 * Fresh nonces on both sides make a recorded handshake useless to replay in either direction.
 * Each direction then gets its own AES-256 key, {@code HMAC-SHA256(key, "c2s"|nc|ns)} and
 * {@code "s2c"}, so the cluster key itself never encrypts anything and no two connections share
 * a key. A third key, {@code "blocks"}, keys the block signatures of the delta transfer
 * ({@link #blockKey}).
 *
 * <p>Frames: a 4-byte length, then AES-GCM ciphertext with its 16-byte tag. The IV is the frame's
 * sequence number in that direction, never sent: a flipped, dropped, repeated or reordered frame
 * fails the tag check, and a stream cut inside a frame is a short read. Either way the reader
 * gets a {@link CorruptStreamException} and never the bad bytes.
 */
final class SecureChannel implements AutoCloseable {

    static final int MAX_FRAME = 64 * 1024; // larger frames take a slower AES-GCM path in JDK 17 (measured: 10x)
    /** Size of a buffer that {@link #receiveInto} may decrypt a frame into. */
    static final int PLAIN_BUF = MAX_FRAME + 16;
    private static final byte[] MAGIC = "VGDS".getBytes(StandardCharsets.US_ASCII);
    // 2: 16-byte FILE_END checksum (FileChecksum), 2026-11; 3: keyed with the dirsync key derived
    // from the cluster key (ClusterKeys#dirsync, issue 10 item 5), no longer the cluster key itself
    private static final byte VERSION = 3;
    private static final int NONCE = 32;
    private static final int TAG_BITS = 128;
    private static final int TAG = TAG_BITS / 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Socket buffers: several full frames per read and write system call, and frames decrypted
     * straight out of the receive buffer (no intermediate copy per frame).
     */
    private static final int IO_BUF = 256 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final AtomicLong wire;
    private Cipher sendCipher;
    private Cipher receiveCipher;
    private SecretKeySpec sendKey;
    private SecretKeySpec receiveKey;
    private byte[] blockKey;
    private long sendSeq;
    private long receiveSeq;
    private final byte[] inBuf = new byte[IO_BUF];
    private int inPos;
    private int inLim;
    private final byte[] outBuf = new byte[IO_BUF];
    private int outLen;
    private final byte[] plainBuf = new byte[PLAIN_BUF];
    private final String peer;

    private SecureChannel(Socket socket, AtomicLong wireCounter) throws IOException {
        this.socket = socket;
        this.wire = wireCounter;
        this.peer = String.valueOf(socket.getRemoteSocketAddress());
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Authenticates as the connecting side.
     *
     * @param wireCounter receives every byte read or written on the socket (bytes on the wire)
     * @throws AuthenticationException when either side does not hold the same cluster key
     */
    static SecureChannel client(Socket socket, byte[] clusterKey, AtomicLong wireCounter) throws IOException {
        SecureChannel c = new SecureChannel(socket, wireCounter);
        byte[] nc = nonce();
        c.writeHello(nc);
        byte[] ns = c.readHello();
        c.writeRaw(hmac(clusterKey, "client", nc, ns));
        c.flush();
        int verdict = c.readByte();
        if (verdict != 0) {
            throw new AuthenticationException("the replication peer at " + c.peer + " refused our authentication: "
                    + "both nodes must use the same cluster key (cluster.key / cluster.keyFile)");
        }
        byte[] proof = c.readBytes(32);
        if (!io.vigil.security.Hmac.same(proof, hmac(clusterKey, "server", nc, ns))) {
            throw new AuthenticationException("the replication peer at " + c.peer + " could not prove it holds "
                    + "our cluster key: it is not our peer, or its cluster key differs; check cluster.key on both nodes");
        }
        c.keys(hmac(clusterKey, "c2s", nc, ns), hmac(clusterKey, "s2c", nc, ns));
        c.blockKey = hmac(clusterKey, "blocks", nc, ns);
        return c;
    }

    /** Authenticates as the accepting side; a client with another key is told so, then refused. */
    static SecureChannel server(Socket socket, byte[] clusterKey, AtomicLong wireCounter) throws IOException {
        SecureChannel c = new SecureChannel(socket, wireCounter);
        byte[] nc = c.readHello();
        byte[] ns = nonce();
        c.writeHello(ns);
        byte[] proof = c.readBytes(32);
        if (proof.length < 32) {
            throw new EOFException("closed during the handshake");
        }
        if (!io.vigil.security.Hmac.same(proof, hmac(clusterKey, "client", nc, ns))) {
            c.writeRaw(new byte[] {1});
            c.flush();
            throw new AuthenticationException("refused a replication connection from " + c.peer
                    + ": it does not hold our cluster key");
        }
        c.writeRaw(new byte[] {0});
        c.writeRaw(hmac(clusterKey, "server", nc, ns));
        c.flush();
        c.keys(hmac(clusterKey, "s2c", nc, ns), hmac(clusterKey, "c2s", nc, ns));
        c.blockKey = hmac(clusterKey, "blocks", nc, ns);
        return c;
    }

    private void writeHello(byte[] nonce) throws IOException {
        writeRaw(MAGIC);
        writeRaw(new byte[] {VERSION});
        writeRaw(nonce);
        flush();
    }

    private byte[] readHello() throws IOException {
        byte[] magic = readBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new AuthenticationException(peer + " does not speak the vigil directory replication protocol: "
                    + "is replication.peerPort the replication port of the peer node?");
        }
        int version = readByte();
        if (version != VERSION) {
            throw new AuthenticationException(peer + " speaks directory replication protocol " + version
                    + ", this node " + VERSION + ": upgrade both nodes");
        }
        byte[] nonce = readBytes(NONCE);
        if (nonce.length < NONCE) {
            throw new EOFException("closed during the handshake");
        }
        return nonce;
    }

    private void keys(byte[] send, byte[] receive) throws IOException {
        try {
            sendKey = new SecretKeySpec(send, "AES");
            receiveKey = new SecretKeySpec(receive, "AES");
            sendCipher = Cipher.getInstance("AES/GCM/NoPadding");
            receiveCipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM is not available in this JVM", e);
        }
    }

    /**
     * Encrypts {@code len} bytes (at most {@link #MAX_FRAME}) as one frame into the send buffer;
     * the buffer goes out when full or on {@link #flush}.
     */
    void send(byte[] buf, int off, int len) throws IOException {
        if (len > MAX_FRAME) {
            throw new IllegalArgumentException("frame of " + len + " bytes exceeds " + MAX_FRAME);
        }
        if (outBuf.length - outLen < 4 + len + TAG) {
            flush();
        }
        int n;
        try {
            sendCipher.init(Cipher.ENCRYPT_MODE, sendKey, iv(sendSeq++));
            n = sendCipher.doFinal(buf, off, len, outBuf, outLen + 4);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt a replication frame: " + e.getMessage(), e);
        }
        putInt(outBuf, outLen, n);
        outLen += 4 + n;
    }

    void flush() throws IOException {
        if (outLen > 0) {
            out.write(outBuf, 0, outLen);
            wire.addAndGet(outLen);
            outLen = 0;
        }
        out.flush();
    }

    /**
     * Receives and authenticates one frame. The returned buffer is valid until the next call.
     *
     * @throws CorruptStreamException when the frame was altered, reordered or cut short
     * @throws EOFException           when the peer closed cleanly between frames
     */
    ByteBuffer receive() throws IOException {
        return receiveInto(plainBuf);
    }

    /**
     * As {@link #receive()}, decrypting into {@code dest} (at least {@link #PLAIN_BUF} bytes), which
     * the caller may then hand to another thread.
     */
    ByteBuffer receiveInto(byte[] dest) throws IOException {
        if (!fill(4, false)) {
            throw new EOFException("the replication peer " + peer + " closed the connection");
        }
        int n = getInt(inBuf, inPos);
        if (n < TAG || n > MAX_FRAME + TAG) {
            throw new CorruptStreamException("frame length " + n + " from " + peer + " is impossible: stream corrupted");
        }
        if (!fill(4 + n, true)) {
            throw new CorruptStreamException("the stream from " + peer + " ended inside a frame (truncated)");
        }
        int at = inPos + 4;
        inPos = at + n;
        try {
            receiveCipher.init(Cipher.DECRYPT_MODE, receiveKey, iv(receiveSeq++));
            int len = receiveCipher.doFinal(inBuf, at, n, dest, 0);
            return ByteBuffer.wrap(dest, 0, len).slice();
        } catch (AEADBadTagException e) {
            throw new CorruptStreamException("a frame from " + peer + " failed its integrity check: corrupted in transit", e);
        } catch (GeneralSecurityException e) {
            throw new CorruptStreamException("cannot decrypt a frame from " + peer + ": " + e.getMessage(), e);
        }
    }

    /** Whether a whole frame has already arrived, so {@link #receive} will not wait for the peer. */
    boolean hasFrame() {
        return inLim - inPos >= 4 && inLim - inPos >= 4 + getInt(inBuf, inPos);
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
            int r = in.read(inBuf, inLim, inBuf.length - inLim);
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

    /** Handshake bytes: up to {@code n}, fewer only when the stream ends. */
    private byte[] readBytes(int n) throws IOException {
        while (inLim - inPos < n) {
            if (inBuf.length - inLim == 0) {
                break;
            }
            int r = in.read(inBuf, inLim, inBuf.length - inLim);
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

    private int readByte() throws IOException {
        byte[] b = readBytes(1);
        return b.length == 0 ? -1 : b[0] & 0xff;
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
     * both ends: {@code HMAC-SHA256(key, "blocks"|nc|ns)}, so it is secret and new for every
     * connection, as the AES keys are.
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

    private static GCMParameterSpec iv(long seq) {
        return new GCMParameterSpec(TAG_BITS, ByteBuffer.allocate(12).putInt(0).putLong(seq).array());
    }

    private static byte[] nonce() {
        byte[] b = new byte[NONCE];
        RANDOM.nextBytes(b);
        return b;
    }

    static byte[] hmac(byte[] key, String label, byte[] nc, byte[] ns) {
        return io.vigil.security.Hmac.of(key, ("vigil-dirsync/1 " + label).getBytes(StandardCharsets.US_ASCII), nc, ns);
    }
}
