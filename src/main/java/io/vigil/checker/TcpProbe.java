package io.vigil.checker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Ok when a TCP connection to host:port opens within the timeout (keepalived TCP_CHECK). */
public final class TcpProbe implements Probe {

    private final String host;
    private final int port;
    private final int timeoutMs;

    public TcpProbe(String host, int port, long timeoutMs) {
        this.host = host;
        this.port = port;
        this.timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeoutMs);
    }

    @Override
    public ProbeResult probe() {
        String target = host + ":" + port;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            return ProbeResult.ok("connected to " + target);
        } catch (IOException e) {
            return ProbeResult.failed("cannot connect to " + target + ": " + e.getMessage());
        }
    }
}
