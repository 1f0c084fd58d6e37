package io.vigil.admin;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * A socket's input with one deadline for everything read, not a timeout per read: a client
 * sending a byte every few seconds would otherwise keep a thread forever. Each read waits at
 * most the time left; after the deadline every read fails with {@link SocketTimeoutException}.
 */
final class DeadlineInputStream extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private final long deadlineNanos;

    DeadlineInputStream(Socket socket, long deadlineNanos) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public int read() throws IOException {
        armTimeout();
        return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        armTimeout();
        return in.read(b, off, len);
    }

    private void armTimeout() throws IOException {
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (leftMs <= 0) {
            throw new SocketTimeoutException("request deadline passed");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMs));
    }
}
