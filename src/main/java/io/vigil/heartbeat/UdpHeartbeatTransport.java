package io.vigil.heartbeat;

import io.vigil.core.Event;
import io.vigil.core.Heartbeat;
import io.vigil.heartbeat.HeartbeatRejected.Reason;
import java.io.IOException;
import java.net.DatagramPacket;
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
 * Heartbeats as datagrams, both ways (SPEC §2). An outgoing heartbeat is signed by the {@link
 * HeartbeatCodec} and sent on every network; an incoming datagram is checked by the codec (size,
 * magic, version, MAC) and then by the {@link ReplayGuard}, and an authentic new heartbeat goes to
 * the callback as the node's event ({@link Event.HeartbeatReceived}; the daemon's callback is its
 * event loop's queue). Everything else is counted per {@link Reason} and reported to the
 * rejection listener.
 *
 * <p>{@link #open} puts it on real UDP: each network has its own socket ({@link HeartbeatChannel})
 * bound to this node's address on it, and its own receiver thread, so a dead interface only
 * silences its own network; both callbacks then run on receiver threads and must be quick (the
 * event loop just queues). {@link #over} puts the same signing and checks on another carrier, with
 * no sockets and no threads: the simulator's network, so the simulator runs this code too (issue
 * 11).
 */
public final class UdpHeartbeatTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UdpHeartbeatTransport.class);
    /** Larger than a heartbeat, so an oversized datagram is seen as oversized, not cut to fit. */
    private static final int RECEIVE_BUFFER_BYTES = 2048;
    private static final long JOIN_TIMEOUT_MS = 2000;

    /** Null for a transport without sockets ({@link #over}). */
    private final HeartbeatNetworks config;
    private final HeartbeatCodec codec;
    private final Admission guard;
    private final DatagramOut out;
    private final Consumer<? super Event.HeartbeatReceived> onHeartbeat;
    private final RejectionListener onRejected;
    private final RejectionCounts rejected = new RejectionCounts();
    /** Admission and delivery happen under one lock so the callback sees seq in order. */
    private final Object deliveryLock = new Object();
    private final List<HeartbeatChannel> channels;
    private volatile boolean closed;
    /** The last protocol-version refusal (issue 15), for status and one log line per new text. */
    private volatile String versionRefusal;
    private volatile long versionRefusalNanos;

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

    /** Sends one datagram on every network; returns on how many it went out. */
    @FunctionalInterface
    public interface DatagramOut {
        int send(byte[] packet);
    }

    /**
     * Admission of decoded heartbeats: {@link ReplayGuard#admit} in production. An interface so
     * that a test can wrap the real guard (e.g. in a deliberately broken one) without changing it.
     */
    @FunctionalInterface
    public interface Admission {
        ReplayGuard.Admission admit(Heartbeat hb) throws HeartbeatRejected;
    }

    /** @param out where datagrams go; null: on every channel */
    private UdpHeartbeatTransport(HeartbeatNetworks config, HeartbeatCodec codec, Admission guard,
            DatagramOut out, Consumer<? super Event.HeartbeatReceived> onHeartbeat, RejectionListener onRejected,
            List<HeartbeatChannel> channels) {
        this.config = config;
        this.codec = codec;
        this.guard = guard;
        this.out = out != null ? out : this::sendOnAll;
        this.onHeartbeat = onHeartbeat;
        this.onRejected = onRejected;
        this.channels = channels;
    }

    /**
     * Binds one socket per network and starts receiving.
     *
     * @throws IOException an address cannot be resolved or a socket cannot be bound; the
     *                     message names the address, the port and what to do. Nothing stays open.
     */
    public static UdpHeartbeatTransport open(HeartbeatNetworks config, HeartbeatCodec codec,
            Consumer<? super Event.HeartbeatReceived> onHeartbeat, RejectionListener onRejected)
            throws IOException {
        List<HeartbeatChannel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < config.networks().size(); i++) {
                channels.add(HeartbeatChannel.bind(config, i));
            }
        } catch (IOException | RuntimeException e) {
            channels.forEach(HeartbeatChannel::close);
            throw e;
        }
        UdpHeartbeatTransport t = new UdpHeartbeatTransport(config, codec,
                new ReplayGuard(config.ownId())::admit, null, onHeartbeat, onRejected, List.copyOf(channels));
        for (HeartbeatChannel ch : t.channels) {
            ch.start(() -> t.receiveLoop(ch));
        }
        return t;
    }

    /**
     * The same signing, checks and delivery with no sockets and no threads: heartbeats go out to
     * {@code out} as bytes, and datagrams come in through {@link #received}. The simulator's
     * network uses it; {@link #networks()} is then empty and {@link #config()} null.
     */
    public static UdpHeartbeatTransport over(DatagramOut out, HeartbeatCodec codec, Admission guard,
            Consumer<? super Event.HeartbeatReceived> onHeartbeat, RejectionListener onRejected) {
        return new UdpHeartbeatTransport(null, codec, guard, out, onHeartbeat, onRejected, List.of());
    }

    /**
     * Encodes and signs {@code hb}, then sends it on every network. A failing network (interface
     * down, no route) is an operating condition, not an error: it is recorded in {@link
     * #networks()} and the others still get the heartbeat.
     *
     * @return how many networks the datagram went out on (0 after {@link #close()})
     */
    public int send(Heartbeat hb) {
        if (closed) {
            return 0;
        }
        return out.send(codec.encode(hb));
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

    /**
     * Handles one received datagram: never throws, whatever the bytes. The receiver threads call
     * it with what their sockets read; a transport made {@link #over} another carrier is handed
     * its datagrams here.
     *
     * @param from        names the network and the sender in messages
     *                    ("heartbeat network 1: datagram from /10.0.0.2:8889")
     * @param onAuthentic runs, under the delivery lock and before delivery, for every authentic
     *                    heartbeat that is new or a copy of the last one: it proves the network
     *                    carries the peer
     * @return true if the datagram was authentic and not a replay
     */
    public boolean received(byte[] buf, int len, InetAddress source, String from, Runnable onAuthentic) {
        try {
            Heartbeat hb = codec.decode(buf, len);
            synchronized (deliveryLock) {
                ReplayGuard.Admission admission = guard.admit(hb);
                // A copy of the last heartbeat still proves this network carries the peer (its
                // twin won the race on another network). Someone replaying that copy could only
                // fake liveness while the peer is actually sending, since older ones are refused.
                onAuthentic.run();
                if (admission == ReplayGuard.Admission.NEW) {
                    deliver(hb);
                }
            }
            return true;
        } catch (HeartbeatRejected r) {
            rejected.increment(r.reason());
            if (r.reason() == Reason.BAD_VERSION) {
                noteVersionRefusal(source, r.getMessage());
            }
            report(r.reason(), source, from + " rejected: " + r.getMessage());
            return false;
        } catch (RuntimeException e) {
            // The codec promises not to throw; if it ever does, one datagram must not stop
            // heartbeat reception, or the peer would look lost and we would fail over.
            log.error("{}: unexpected error", from, e);
            return false;
        }
    }

    /**
     * A peer of a protocol outside the window is an operator's mistake during an upgrade, not
     * stray traffic: say so in the log once per distinct text (the address is unauthenticated, so
     * it does not vary the line), and in status while it lasts.
     */
    private void noteVersionRefusal(InetAddress source, String message) {
        String text = "heartbeats from " + source.getHostAddress() + " refused: " + message;
        versionRefusalNanos = System.nanoTime();
        if (!text.equals(versionRefusal)) {
            versionRefusal = text;
            log.warn("{}", text);
        }
    }

    /**
     * The last protocol-version refusal if one happened within {@code withinMs}: a peer too many
     * versions apart (issue 15), shown in status until it stops sending.
     */
    public java.util.Optional<String> versionRefusal(long withinMs) {
        String text = versionRefusal;
        boolean recent = text != null && System.nanoTime() - versionRefusalNanos <= withinMs * 1_000_000;
        return recent ? java.util.Optional.of(text) : java.util.Optional.empty();
    }

    private void deliver(Heartbeat hb) {
        try {
            onHeartbeat.accept(new Event.HeartbeatReceived(hb));
        } catch (RuntimeException e) {
            log.error("heartbeat consumer failed on {}", hb, e);
        }
    }

    private void report(Reason reason, InetAddress source, String message) {
        try {
            onRejected.rejected(reason, source, message);
        } catch (RuntimeException e) {
            log.error("heartbeat rejection listener failed on {}", message, e);
        }
    }

    /** Rejected datagrams since open, per reason (every reason present, zero if none). */
    public Map<Reason, Long> rejectedCounts() {
        return rejected.snapshot();
    }

    /** Per network, in configuration order: when an authentic heartbeat last arrived on it. */
    public List<NetworkStatus> networks() {
        List<NetworkStatus> status = new ArrayList<>(channels.size());
        for (HeartbeatChannel ch : channels) {
            status.add(ch.status());
        }
        return Collections.unmodifiableList(status);
    }

    /** The networks it was opened on; null for a transport without sockets ({@link #over}). */
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
        received(buf, len, source.getAddress(), "heartbeat network " + (ch.index() + 1)
                + ": datagram from " + source, () -> ch.markReceived(System.nanoTime()));
    }
}
