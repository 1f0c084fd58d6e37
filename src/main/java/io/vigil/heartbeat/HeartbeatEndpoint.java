package io.vigil.heartbeat;

import io.vigil.core.Heartbeat;
import io.vigil.heartbeat.HeartbeatRejected.Reason;
import java.net.InetAddress;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node does with heartbeat datagrams, apart from moving them: signs outgoing heartbeats
 * with the {@link HeartbeatCodec} and hands the bytes to a {@link DatagramOut}; checks incoming
 * bytes (codec, then {@link ReplayGuard}) and delivers authentic new heartbeats. No sockets and no
 * threads of its own, so the UDP transport and the simulator run this same code (issue 11).
 */
public final class HeartbeatEndpoint {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatEndpoint.class);

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

    private final HeartbeatCodec codec;
    private final Admission guard;
    private final DatagramOut out;
    private final Consumer<Heartbeat> onHeartbeat;
    private final UdpHeartbeatTransport.RejectionListener onRejected;
    private final RejectionCounts rejected = new RejectionCounts();
    /** Admission and delivery happen under one lock so the callback sees seq in order. */
    private final Object deliveryLock = new Object();

    public HeartbeatEndpoint(HeartbeatCodec codec, Admission guard, DatagramOut out,
            Consumer<Heartbeat> onHeartbeat, UdpHeartbeatTransport.RejectionListener onRejected) {
        this.codec = codec;
        this.guard = guard;
        this.out = out;
        this.onHeartbeat = onHeartbeat;
        this.onRejected = onRejected;
    }

    /** Encodes and signs {@code hb}, then sends it: returns on how many networks it went out. */
    public int send(Heartbeat hb) {
        return out.send(codec.encode(hb));
    }

    /**
     * Handles one received datagram: never throws, whatever the bytes.
     *
     * @param from       names the network and the sender in messages
     *                   ("heartbeat network 1: datagram from /10.0.0.2:8889")
     * @param onAuthentic runs, under the delivery lock and before delivery, for every authentic
     *                   heartbeat that is new or a copy of the last one: it proves the network
     *                   carries the peer
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
            report(r.reason(), source, from + " rejected: " + r.getMessage());
            return false;
        } catch (RuntimeException e) {
            // The codec promises not to throw; if it ever does, one datagram must not stop
            // heartbeat reception, or the peer would look lost and we would fail over.
            log.error("{}: unexpected error", from, e);
            return false;
        }
    }

    /** Rejected datagrams so far, per reason (every reason present, zero if none). */
    public Map<Reason, Long> rejectedCounts() {
        return rejected.snapshot();
    }

    private void deliver(Heartbeat hb) {
        try {
            onHeartbeat.accept(hb);
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
}
