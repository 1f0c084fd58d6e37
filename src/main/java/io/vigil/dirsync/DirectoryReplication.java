package io.vigil.dirsync;

import io.vigil.config.ReplicationSection;
import io.vigil.core.Effect;
import io.vigil.core.SyncStatus;
import io.vigil.pki.ClusterTls;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Directory replication for one node, driven by the replication role the state machine gives
 * (SPEC §3): while the node runs the services (PRIMARY) it serves its directories to the peer;
 * while it is SECOND (STANDBY) it pulls them from the peer every {@code intervalMs}; otherwise it
 * does neither, so data only ever flows from the node running the services. Pulls run on their
 * own thread, never on the event loop; status is read from a snapshot.
 */
public final class DirectoryReplication implements AutoCloseable {

    private final ReplicationSection config;
    private final DirSyncServer server;
    private final DirSyncClient client;
    private final Consumer<String> info;
    private final Consumer<String> error;
    private final ScheduledExecutorService puller;
    private final Map<String, DirectoryStatus> status = new ConcurrentHashMap<>();
    private static final long PROGRESS_LOG_MS = 10_000;
    private ScheduledFuture<?> pulling;
    private boolean logging; // pull thread only
    private long nextProgressLog;
    private volatile Effect.ReplicationRole.Role role = Effect.ReplicationRole.Role.NONE;
    private volatile long era; // +1 at each role change: a pass of an earlier era proves nothing
    private volatile boolean caughtUp;
    private volatile Runnable caughtUpListener = () -> { };

    private DirectoryReplication(ReplicationSection config, DirSyncServer server, ClusterTls tls, Consumer<String> info,
                                 Consumer<String> error) {
        this.config = config;
        this.server = server;
        this.client = new DirSyncClient(config.peerAddress(), config.peerPort(), tls,
                (int) Math.max(10_000, 5 * config.intervalMs()));
        this.info = info;
        this.error = error;
        this.puller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-dirsync-pull");
            t.setDaemon(true);
            return t;
        });
        for (ReplicationSection.Directory d : config.directories()) {
            status.put(d.name(), DirectoryStatus.initial(d.name(), d.path().toString(), SyncStatus.NOT_CONFIGURED,
                    "waiting for this node's role"));
        }
    }

    /**
     * Opens the replication port (serving nothing until {@link #follow} says PRIMARY).
     *
     * @param tls   this node's cluster certificates (both directions run over TLS 1.3 of the cluster CA)
     * @param info  routine events (a pass that changed something)
     * @param error failures, once per change of a directory's status (not every retry)
     */
    public static DirectoryReplication start(ReplicationSection config, ClusterTls tls, Consumer<String> info,
                                             Consumer<String> error) throws IOException {
        Map<String, Path> dirs = new LinkedHashMap<>();
        config.directories().forEach(d -> dirs.put(d.name(), d.path()));
        DirSyncServer server = DirSyncServer.start(tls, config.bindAddress(), config.port(), dirs,
                config.peerAddress(), error);
        return new DirectoryReplication(config, server, tls, info, error);
    }

    /** The state machine's replication role; called on the event loop, returns at once. */
    public synchronized void follow(Effect.ReplicationRole.Role next) {
        if (next == role) {
            return;
        }
        role = next;
        era++;
        caughtUp = false;
        if (pulling != null) {
            pulling.cancel(false);
            pulling = null;
        }
        switch (next) {
            case PRIMARY -> {
                server.serving(true, "serving");
                setAll(SyncStatus.UPTODATE, "this node runs the services: it is the source");
            }
            case STANDBY -> {
                server.serving(false, "that node is SECOND");
                setAll(SyncStatus.NOT_UPTODATE, "first pass pending");
                pulling = puller.scheduleWithFixedDelay(this::pullAll, 0, config.intervalMs(), TimeUnit.MILLISECONDS);
            }
            case NONE -> {
                server.serving(false, "that node does not run the services");
                setAll(SyncStatus.NOT_CONFIGURED, "this node neither runs the services nor follows the peer");
            }
        }
    }

    /** One entry per configured directory, in configuration order. */
    public List<DirectoryStatus> status() {
        List<DirectoryStatus> out = new ArrayList<>();
        config.directories().forEach(d -> out.add(status.get(d.name())));
        return out;
    }

    /** Whether every directory is up to date (the node's own sync status may take it into account). */
    public boolean allUpToDate() {
        return status.values().stream().allMatch(s -> s.status() == SyncStatus.UPTODATE);
    }

    /**
     * Whether every directory has completed a pass since this node last became SECOND: from then
     * on it holds the source's directories as of a moment ago, and later passes only bring what
     * changed since (at most one interval behind). Until then its data is not up to date and it
     * must not be promoted automatically (SPEC §3); the daemon folds this into the node's sync.
     */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Runs (on the pull thread) when {@link #caughtUp()} becomes true. */
    public void onCaughtUp(Runnable listener) {
        caughtUpListener = listener;
    }

    /** The port the source side listens on. */
    public int port() {
        return server.port();
    }

    private void setAll(SyncStatus s, String why) {
        config.directories().forEach(d -> status.computeIfPresent(d.name(), (k, v) -> v.with(s, why)));
    }

    private void pullAll() {
        long started = era;
        for (ReplicationSection.Directory d : config.directories()) {
            if (role != Effect.ReplicationRole.Role.STANDBY) {
                return;
            }
            pull(d);
        }
        synchronized (this) {
            if (!caughtUp && started == era && allUpToDate()) {
                caughtUp = true;
                info.accept("directories caught up with the peer: " + config.directories().size() + " replicated");
                caughtUpListener.run();
            }
        }
    }

    private void pull(ReplicationSection.Directory d) {
        try {
            SyncResult r = client.pull(d.name(), d.path(), p -> progress(d, p),
                    () -> role == Effect.ReplicationRole.Role.STANDBY);
            DirectoryStatus before = status.get(d.name());
            update(d, before.done(r, System.currentTimeMillis()));
            if (!r.unchanged() || before.lastSyncEpochMs() == 0) {
                info.accept("directory " + d.name() + ": " + status.get(d.name()).detail() + " in " + r.durationMs()
                        + " ms" + (r.retries() > 0 ? ", " + r.retries() + " retried after a corrupt transfer" : ""));
            }
        } catch (AuthenticationException | RemoteRefusal e) {
            fail(d, SyncStatus.CONNECTION_ERROR, e.getMessage());
        } catch (IOException e) {
            boolean connection = e.getMessage() != null && e.getMessage().startsWith("cannot reach");
            fail(d, connection ? SyncStatus.CONNECTION_ERROR : SyncStatus.NOT_UPTODATE, e.getMessage());
        } catch (RuntimeException e) {
            fail(d, SyncStatus.NOT_UPTODATE, "internal error: " + e);
        }
    }

    /** Status at every report; the log every {@link #PROGRESS_LOG_MS} of a long pass (a full resync). */
    private void progress(ReplicationSection.Directory d, Progress p) {
        if (p.filesTotal() > 0) { // a pass that finds nothing to copy must not flicker to "not uptodate"
            update(d, status.get(d.name()).progress(p));
        }
        long now = System.nanoTime();
        if (p.filesDone() == p.filesTotal()) {
            logging = false;
        } else if (!logging) {
            logging = true;
            nextProgressLog = now + PROGRESS_LOG_MS * 1_000_000L;
        } else if (now - nextProgressLog >= 0) {
            info.accept("directory " + d.name() + ": " + p.percent() + "% (" + p.bytesDone() + " of "
                    + p.bytesTotal() + " bytes, " + p.filesDone() + " of " + p.filesTotal() + " files)"
                    + (p.etaMs() >= 0 ? ", about " + (p.etaMs() + 999) / 1000 + " s left" : ""));
            nextProgressLog = now + PROGRESS_LOG_MS * 1_000_000L;
        }
    }

    private void fail(ReplicationSection.Directory d, SyncStatus s, String why) {
        DirectoryStatus before = status.get(d.name());
        update(d, before.with(s, why));
        if (before.status() != s || !why.equals(before.detail())) {
            error.accept("directory " + d.name() + " (" + d.path() + ") is " + s.label() + ": " + why);
        }
    }

    private void update(ReplicationSection.Directory d, DirectoryStatus s) {
        if (role == Effect.ReplicationRole.Role.STANDBY) {
            status.put(d.name(), s);
        }
    }

    @Override
    public void close() {
        puller.shutdownNow();
        try {
            puller.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
    }
}
