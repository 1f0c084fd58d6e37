package io.vigil.console;

import io.vigil.core.NodeStatus;
import io.vigil.resource.ResourceStatus;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Server-sent events for the console (SPEC §5: a state change shows within a second, without
 * reload). Every {@link #CHECK_MS} the cluster snapshot is compared with the last one pushed, on
 * the fields an operator sees change (not uptimes or heartbeat ages, which change every time);
 * on a difference, or every {@link #REFRESH_MS} anyway, the whole snapshot goes to every client.
 * Worst case from a change in the daemon to the page: CHECK_MS here (+ the peer poll for the
 * peer's changes) plus the network.
 */
final class EventStream implements AutoCloseable {

    static final long CHECK_MS = 100;
    static final long REFRESH_MS = 5000;
    static final int MAX_CLIENTS = 32;

    /** One connected page: the frames not yet written to it. */
    static final class Client {
        private final BlockingQueue<String> frames = new ArrayBlockingQueue<>(16);

        /** @return the next frame, or null after {@code timeoutMs} without one */
        String next(long timeoutMs) throws InterruptedException {
            return frames.poll(timeoutMs, TimeUnit.MILLISECONDS);
        }

        private void offer(String frame) {
            // A page that does not read falls behind: drop its oldest frame, the newest snapshot matters.
            while (!frames.offer(frame)) {
                frames.poll();
            }
        }
    }

    private final Supplier<ClusterView.Snapshot> source;
    private final Set<Client> clients = new CopyOnWriteArraySet<>();
    private final ScheduledExecutorService ticker;
    private String lastKey = "";
    private long lastPushMs;
    private long sequence;
    private volatile String lastFrame;

    EventStream(Supplier<ClusterView.Snapshot> source) {
        this.source = source;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-console-events");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        ticker.scheduleWithFixedDelay(this::check, 0, CHECK_MS, TimeUnit.MILLISECONDS);
    }

    /** @return the new client, already holding the current snapshot; null when too many are connected */
    Client subscribe() {
        if (clients.size() >= MAX_CLIENTS) {
            return null;
        }
        Client c = new Client();
        String frame = lastFrame;
        if (frame != null) {
            c.offer(frame);
        }
        clients.add(c);
        return c;
    }

    void unsubscribe(Client c) {
        clients.remove(c);
    }

    int clientCount() {
        return clients.size();
    }

    private void check() {
        try {
            ClusterView.Snapshot s = source.get();
            String key = key(s);
            long now = System.nanoTime() / 1_000_000;
            if (key.equals(lastKey) && now - lastPushMs < REFRESH_MS) {
                return;
            }
            lastKey = key;
            lastPushMs = now;
            String frame = "id: " + (++sequence) + "\nevent: cluster\ndata: " + Json.write(s) + "\n\n";
            lastFrame = frame;
            clients.forEach(c -> c.offer(frame));
        } catch (RuntimeException e) {
            // One bad snapshot must not stop the stream for good; the next tick tries again.
        }
    }

    /** What an operator sees change: states, colours, sync, switches, resources, reachability. */
    static String key(ClusterView.Snapshot s) {
        StringBuilder b = new StringBuilder();
        for (ClusterView.NodeView n : s.nodes()) {
            b.append(n.id()).append(n.reachable()).append('|');
            if (n.status() == null) {
                continue;
            }
            NodeStatus x = n.status().node();
            b.append(List.of(x.state(), x.colour(), String.valueOf(x.reason()), x.sync(), x.services(),
                    String.valueOf(x.peerState()), x.peerPresent(), x.failoverEnabled(), x.errorDetectionSuspended(),
                    x.checkersRunning(), x.bootMode(), x.recentFailovers(), x.warnings(), x.epoch(), x.dataEpoch()));
            for (ResourceStatus r : n.status().resources()) {
                b.append(List.of(r.name(), r.phase(), r.pid(), r.restarts(), String.valueOf(r.detail())));
            }
            b.append('\n');
        }
        return b.toString();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        clients.clear();
    }
}
