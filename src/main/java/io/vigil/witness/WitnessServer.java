package io.vigil.witness;

import io.vigil.core.Clock;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.function.Consumer;

/**
 * {@code vigil witness}: the lease service on a third machine. One UDP socket; every request is
 * authenticated with its cluster's key before anything else is read, and answered with the same
 * key. Bad datagrams and replays are counted and summarised in at most one line per
 * {@value #SUMMARY_MS} ms (issue 10, item 10: a line each let a flood bury the real events).
 */
public final class WitnessServer implements AutoCloseable {
    static final long SUMMARY_MS = 10_000;
    /** The receive loop wakes up this often to write a due summary when no datagram comes. */
    private static final int WAKE_UP_MS = 1_000;

    private final WitnessConfig config;
    private final java.util.Map<String, byte[]> legacyKeys;
    /** Only the receive thread touches it. */
    private final java.util.Set<String> toldClusterKeyHeld = new java.util.HashSet<>();
    private final LeaseTable table;
    private final DatagramSocket socket;
    private final Consumer<String> log;
    private final Thread thread;
    private volatile boolean running = true;
    private final io.vigil.log.RejectionSummary rejected = new io.vigil.log.RejectionSummary("datagrams", SUMMARY_MS);

    private WitnessServer(WitnessConfig config, LeaseTable table, DatagramSocket socket, Consumer<String> log) {
        this.config = config;
        this.legacyKeys = legacyKeys(config);
        this.table = table;
        this.socket = socket;
        this.log = log;
        this.thread = new Thread(this::serve, "vigil-witness");
    }

    public static WitnessServer start(WitnessConfig config, Clock clock, Consumer<String> log) throws IOException {
        DatagramSocket socket;
        try {
            socket = new DatagramSocket(new InetSocketAddress(config.bindAddress(), config.port()));
            socket.setSoTimeout(WAKE_UP_MS);
        } catch (SocketException e) {
            throw new IOException("cannot listen on UDP " + config.bindAddress() + ":" + config.port() + " ("
                    + e.getMessage() + "): is another witness running? Change port: in the witness configuration", e);
        }
        LeaseTable table = new LeaseTable(clock, config.maxLeaseMs(), new FileEpochStore(config.stateDir()));
        WitnessServer s = new WitnessServer(config, table, socket, log);
        s.thread.start();
        log.accept("witness listening on UDP " + config.bindAddress() + ":" + socket.getLocalPort() + " for clusters "
                + config.keys().keySet() + "; no lease granted for the first " + config.maxLeaseMs() + " ms");
        return s;
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        byte[] buf = new byte[LeaseCodec.MAX_BYTES + 1];
        while (running) {
            rejected.drainIfDue().ifPresent(log);
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (java.net.SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                if (running) {
                    log.accept("receive failed: " + e.getMessage());
                }
                continue;
            }
            try {
                handle(p);
            } catch (RuntimeException e) {
                // A bug must cost one datagram, never the receive thread (the witness would go silent).
                log.accept("dropped a datagram from " + p.getSocketAddress() + " after an internal error: " + e);
            }
        }
    }

    private void handle(DatagramPacket p) {
        LeaseMessage req;
        try {
            req = LeaseCodec.decode(p.getData(), p.getLength(), config.keys()::get);
        } catch (IllegalArgumentException e) {
            String category = LeaseCodec.category(e);
            String detail = "bad MAC".equals(category) ? clusterKeyHeld(p).orElse(e.getMessage()) : e.getMessage();
            rejected.record(category, p.getAddress().getHostAddress(), "datagram from " + p.getSocketAddress() + ": "
                    + detail);
            return;
        }
        try {
            LeaseMessage answer = table.handle(req);
            byte[] out = LeaseCodec.encode(answer, config.keys().get(req.cluster()));
            socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            if (LeaseTable.isStale(answer)) {
                rejected.record("replayed", p.getAddress().getHostAddress(), "cluster " + req.cluster() + " node"
                        + req.node() + " " + req.op() + ": " + answer.reason());
            } else if (!answer.granted() && !"released".equals(answer.reason())) {
                log.accept("cluster " + req.cluster() + " node" + req.node() + " " + req.op() + " epoch " + req.epoch()
                        + ": refused, " + answer.reason());
            }
        } catch (IOException e) {
            // Could not persist the epoch or answer: say nothing rather than grant unsafely.
            log.accept("cannot serve cluster " + req.cluster() + " node" + req.node() + ": " + e.getMessage());
        }
    }

    /**
     * Issue 10 item 5: since protocol 2 the nodes sign with the witness key derived from the cluster
     * key. A witness configured before still holds the cluster key; say exactly that, and the fix,
     * instead of a bare "bad MAC". The verdict only selects the log text: the message stays refused.
     */
    private java.util.Optional<String> clusterKeyHeld(DatagramPacket p) {
        for (var e : legacyKeys.entrySet()) {
            if (LeaseCodec.signedWith(p.getData(), p.getLength(), e.getValue())) {
                String line = "cluster '" + e.getKey() + "': this witness holds the cluster's own key, but the nodes"
                        + " sign with the witness key derived from it (since Vigil 0.1.0); replace the key of '"
                        + e.getKey() + "' in the witness configuration with the output of `vigil key witness` on a"
                        + " node, then restart the witness. The cluster key must not stay on this host";
                // Said at once, the first time per cluster: a configuration to fix, not noise to count.
                if (toldClusterKeyHeld.add(e.getKey())) {
                    log.accept(line);
                }
                return java.util.Optional.of(line);
            }
        }
        return java.util.Optional.empty();
    }

    /** Per cluster: the witness key the nodes would use if the configured key were their cluster key. */
    private static java.util.Map<String, byte[]> legacyKeys(WitnessConfig config) {
        java.util.Map<String, byte[]> m = new java.util.LinkedHashMap<>();
        config.keys().forEach((name, key) -> {
            if (key.length >= 16) { // a cluster key is; a shorter configured key cannot be one
                m.put(name, io.vigil.security.ClusterKeys.of(key).witness(name));
            }
        });
        return java.util.Map.copyOf(m);
    }

    @Override
    public void close() {
        running = false;
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
