package io.vigil.dirsync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of the source that damages what the source sends on its first
 * {@code faultyConnections} connections: flips one byte at {@code offset}, or cuts the
 * connection there. Test-only: it stands for a bad cable, NIC or middlebox.
 */
final class FaultyProxy implements AutoCloseable {

    enum Fault { FLIP, TRUNCATE }

    private final ServerSocket listen;
    private final int targetPort;
    private final Fault fault;
    private final long offset;
    private final int faultyConnections;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger faultsInjected = new AtomicInteger();

    FaultyProxy(int targetPort, Fault fault, long offset, int faultyConnections) throws IOException {
        this.listen = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.fault = fault;
        this.offset = offset;
        this.faultyConnections = faultyConnections;
        Thread t = new Thread(this::accept, "faulty-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listen.getLocalPort();
    }

    int faultsInjected() {
        return faultsInjected.get();
    }

    private void accept() {
        while (!listen.isClosed()) {
            try {
                Socket client = listen.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
                boolean faulty = connections.incrementAndGet() <= faultyConnections;
                pump(client.getInputStream(), server.getOutputStream(), false, client, server);
                pump(server.getInputStream(), client.getOutputStream(), faulty, client, server);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(InputStream in, OutputStream out, boolean faulty, Socket a, Socket b) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            long seen = 0;
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (faulty && seen <= offset && offset < seen + n) {
                        faultsInjected.incrementAndGet();
                        int at = (int) (offset - seen);
                        if (fault == Fault.TRUNCATE) {
                            out.write(buf, 0, at);
                            out.flush();
                            break;
                        }
                        buf[at] ^= 0x40;
                    }
                    out.write(buf, 0, n);
                    seen += n;
                }
            } catch (IOException e) {
                // either side closed
            } finally {
                closeQuietly(a);
                closeQuietly(b);
            }
        }, "faulty-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // done
        }
    }

    @Override
    public void close() throws IOException {
        listen.close();
    }
}
