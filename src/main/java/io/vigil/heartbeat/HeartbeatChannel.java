package io.vigil.heartbeat;

import io.vigil.heartbeat.HeartbeatNetworks.Network;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.OptionalLong;

/** One heartbeat network's socket (bound to this node's address on it), receiver thread and liveness bookkeeping. */
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

    /**
     * Binds network {@code index}'s socket to this node's address on that network.
     *
     * @throws IOException the address does not resolve, or the socket cannot be bound; the
     *                     message names the address, the port and what to do
     */
    static HeartbeatChannel bind(HeartbeatNetworks config, int index) throws IOException {
        Network net = config.networks().get(index);
        String where = "heartbeat network " + (index + 1);
        InetAddress local = resolveIpv4(net.localAddress(), where + " localAddress");
        InetAddress peer = resolveIpv4(net.peerAddress(), where + " peerAddress");
        int port = config.ownPort();
        DatagramSocket socket = new DatagramSocket(null);
        try {
            socket.bind(new InetSocketAddress(local, port));
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot bind the " + where + " socket of node " + config.ownId()
                    + " to " + local.getHostAddress() + ":" + port + " (UDP): " + e.getMessage()
                    + ". If the port is in use, find the holder with `ss -ulpn 'sport = :" + port
                    + "'` and stop it (perhaps a second Vigil daemon), or change basePort on both"
                    + " nodes; if the address is not on this host, fix localAddress (`ip -4 addr`"
                    + " lists this host's addresses).", e);
        }
        return new HeartbeatChannel(index, net, socket,
                new InetSocketAddress(peer, config.peerPort()));
    }

    private static InetAddress resolveIpv4(String host, String key) throws IOException {
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (IOException e) {
            throw new IOException(key + " '" + host + "' does not resolve: " + e.getMessage()
                    + ". Use an IPv4 address, or fix name resolution on this host.", e);
        }
        for (InetAddress a : all) {
            if (a instanceof Inet4Address) {
                return a;
            }
        }
        throw new IOException(key + " '" + host + "' has no IPv4 address; Vigil heartbeats are "
                + "IPv4 only (SPEC: IPv6 is not supported). Use an IPv4 address.");
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
