package io.vigil.dirsync;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Builds one message at a time in a reusable buffer and sends it as one {@link TlsChannel} frame. */
final class FrameWriter {
    private final TlsChannel channel;
    private final byte[] buf = new byte[TlsChannel.MAX_FRAME];
    private final ByteBuffer b = ByteBuffer.wrap(buf);
    private boolean open;

    FrameWriter(TlsChannel channel) {
        this.channel = channel;
    }

    ByteBuffer begin(byte type) {
        b.clear();
        b.put(type);
        open = true;
        return b;
    }

    boolean isOpen() {
        return open;
    }

    ByteBuffer current() {
        return b;
    }

    void send() throws IOException {
        channel.send(buf, 0, b.position());
        open = false;
    }

    void flush() throws IOException {
        channel.flush();
    }

    /** Sends an ERROR message, flushed. */
    void error(String message) throws IOException {
        Codec.putString(begin(Codec.ERROR), message.length() > 2000 ? message.substring(0, 2000) : message);
        send();
        flush();
    }
}
