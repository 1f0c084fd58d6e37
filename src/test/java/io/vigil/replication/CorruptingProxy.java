package io.vigil.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP relay to a PostgreSQL server that damages what the server sends: flips one byte at a
 * given offset of each connection's server-to-client stream, or cuts the connection there.
 * Switched off, it relays faithfully.
 */
final class CorruptingProxy implements AutoCloseable {
    enum Fault { NONE, FLIP, CUT }

    private final ServerSocket server;
    private final int targetPort;
    private final long offset;
    private volatile Fault fault;

    CorruptingProxy(int targetPort, long offset, Fault fault) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.offset = offset;
        this.fault = fault;
        Thread t = new Thread(this::accept, "corrupting-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void fault(Fault f) {
        fault = f;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
                Fault f = fault;
                pump(client.getInputStream(), upstream.getOutputStream(), Fault.NONE, client, upstream);
                pump(upstream.getInputStream(), client.getOutputStream(), f, client, upstream);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(InputStream in, OutputStream out, Fault f, Socket a, Socket b) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            long pos = 0;
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (f != Fault.NONE && pos <= offset && offset < pos + n) {
                        if (f == Fault.CUT) {
                            out.write(buf, 0, (int) (offset - pos));
                            break;
                        }
                        buf[(int) (offset - pos)] ^= 0x5a;
                    }
                    out.write(buf, 0, n);
                    pos += n;
                }
            } catch (IOException e) {
                // one side closed: close both
            }
            closeQuietly(a);
            closeQuietly(b);
        }, "corrupting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
