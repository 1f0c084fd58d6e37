package io.vigil.replication;

import io.vigil.core.SyncStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * This node's PostgreSQL inside the cluster: carries out the state machine's replication roles
 * (SPEC §3). PRIMARY promotes or starts the instance and sets synchronous or asynchronous
 * replication; STANDBY brings the data back in line with the peer (pg_rewind, pg_basebackup
 * when a rewind is impossible) and streams, reporting the sync status; stopping the services
 * stops the primary.
 *
 * <p>Every step runs on one worker thread, in the order the roles arrive, so a promotion can
 * never overtake the stop that precedes it. A monitor on a second thread watches the instance
 * (a dead primary is a resource failure, SPEC §2 trigger (b)) and computes the standby's sync
 * status. A new role interrupts a resync still in progress: PostgreSQL's tool is killed and its
 * partial work discarded.
 */
public final class DatabaseNode implements AutoCloseable {

    /** What the daemon learns from the database. Called from the worker or monitor thread. */
    public interface Listener {
        /** The standby's sync status (SPEC §1), sent on every change while following. */
        void syncStatus(SyncStatus status);

        /** The primary is not answering; {@code detail} says why. */
        void failed(String detail);

        /** The primary answers again (after a restart in place). */
        void recovered();

        void info(String line);

        void error(String line);

        /**
         * Something the operator must act on (SPEC §4: divergent data kept aside). The daemon's
         * module log marks an error line "ALARM CODE:" as the core's alarms are.
         */
        default void alarm(String code, String message) {
            error("ALARM " + code + ": " + message);
        }
    }

    public enum Role { NONE, PRIMARY, STANDBY }

    /** A resync in progress: bytes, share and estimated time left (SPEC §3 progress). */
    public record Progress(String operation, long doneBytes, long totalBytes, long etaMs) {
        public int percent() {
            return totalBytes <= 0 ? 0 : (int) Math.min(100, doneBytes * 100 / totalBytes);
        }
    }

    /** A snapshot for the status display. */
    public record Status(Role role, String detail, long pid, SyncStatus sync, Progress progress) {
    }

    private final PgInstance local;
    private final PgConfig peer;
    private final boolean mayInitialize;
    private final Listener listener;
    private final ExecutorService worker;
    private final ScheduledExecutorService monitorThread;
    private final StandbyMonitor standby;
    private volatile Role role = Role.NONE;
    private volatile boolean synchronous;
    private volatile String detail = "not started";
    private volatile Progress progress;
    private volatile boolean primaryFailed;
    /** The primary accepts writes (promotion done): only then does the monitor judge it. */
    private volatile boolean primaryUp;
    private volatile long followingSince = -1;
    /** The superuser password of the previous version, to take over its database once (null: none). */
    private volatile String previousAdminPassword;
    private Future<?> following;

    /**
     * @param local         this node's instance
     * @param peer          the peer's instance, as this node reaches it (replication credentials)
     * @param mayInitialize create a new database when the data directory is empty (node 1 only:
     *                      node 2 always receives a copy of node 1's, SPEC §3 initial configuration)
     * @param pollMs        how often the monitor looks at the instance
     */
    private final AppAccount app;

    public DatabaseNode(PgInstance local, PgConfig peer, boolean mayInitialize, Listener listener, long pollMs) {
        this(local, peer, mayInitialize, null, listener, pollMs);
    }

    /** @param app the services' account, created or updated at every promotion (null: none) */
    public DatabaseNode(PgInstance local, PgConfig peer, boolean mayInitialize, AppAccount app, Listener listener,
                        long pollMs) {
        this.app = app;
        this.local = local;
        this.peer = peer;
        this.mayInitialize = mayInitialize;
        this.listener = listener;
        this.worker = Executors.newSingleThreadExecutor(r -> thread(r, "vigil-db"));
        this.monitorThread = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "vigil-db-monitor"));
        this.standby = new StandbyMonitor(local, peer);
        worker.submit(this::warnWithoutTls);
        worker.submit(this::fenceLeftover);
        monitorThread.scheduleWithFixedDelay(this::monitor, pollMs, pollMs, TimeUnit.MILLISECONDS);
    }

    /** Promotes or starts the instance as the primary; completes when it accepts writes. */
    public synchronized CompletableFuture<Void> primary(boolean sync) {
        cancelFollowing();
        boolean already = role == Role.PRIMARY && primaryUp;
        role = Role.PRIMARY;
        synchronous = sync;
        return call(() -> {
            if (!already) {
                becomePrimary();
            }
            local.configureAsPrimary(sync, peer.applicationName());
            detail = "primary, replication " + (sync ? "synchronous to " + peer.applicationName() : "asynchronous");
            primaryFailed = false;
            primaryUp = true;
            return null;
        });
    }

    /** Stops the primary (the services stop); {@code immediate} is fencing: no checkpoint. */
    public synchronized CompletableFuture<Void> stopPrimary(boolean immediate) {
        if (role != Role.PRIMARY) {
            return CompletableFuture.completedFuture(null);
        }
        role = Role.NONE;
        primaryUp = false;
        return call(() -> {
            local.stop(immediate ? PgInstance.StopMode.IMMEDIATE : PgInstance.StopMode.FAST);
            detail = "stopped (services stopped)";
            return null;
        });
    }

    /** Restarts the primary in place (the core's local restart before a failover). */
    public synchronized CompletableFuture<Void> restartPrimary() {
        return call(() -> {
            if (role != Role.PRIMARY) {
                return null;
            }
            listener.info("restarting the database in place");
            local.stop(PgInstance.StopMode.IMMEDIATE);
            local.start();
            if (local.isInRecovery()) {
                local.promote(peer.applicationName());
            }
            local.configureAsPrimary(synchronous, peer.applicationName());
            primaryFailed = false;
            listener.recovered();
            return null;
        });
    }

    /** Follows the peer: resync if needed, then stream and report the sync status. */
    public synchronized void follow() {
        cancelFollowing();
        role = Role.STANDBY;
        primaryUp = false;
        standby.reset();
        followingSince = System.nanoTime();
        following = worker.submit(this::followPeer);
    }

    /** Neither role: a resync in progress stops; a running standby is left running (read-only). */
    /** Issue 12: the running database takes a renewed node certificate (see {@link PgInstance#reloadTls}). */
    public boolean reloadTls() {
        return local.reloadTls();
    }

    public synchronized void none() {
        cancelFollowing();
        if (role == Role.STANDBY) {
            role = Role.NONE;
        }
    }

    /**
     * What a resync from the peer would move (SPEC §2 "estimate data sync"), without moving it:
     * a following standby by its WAL lag, a stopped instance with pg_rewind --dry-run. Runs on the
     * worker thread, after any role change already queued.
     */
    public ResyncEstimate estimate() {
        if (role == Role.PRIMARY) {
            throw new IllegalStateException("this node runs the primary database: it is the source of a resync,"
                    + " not its target; estimate on the other node");
        }
        Future<ResyncEstimate> f = worker.submit(() -> local.estimateResync(peer));
        try {
            return f.get(2, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException(cause.getMessage(), cause);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            throw new IllegalStateException("measuring took more than 2 minutes; try again when the node is idle");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring");
        }
    }

    public Status status() {
        long pid = pid();
        return new Status(role, detail, pid, role == Role.STANDBY ? standby.last() : null, progress);
    }

    public boolean synchronous() {
        return synchronous;
    }

    /** The postmaster's pid from postmaster.pid, or -1 (so the fencing watchdog can kill it). */
    public long pid() {
        try {
            Path file = local.config().dataDir().resolve("postmaster.pid");
            String first = Files.readAllLines(file).get(0).strip();
            long pid = Long.parseLong(first);
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Issue 10 item 5: a database made before the key split has the superuser password derived
     * from the cluster key; on becoming primary this node changes it (and the replication one) to
     * the configured ones when it finds the old one (see {@link PasswordUpgrade}).
     */
    public void upgradePasswordsFrom(String previousAdminPassword) {
        this.previousAdminPassword = previousAdminPassword;
    }

    private void becomePrimary() {
        if (!hasData()) {
            if (!mayInitialize) {
                throw PgException.of("this node has no database yet (" + local.config().dataDir() + " is empty)",
                        "", java.util.List.of(), "it receives a copy of node 1's database when it follows node 1;"
                                + " force start only a node that holds the data");
            }
            listener.info("initializing a new database in " + local.config().dataDir());
            local.initdb();
        }
        local.start();
        String previous = previousAdminPassword;
        if (previous != null && PasswordUpgrade.adopt(local.config(), previous)) {
            listener.info("database: the superuser and replication passwords now derive from the db-superuser key"
                    + " (this database was made by a version that derived them from the cluster key)");
        }
        if (local.isInRecovery()) {
            listener.info("promoting the database (standby -> primary)");
            local.promote(peer.applicationName());
        } else {
            local.keepWalFor(peer.applicationName(), false);
        }
        if (app != null) {
            local.ensureApplicationAccount(app);
        }
    }

    private void followPeer() {
        try {
            detail = "waiting for node's peer database " + peer.connectHost() + ":" + peer.port() + " to accept writes";
            standby.awaitPeerPrimary();
            if (local.isRunning() && local.isInRecovery()) {
                detail = "standby of " + peer.connectHost() + ":" + peer.port();
                return; // already a standby: it follows the peer's new timeline by itself
            }
            resync();
            local.start();
            detail = "standby of " + peer.connectHost() + ":" + peer.port();
        } catch (PgException e) {
            if (Thread.currentThread().isInterrupted() || role != Role.STANDBY) {
                return;
            }
            listener.error("following the peer's database failed: " + e.getMessage() + " (retrying in 5 s)");
            detail = "resync failed: " + e.getMessage();
            retryFollow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            progress = null;
        }
    }

    private void resync() {
        if (!hasData()) {
            listener.info("full resync: this node has no database yet; copying the peer's with pg_basebackup");
            basebackup();
            return;
        }
        Divergence d = local.divergenceFrom(peer);
        if (d.holdsAcknowledgedCommits()) {
            keepDivergentData(d);
            return;
        }
        if (d.holdsCommits()) {
            keepUnacknowledgedWal(d);
        }
        listener.info("incremental resync from the peer with pg_rewind (only what differs)");
        RewindResult r = local.rewindFrom(peer, this::progress);
        if (r.ok()) {
            listener.info("incremental resync done: " + r.bytesCopied() + " bytes copied"
                    + (r.sourceBytes() > 0 ? " of " + r.sourceBytes() + " (" + pct(r.bytesCopied(), r.sourceBytes()) + ")" : "")
                    + " in " + r.took().toMillis() + " ms");
            return;
        }
        if (r.reason().contains("could not connect") || r.reason().contains("connection to server")) {
            throw PgException.of("the peer's database is not reachable for pg_rewind: " + r.reason(), "",
                    java.util.List.of(), "check the peer's database and the network");
        }
        listener.info("full resync: incremental resync impossible (" + r.reason()
                + "); copying the whole database, this node's old data is kept aside");
        basebackup();
    }

    /**
     * SPEC §4: pg_rewind would discard the transactions only this node committed (a split brain).
     * The data directory is renamed aside intact instead, and the peer's copied whole; the alarm
     * says where the old one is and how to look inside it.
     */
    private void keepDivergentData(Divergence d) {
        listener.info("this node's database holds " + d.commitsText() + " committed after it diverged from the peer's at "
                + d.at() + ": keeping it aside and copying the whole database from the peer");
        BasebackupResult b = local.basebackupFrom(peer, this::progress, PgResync.DIVERGED);
        PgConfig c = local.config();
        listener.info("full resync done: " + b.bytesCopied() + " bytes copied in " + b.took().toMillis()
                + " ms; the divergent data is kept in " + b.previousData());
        listener.alarm("DIVERGENT_DATA_KEPT", "split brain: " + d.commitsText() + " committed on this node only"
                + " (after WAL " + d.at() + ") are not in the cluster's database; they are kept aside in "
                + b.previousData() + " (the last " + PgResync.KEEP_ASIDE + " such copies are kept). Inspect: sudo -u "
                + c.osUser() + " " + PgCommand.tool(c, "pg_ctl") + " -D " + b.previousData()
                + " -o '-p 5499 -c listen_addresses=localhost' -l /tmp/kept.log start; psql -h localhost -p 5499 -U "
                + c.adminUser() + " postgres");
    }

    /**
     * A synchronous primary died with commits the peer never received: no client was told they
     * succeeded, so the cheap rewind goes ahead, but not silently: their WAL is copied aside first.
     */
    private void keepUnacknowledgedWal(Divergence d) {
        Path copy = local.keepWal();
        listener.alarm("DIVERGENT_DATA_KEPT", "this node's database holds " + d.commitsText() + " committed after WAL "
                + d.at() + " that were never acknowledged (they waited for the peer when this node stopped) and are not"
                + " in the cluster's database; its WAL is kept aside in " + copy + " (the last " + PgResync.KEEP_ASIDE
                + " such copies are kept). Inspect: " + PgCommand.tool(local.config(), "pg_waldump") + " -p " + copy
                + " -s " + d.at() + " -r Transaction");
    }

    private void basebackup() {
        BasebackupResult b = local.basebackupFrom(peer, this::progress);
        listener.info("full resync done: " + b.bytesCopied() + " bytes copied in " + b.took().toMillis() + " ms"
                + (b.previousData() == null ? "" : "; previous data kept in " + b.previousData()));
    }

    private void progress(String operation, long done, long total) {
        Progress before = progress;
        long elapsedMs = followingSince < 0 ? 0 : (System.nanoTime() - followingSince) / 1_000_000;
        long eta = done <= 0 || total <= done ? 0 : elapsedMs * (total - done) / done;
        Progress now = new Progress(operation, done, total, eta);
        progress = now;
        detail = "resync (" + operation + ") " + now.percent() + "%: " + done + " of " + total + " bytes, about "
                + eta / 1000 + " s left";
        if (before == null || now.percent() / 10 != before.percent() / 10) {
            listener.info(detail);
        }
    }

    private void retryFollow() {
        monitorThread.schedule(() -> {
            synchronized (this) {
                if (role == Role.STANDBY && (following == null || following.isDone())) {
                    following = worker.submit(this::followPeer);
                }
            }
        }, 5, TimeUnit.SECONDS);
    }

    /** Runs on the monitor thread: primary liveness, standby sync status. */
    private void monitor() {
        try {
            if (role == Role.PRIMARY && primaryUp) {
                checkPrimary();
            } else if (role == Role.STANDBY && following != null && following.isDone()) {
                SyncStatus s = standby.poll();
                if (s != null) {
                    listener.syncStatus(s);
                }
                if (standby.stalled()) {
                    listener.info("the standby has not streamed for " + StandbyMonitor.STALL_MS / 1000
                            + " s while the peer's database runs: resynchronising");
                    follow();
                }
            }
        } catch (RuntimeException e) {
            listener.error("database monitor: " + e.getMessage());
        }
    }

    private void checkPrimary() {
        boolean ok;
        String why = "";
        try {
            ok = !local.isInRecovery();
            why = ok ? "" : "the database is in recovery, not a primary";
        } catch (PgException e) {
            ok = false;
            why = e.getMessage();
        }
        if (!ok && !primaryFailed && role == Role.PRIMARY) {
            primaryFailed = true;
            listener.failed("database: " + why);
        }
    }

    /** Issue 12: a node without cluster certificates replicates in plaintext; say so once, loudly. */
    private void warnWithoutTls() {
        if (local.config().tls() == null) {
            listener.error("database: this node has no cluster certificates, so its database replicates WITHOUT TLS"
                    + " (passwords still protect it, the traffic is readable on the network); pair the nodes"
                    + " (vigil setup) to turn TLS on");
        }
    }

    /**
     * A node that starts does not run the services, so a primary left running (a crashed daemon
     * whose database survived) is stopped at once, as the VIP is removed.
     */
    private void fenceLeftover() {
        try {
            if (local.isRunning() && !local.isInRecovery()) {
                listener.info("a primary database was left running from before this node started: stopping it");
                local.stop(PgInstance.StopMode.IMMEDIATE);
            }
        } catch (PgException e) {
            listener.error("checking the database at start: " + e.getMessage());
        }
    }

    private boolean hasData() {
        return Files.isRegularFile(local.config().dataDir().resolve("PG_VERSION"));
    }

    private synchronized void cancelFollowing() {
        if (following != null) {
            following.cancel(true);
            following = null;
        }
        progress = null;
    }

    private <T> CompletableFuture<T> call(Supplier<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        worker.submit(() -> {
            try {
                f.complete(work.get());
            } catch (RuntimeException e) {
                listener.error("database: " + e.getMessage());
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    private static String pct(long part, long whole) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", part * 100.0 / whole);
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Stops the instance whatever its role (the node leaves the cluster), then the threads. */
    @Override
    public void close() {
        monitorThread.shutdownNow();
        synchronized (this) {
            cancelFollowing();
            role = Role.NONE;
            primaryUp = false;
        }
        Future<?> stopped = worker.submit(() -> local.stop(PgInstance.StopMode.FAST));
        try {
            stopped.get(PgInstance.CTL_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
        } catch (Exception e) {
            listener.error("the database did not stop cleanly: " + e.getMessage());
        }
        worker.shutdownNow();
    }
}
