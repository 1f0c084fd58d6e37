package io.vigil.dirsync;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLSocket;

/**
 * A replication source that holds a certificate of the cluster CA but lies (attacker model (c): a compromised
 * peer): it answers LIST with whatever listing the test gives it, and FETCH with the given
 * content (whole, as literal data) for any path it was told about, GONE for the rest. Test-only.
 */
final class LyingSource implements AutoCloseable {

    private final ServerSocket listen;
    private volatile List<Entry> listing = List.of();
    private volatile Map<String, byte[]> contents = Map.of();
    private volatile UnaryOperator<Entry> answerAs = UnaryOperator.identity();

    LyingSource() throws IOException {
        this.listen = TestTls.SOURCE.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        Thread t = new Thread(this::acceptLoop, "hostile-source");
        t.setDaemon(true);
        t.start();
    }

    /** What the next LIST is answered with, and the content served for FILE entries. */
    void serve(List<Entry> entries, Map<String, byte[]> files) {
        this.listing = List.copyOf(entries);
        this.contents = Map.copyOf(files);
    }

    /** The attributes a FILE answer carries, from the listed entry (default: the entry itself). */
    void answerAs(UnaryOperator<Entry> attrs) {
        this.answerAs = attrs;
    }

    int port() {
        return listen.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        listen.close();
    }

    private void acceptLoop() {
        while (!listen.isClosed()) {
            try (Socket s = listen.accept()) {
                ((SSLSocket) s).startHandshake();
                session(TlsChannel.server((SSLSocket) s, new AtomicLong()));
            } catch (IOException e) {
                // the receiver hung up (end of pass or refusal): wait for the next one
            }
        }
    }

    private void session(TlsChannel ch) throws IOException {
        FrameWriter frames = new FrameWriter(ch);
        while (true) {
            ByteBuffer m = ch.receive();
            byte type = Codec.type(m);
            if (type == Codec.LIST) {
                list(frames);
            } else if (type == Codec.FETCH) {
                fetch(ch, frames, m);
            }
            frames.flush();
        }
    }

    private void list(FrameWriter frames) throws IOException {
        List<Entry> entries = listing;
        for (Entry e : entries) { // one entry per frame: simple, and the receiver must not care
            ByteBuffer b = frames.begin(Codec.ENTRIES);
            b.putInt(1);
            e.write(b);
            frames.send();
        }
        frames.begin(Codec.END).putInt(entries.size());
        frames.send();
    }

    private void fetch(TlsChannel ch, FrameWriter frames, ByteBuffer m) throws IOException {
        Codec.getString(m);
        String path = Codec.getString(m);
        m.getLong();
        m.getInt();
        int count = m.getInt();
        for (int got = 0; got < count; ) {
            ByteBuffer sigs = ch.receive();
            Codec.type(sigs);
            got += sigs.getInt();
        }
        Entry e = listing.stream().filter(x -> x.path().equals(path)).findFirst().orElse(null);
        byte[] data = contents.get(path);
        if (e == null || data == null) {
            Codec.putString(frames.begin(Codec.GONE), path + " is not served");
            frames.send();
            return;
        }
        answerAs.apply(e).write(frames.begin(Codec.FILE));
        frames.send();
        ByteBuffer d = frames.begin(Codec.DELTA);
        d.put(Codec.OP_LITERAL).putInt(data.length).put(data);
        frames.send();
        FileChecksum sum = new FileChecksum();
        sum.update(data, 0, data.length);
        frames.begin(Codec.FILE_END).putLong(data.length).put(sum.digest()).putLong(data.length);
        frames.send();
    }
}
