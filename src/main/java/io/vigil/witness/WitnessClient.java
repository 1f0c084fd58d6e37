package io.vigil.witness;

import io.vigil.core.Effect;
import io.vigil.core.Event;
import io.vigil.log.RejectionSummary;
import io.vigil.witness.LeaseCodec;
import io.vigil.witness.LeaseMessage;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Talks to the witness for the state machine: each {@link Effect.RequestLease} becomes one
 * authenticated datagram; the answer (or its absence after {@code timeoutMs}) comes back as an
 * event carrying the request's send time, so the core dates the lease from the request.
 */
public final class WitnessClient implements LeaseSource {
    private final String cluster;
    private final int node;
    /** The daemon's, from {@link IncarnationStore}: the witness refuses requests of earlier ones. */
    private final long incarnation;
    private final AtomicLong seq = new AtomicLong();
    private final byte[] key;
    private final InetSocketAddress witness;
    private final long timeoutMs;
    private final long leaseMs;
    private final Consumer<Event> events;
    private final Consumer<String> log;
    /** Datagrams that are not answers of the witness: counted, summarised, never a line each. */
    private final RejectionSummary rejections;
    private final DatagramSocket socket;
    private final Map<Long, Long> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> daemonThread(r, "vigil-witness-timer"));
    private final Thread receiver;
    private volatile boolean running = true;

    public WitnessClient(String cluster, int node, long incarnation, byte[] key, InetSocketAddress witness, long timeoutMs,
                  long leaseMs, Consumer<Event> events, Consumer<String> log, RejectionSummary rejections)
            throws IOException {
        this.cluster = cluster;
        this.node = node;
        this.incarnation = incarnation;
        this.key = key.clone();
        this.witness = witness;
        this.timeoutMs = timeoutMs;
        this.leaseMs = leaseMs;
        this.events = events;
        this.log = log;
        this.rejections = rejections;
        this.socket = new DatagramSocket();
        this.receiver = daemonThread(this::receive, "vigil-witness-client");
        receiver.start();
    }

    @Override
    public void request(Effect.RequestLease r) {
        long s = seq.incrementAndGet();
        pending.put(s, r.requestedAtMs());
        send(LeaseMessage.request(cluster, node, incarnation, s, r.acquire() ? "acquire" : "renew", r.epoch(), leaseMs));
        timer.schedule(() -> {
            Long requestedAt = pending.remove(s);
            if (requestedAt != null) {
                events.accept(new Event.LeaseUnreachable(requestedAt));
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void release() {
        send(LeaseMessage.request(cluster, node, incarnation, seq.incrementAndGet(), "release", 0, 0));
    }

    private void send(LeaseMessage m) {
        byte[] out = LeaseCodec.encode(m, key);
        try {
            socket.send(new DatagramPacket(out, out.length, witness));
        } catch (IOException e) {
            log.accept("cannot reach the witness " + witness + ": " + e.getMessage());
        }
    }

    private void receive() {
        byte[] buf = new byte[2048];
        while (running) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                LeaseMessage a = LeaseCodec.decode(p.getData(), p.getLength(), c -> c.equals(cluster) ? key : null);
                Long requestedAt = a.incarnation() == incarnation && a.node() == node ? pending.remove(a.seq()) : null;
                if (requestedAt == null) {
                    continue; // late (already reported unreachable), or not an answer to us
                }
                if (!a.granted() && a.reason() != null && !a.reason().isEmpty()) {
                    log.accept("witness refused the lease: " + a.reason());
                }
                events.accept(new Event.LeaseReply(requestedAt, a.granted(), a.durationMs(), a.epoch(),
                        a.highestEpoch(), a.holder()));
            } catch (IllegalArgumentException e) {
                rejections.record("witness-socket " + LeaseCodec.category(e), p.getAddress().getHostAddress(),
                        "ignored a datagram on the witness socket: " + e.getMessage());
            } catch (IOException e) {
                if (running) {
                    log.accept("witness socket: " + e.getMessage());
                }
            } catch (RuntimeException e) {
                // A bug must cost one datagram, never the receive thread (the lease would look lost).
                log.accept("dropped a datagram on the witness socket after an internal error: " + e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        timer.shutdownNow();
        socket.close();
    }

    /** A daemon thread: the node's JVM must be able to exit while it waits. */
    private static Thread daemonThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
