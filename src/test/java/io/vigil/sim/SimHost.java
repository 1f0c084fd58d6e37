package io.vigil.sim;

import io.vigil.core.Effect;
import io.vigil.core.Event;
import io.vigil.core.Node;
import io.vigil.core.PersistedState;
import io.vigil.core.ServicesPhase;
import io.vigil.core.SyncStatus;
import io.vigil.daemon.EffectRunner;
import io.vigil.daemon.EffectWorld;
import io.vigil.daemon.EventLoop;
import io.vigil.witness.LeaseSource;
import io.vigil.heartbeat.ReplayGuard;
import io.vigil.heartbeat.UdpHeartbeatTransport;
import io.vigil.log.ModuleLog;
import io.vigil.resource.StartResult;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One incarnation of a simulated node's daemon: the production {@link EventLoop}, {@link
 * EffectRunner} and {@link UdpHeartbeatTransport} (real codec, real {@link ReplayGuard}, no sockets), bound to the
 * simulator's services, disk, watchdog, database, witness and network instead of processes,
 * files and sockets. A crash drops the incarnation: whatever its pending timers and futures
 * still report is ignored, as a dead process reports nothing.
 */
final class SimHost implements EffectWorld.Loop, EffectWorld.Services, EffectWorld.Storage, EffectWorld.Log,
        EffectWorld.Database, LeaseSource {
    private final SimWorld w;
    private final SimNode n;
    final Node core;
    final EventLoop loop;
    final UdpHeartbeatTransport transport;
    private final InetAddress peerAddress;
    private boolean draining;
    /** This start's replay guard has admitted a heartbeat: it is no longer fresh (see DatagramFaults). */
    boolean heardPeer;

    SimHost(SimWorld w, SimNode n, Node core) {
        this.w = w;
        this.n = n;
        this.core = core;
        this.transport = UdpHeartbeatTransport.over(packet -> w.sendDatagram(n, packet), w.codec,
                w.admission.wrap(new ReplayGuard(n.id)), e -> {
                    heardPeer = true;
                    enqueue(e);
                },
                (reason, source, detail) -> w.trace("node" + n.id + " " + detail));
        EffectRunner runner = new EffectRunner(new EffectWorld(this, transport, this, this, this, this::arm,
                w.options.witness() ? this : null, null, this, () -> n.localNow(w.now)));
        Consumer<Effect> sink = w.effectSinkWrapper.apply(runner::run);
        this.loop = new EventLoop(core, effect -> {
            w.observe(n, effect);
            sink.accept(effect);
        }, () -> { }, (event, ex) -> w.fail("node" + n.id + " failed on " + event + ": " + ex, ex));
        this.peerAddress = address(3 - n.id);
    }

    /** Wraps the real {@link ReplayGuard} of each incarnation; tests may break it on purpose. */
    @FunctionalInterface
    interface AdmissionWrapper {
        UdpHeartbeatTransport.Admission wrap(ReplayGuard guard);
    }

    private boolean current() {
        return n.host == this && !n.crashed;
    }

    // ---------------------------------------------------------------- the loop

    @Override
    public void enqueue(Event e) {
        if (!current()) {
            return; // an older incarnation's timer or future
        }
        if (n.paused) {
            // A stopped process reads nothing; what reaches it waits (bounded, like a socket buffer).
            if (n.pausedInbox.size() < 256) {
                n.pausedInbox.add(() -> enqueue(e));
            }
            return;
        }
        loop.enqueue(e);
        drain();
    }

    /** Runs the loop to empty; effects that enqueue (reentrantly) are picked up by the same drain. */
    void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            loop.runPending();
        } finally {
            draining = false;
        }
    }

    /** A datagram from the peer reached this node's socket. */
    void datagram(byte[] packet) {
        if (!current()) {
            return;
        }
        if (n.paused) {
            if (n.pausedInbox.size() < 256) {
                n.pausedInbox.add(() -> datagram(packet));
            }
            return;
        }
        transport.received(packet, packet.length, peerAddress, "datagram from node" + (3 - n.id), () -> { });
    }

    @Override
    public void replied(Effect.Reply reply) {
        w.replies.add(reply);
    }

    @Override
    public void followDirectories(Effect.ReplicationRole.Role role) {
        // the simulated database stands for all replicated data
    }

    @Override
    public void databaseSynced(SyncStatus status) {
        enqueue(new Event.SyncReported(status));
    }

    // ---------------------------------------------------------------- services

    @Override
    public CompletableFuture<StartResult> startAll() {
        CompletableFuture<StartResult> done = new CompletableFuture<>();
        n.truth = ServicesPhase.STARTING;
        long token = ++n.servicesToken;
        w.at(w.now + 20 + w.random.nextLong(w.options.maxStartMs()), () -> {
            if (n.servicesToken != token || n.crashed) {
                return; // stopped or killed meanwhile
            }
            String error = w.startError[n.id];
            if (error != null) {
                // Partly started (e.g. the database did not come up): the node must stop what did.
                done.complete(new StartResult(false, error));
                return;
            }
            n.truth = ServicesPhase.RUNNING;
            w.checkRunnerData(n);
            done.complete(new StartResult(true, "ok"));
        });
        return done;
    }

    @Override
    public CompletableFuture<Void> stopAll(String reason) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (n.truth == ServicesPhase.IDLE) {
            w.at(w.now + 1, () -> done.complete(null));
            return done;
        }
        n.truth = ServicesPhase.STOPPING;
        long token = ++n.servicesToken;
        w.at(w.now + 20 + w.random.nextLong(w.options.maxStopMs()), () -> {
            if (n.servicesToken == token && !n.crashed) {
                n.truth = ServicesPhase.IDLE;
                done.complete(null);
            }
        });
        return done;
    }

    @Override
    public void killAll() {
        // SIGKILL: the processes are gone when it returns.
        n.truth = ServicesPhase.IDLE;
        n.servicesToken++;
    }

    @Override
    public CompletableFuture<Boolean> restart(String name) {
        // The simulated services do not come back by a local restart: scenarios inject
        // ResourceRecovered when they want one.
        return CompletableFuture.completedFuture(false);
    }

    @Override
    public void setCheckersRunning(boolean running) {
        // the simulated services report failures only when a scenario injects them
    }

    // ---------------------------------------------------------------- database

    @Override
    public CompletableFuture<Void> primary(boolean synchronous) {
        role(Effect.ReplicationRole.Role.PRIMARY, synchronous);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> stopPrimary(boolean immediate) {
        // The database goes last and takes a moment: an immediate stop (fencing) up to 30 ms.
        CompletableFuture<Void> done = new CompletableFuture<>();
        w.at(w.now + (immediate ? 1 + w.random.nextLong(30) : 1), () -> done.complete(null));
        return done;
    }

    @Override
    public CompletableFuture<Void> restartPrimary() {
        return new CompletableFuture<>(); // as restart(): never recovers by itself
    }

    @Override
    public void follow() {
        role(Effect.ReplicationRole.Role.STANDBY, false);
    }

    @Override
    public void none() {
        role(Effect.ReplicationRole.Role.NONE, false);
    }

    private void role(Effect.ReplicationRole.Role role, boolean synchronous) {
        if (role != n.role) {
            n.reportedSync = null; // the replication layer reports afresh for a new role
        }
        n.role = role;
        n.synchronous = synchronous;
    }

    // ---------------------------------------------------------------- disk, logs, watchdog

    @Override
    public void save(PersistedState state) {
        n.disk = state;
    }

    @Override
    public String where() {
        return "the simulated disk of node" + n.id;
    }

    @Override
    public void decision(ModuleLog.Level level, String message) {
        log(level, message);
    }

    @Override
    public void log(ModuleLog.Level level, String message) {
        w.trace("node" + n.id + " " + level.name() + " " + message);
    }

    @Override
    public void application(String resource, String line) {
        w.trace("node" + n.id + " [" + resource + "] " + line);
    }

    /** Like a hardware watchdog: it kills whatever services run if not re-armed in time. */
    private void arm(long deadlineMs) {
        n.watchdogDeadlineGlobal = deadlineMs < 0 ? -1 : n.globalAt(deadlineMs);
        if (n.watchdogDeadlineGlobal < 0) {
            return;
        }
        long deadline = n.watchdogDeadlineGlobal;
        w.at(deadline, () -> {
            if (!current() || n.watchdogDeadlineGlobal != deadline || n.truth == ServicesPhase.IDLE) {
                return;
            }
            w.trace("node" + n.id + " WATCHDOG kills the services");
            n.truth = ServicesPhase.IDLE;
            n.servicesToken++;
            n.watchdogDeadlineGlobal = -1;
            enqueue(new Event.WatchdogFired());
        });
    }

    // ---------------------------------------------------------------- witness lease

    @Override
    public void request(Effect.RequestLease r) {
        long timeoutGlobal = n.globalAt(r.requestedAtMs() + w.options.heartbeatMs());
        w.at(timeoutGlobal, () -> enqueue(new Event.LeaseUnreachable(r.requestedAtMs())));
        if (w.witness == null || w.net.copies(n.id, SimNetwork.WITNESS) == 0) {
            return;
        }
        w.at(w.now + w.net.delay(), () -> {
            SimWitness witness = w.witness;
            boolean granted = witness.request(n.id, r.epoch(), w.now);
            w.trace("witness " + (granted ? "grants" : "refuses") + " node" + n.id + " epoch " + r.epoch()
                    + " (holder node" + witness.holder + " until " + witness.expiresAt + ")");
            long highest = witness.highestBefore;
            int holder = witness.holder;
            if (w.net.copies(SimNetwork.WITNESS, n.id) == 0) {
                return;
            }
            w.at(w.now + w.net.delay(), () -> enqueue(new Event.LeaseReply(r.requestedAtMs(), granted,
                    witness.leaseMs, r.epoch(), highest, holder)));
        });
    }

    @Override
    public void release() {
        if (w.witness != null && w.net.copies(n.id, SimNetwork.WITNESS) > 0) {
            w.at(w.now + w.net.delay(), () -> w.witness.release(n.id));
        }
    }

    @Override
    public void close() {
        // nothing to close in the simulation
    }

    static InetAddress address(int id) {
        try {
            return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) id});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always a valid address
        }
    }
}
