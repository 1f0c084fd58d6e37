package io.vigil.heartbeat;

import io.vigil.heartbeat.HeartbeatNetworks.Network;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.OptionalLong;

/** One heartbeat network's socket, receiver thread and liveness bookkeeping. */
final class HeartbeatChannel {
    private final int index;
    private final Network network;
    private final DatagramSocket socket;
    private final InetSocketAddress peer;
    private Thread receiver;
    private volatile boolean received;
    private volatile long lastReceivedNanos;
    private volatile String lastSendError;

    HeartbeatChannel(int index, Network network, DatagramSocket socket, InetSocketAddress peer) {
        this.index = index;
        this.network = network;
        this.socket = socket;
        this.peer = peer;
    }

    int index() {
        return index;
    }

    void start(Runnable loop) {
        // Daemon: a stuck receive must never keep the JVM from exiting on shutdown.
        receiver = new Thread(loop, "vigil-heartbeat-rx-net" + (index + 1) + "-"
                + socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort());
        receiver.setDaemon(true);
        receiver.start();
    }

    void receive(DatagramPacket packet) throws IOException {
        socket.receive(packet);
    }

    boolean send(byte[] packet) {
        try {
            socket.send(new DatagramPacket(packet, packet.length, peer));
            lastSendError = null;
            return true;
        } catch (IOException e) {
            lastSendError = "sending to " + peer.getAddress().getHostAddress() + ":"
                    + peer.getPort() + " failed: " + e.getMessage();
            return false;
        }
    }

    void markReceived(long nanos) {
        lastReceivedNanos = nanos;
        received = true;
    }

    NetworkStatus status() {
        // Flag first: markReceived writes the time before the flag, so a set flag guarantees
        // (volatile happens-before) that the time read next is a real one, never the initial 0.
        boolean seen = received;
        long at = lastReceivedNanos;
        return new NetworkStatus(index, network,
                seen ? OptionalLong.of(at) : OptionalLong.empty(),
                Optional.ofNullable(lastSendError));
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    void close() {
        socket.close();
    }

    /** @return true if the receiver thread has ended */
    boolean join(long timeoutMs) {
        if (receiver == null) {
            return true;
        }
        try {
            receiver.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !receiver.isAlive();
    }
}
