package io.vigil.dirsync;

import io.vigil.pki.ClusterTls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;

/**
 * A replication source that holds a certificate of the cluster CA but answers with scripted
 * messages, for bench/fuzz (issue 10): a compromised or buggy peer (attacker model c). It
 * authenticates like the real source (TLS of {@link ClusterTls}, then {@link TlsChannel#server}),
 * then answers every LIST with the listing script and every FETCH with the file script, each
 * message one frame, so the real receiver ({@link DirSyncClient}) decodes exactly these bytes.
 * Also exposes the server side of the handshake, for unauthenticated bytes. Serves one
 * connection at a time, on loopback.
 */
public final class HostileSource implements AutoCloseable {

    /** Message type bytes of the protocol ({@link Codec}), for building scripts. */
    public static final byte ENTRIES = Codec.ENTRIES;
    public static final byte END = Codec.END;
    public static final byte ERROR = Codec.ERROR;
    public static final byte FILE = Codec.FILE;
    public static final byte DELTA = Codec.DELTA;
    public static final byte FILE_END = Codec.FILE_END;
    public static final byte GONE = Codec.GONE;
    public static final byte OP_LITERAL = Codec.OP_LITERAL;
    public static final byte OP_COPY = Codec.OP_COPY;

    /** A source stops answering after this long without a request, so a case never waits for a client timeout. */
    private static final int IDLE_MS = 100;
    /** A cold JVM's first TLS handshake can take longer than {@link #IDLE_MS}. */
    private static final int HANDSHAKE_MS = 5000;

    private final ServerSocket server;
    private final Thread thread;
    private volatile List<byte[]> listing = List.of();
    private volatile List<byte[]> file = List.of();

    /** @param tls the source's certificates (the receiver's must be of the same CA) */
    public HostileSource(ClusterTls tls) throws IOException {
        this.server = tls.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        this.thread = new Thread(this::serve, "vigil-fuzz-hostile-source");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The messages answered to the next connections' requests (set before the pull starts). */
    public void script(List<byte[]> listingMessages, List<byte[]> fileMessages) {
        this.listing = List.copyOf(listingMessages);
        this.file = List.copyOf(fileMessages);
    }

    /** The 16-byte whole-file checksum a FILE_END message carries for {@code content}. */
    public static byte[] checksum(byte[] content) {
        FileChecksum c = new FileChecksum();
        c.update(content, 0, content.length);
        return c.digest();
    }

    /**
     * The accepting side of the handshake on {@code socket} (accepted from a {@link ClusterTls}
     * listener), as the real source runs it before anything else: TLS, then the hello. Its
     * documented failures are {@link IOException}s.
     *
     * @return the block key the receiver sent
     */
    public static byte[] acceptHandshake(SSLSocket socket) throws IOException {
        socket.startHandshake();
        try (TlsChannel ch = TlsChannel.server(socket, new AtomicLong())) {
            return ch.blockKey();
        }
    }

    /** What a receiver of this version sends first inside TLS, with a block key of zeros. */
    public static byte[] hello() {
        return ByteBuffer.allocate(TlsChannel.MAGIC.length + 1 + TlsChannel.BLOCK_KEY).put(TlsChannel.MAGIC)
                .put((byte) io.vigil.protocol.ProtocolVersion.current()).array();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(HANDSHAKE_MS);
                ((SSLSocket) s).startHandshake();
                TlsChannel ch = TlsChannel.server((SSLSocket) s, new AtomicLong());
                s.setSoTimeout(IDLE_MS);
                answer(ch);
            } catch (IOException e) {
                // the receiver hung up, refused our answers or went idle: the next connection gets the script again
            }
        }
    }

    private void answer(TlsChannel ch) throws IOException {
        while (true) {
            ByteBuffer m = ch.receive();
            byte type = m.hasRemaining() ? m.get() : 0;
            List<byte[]> answer = type == Codec.LIST ? listing : type == Codec.FETCH ? file : List.of();
            for (byte[] msg : answer) {
                ch.send(msg, 0, Math.min(msg.length, TlsChannel.MAX_FRAME));
            }
            ch.flush();
            if (type == Codec.LIST && !endsWith(listing, Codec.END, Codec.ERROR)
                    || type == Codec.FETCH && !endsWith(file, Codec.FILE_END, Codec.GONE, Codec.ERROR)) {
                return; // the receiver would wait for the rest: hang up so it learns at once
            }
        }
    }

    private static boolean endsWith(List<byte[]> messages, byte... lastTypes) {
        if (messages.isEmpty() || messages.get(messages.size() - 1).length == 0) {
            return false;
        }
        byte last = messages.get(messages.size() - 1)[0];
        for (byte t : lastTypes) {
            if (t == last) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
