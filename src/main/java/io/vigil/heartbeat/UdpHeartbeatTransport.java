package io.vigil.heartbeat;

import io.vigil.core.Heartbeat;
import io.vigil.heartbeat.HeartbeatNetworks.Network;
import io.vigil.heartbeat.HeartbeatRejected.Reason;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeats over real UDP on every configured network (SPEC §2). Each network has its own
 * socket bound to this node's address on it, and its own receiver thread, so a dead interface
 * only silences its own network. Authentic new heartbeats go to the callback; everything else is
 * counted per {@link Reason} and reported to the rejection listener. Both callbacks run on
 * receiver threads and must be quick (the daemon just enqueues).
 */
public final class UdpHeartbeatTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UdpHeartbeatTransport.class);
    /** Larger than a heartbeat, so an oversized datagram is seen as oversized, not cut to fit. */
    private static final int RECEIVE_BUFFER_BYTES = 2048;
    private static final long JOIN_TIMEOUT_MS = 2000;

    private final HeartbeatNetworks config;
    /** Codec, replay guard and delivery: the part of the transport the simulator runs too. */
    private final HeartbeatEndpoint endpoint;
    private final List<HeartbeatChannel> channels;
    private volatile boolean closed;

    /**
     * Hears of every rejected datagram, on a receiver thread: it must be quick and must not log
     * a line per call (anyone can send datagrams; see {@code io.vigil.log.RejectionSummary}).
     */
    @FunctionalInterface
    public interface RejectionListener {
        /**
         * @param source the sender's address (its port says nothing: it changes per socket)
         * @param detail what was wrong, naming the network and the sender
         */
        void rejected(Reason reason, InetAddress source, String detail);
    }

    private UdpHeartbeatTransport(HeartbeatNetworks config, HeartbeatCodec codec,
            Consumer<Heartbeat> onHeartbeat, RejectionListener onRejected,
            List<HeartbeatChannel> channels) {
        this.config = config;
        this.channels = channels;
        this.endpoint = new HeartbeatEndpoint(codec, new ReplayGuard(config.ownId())::admit, this::sendOnAll,
                onHeartbeat, onRejected);
    }

    /**
     * Binds one socket per network and starts receiving.
     *
     * @throws IOException an address cannot be resolved or a socket cannot be bound; the
     *                     message names the address, the port and what to do. Nothing stays open.
     */
    public static UdpHeartbeatTransport open(HeartbeatNetworks config, HeartbeatCodec codec,
            Consumer<Heartbeat> onHeartbeat, RejectionListener onRejected)
            throws IOException {
        List<HeartbeatChannel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < config.networks().size(); i++) {
                channels.add(bind(config, i));
            }
        } catch (IOException | RuntimeException e) {
            channels.forEach(HeartbeatChannel::close);
            throw e;
        }
        UdpHeartbeatTransport t = new UdpHeartbeatTransport(config, codec, onHeartbeat,
                onRejected, List.copyOf(channels));
        for (HeartbeatChannel ch : t.channels) {
            ch.start(() -> t.receiveLoop(ch));
        }
        return t;
    }

    /**
     * Sends {@code hb} on every network. A failing network (interface down, no route) is an
     * operating condition, not an error: it is recorded in {@link #networks()} and the others
     * still get the heartbeat.
     *
     * @return how many networks the datagram went out on (0 after {@link #close()})
     */
    public int send(Heartbeat hb) {
        if (closed) {
            return 0;
        }
        return endpoint.send(hb);
    }

    private int sendOnAll(byte[] packet) {
        int sent = 0;
        for (HeartbeatChannel ch : channels) {
            if (ch.send(packet)) {
                sent++;
            }
        }
        return sent;
    }

    /** Rejected datagrams since open, per reason (every reason present, zero if none). */
    public Map<Reason, Long> rejectedCounts() {
        return endpoint.rejectedCounts();
    }

    /** Per network, in configuration order: when an authentic heartbeat last arrived on it. */
    public List<NetworkStatus> networks() {
        List<NetworkStatus> out = new ArrayList<>(channels.size());
        for (HeartbeatChannel ch : channels) {
            out.add(ch.status());
        }
        return Collections.unmodifiableList(out);
    }

    public HeartbeatNetworks config() {
        return config;
    }

    /** Closes the sockets and waits for the receiver threads. Idempotent. */
    @Override
    public void close() {
        closed = true;
        channels.forEach(HeartbeatChannel::close);
        for (HeartbeatChannel ch : channels) {
            if (!ch.join(JOIN_TIMEOUT_MS)) {
                log.warn("heartbeat receiver for network {} did not stop within {} ms",
                        ch.index() + 1, JOIN_TIMEOUT_MS);
            }
        }
    }

    private static HeartbeatChannel bind(HeartbeatNetworks config, int index) throws IOException {
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

    private void receiveLoop(HeartbeatChannel ch) {
        byte[] buf = new byte[RECEIVE_BUFFER_BYTES];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                packet.setLength(buf.length);
                ch.receive(packet);
            } catch (IOException e) {
                if (closed || ch.isClosed()) {
                    return;
                }
                log.warn("heartbeat network {}: receive failed: {}", ch.index() + 1, e.toString());
                continue;
            }
            handle(ch, buf, packet.getLength(), (InetSocketAddress) packet.getSocketAddress());
        }
    }

    private void handle(HeartbeatChannel ch, byte[] buf, int len, InetSocketAddress source) {
        endpoint.received(buf, len, source.getAddress(), "heartbeat network " + (ch.index() + 1)
                + ": datagram from " + source, () -> ch.markReceived(System.nanoTime()));
    }
}
