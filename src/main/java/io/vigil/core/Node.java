package io.vigil.core;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The decision-making state machine of one node. Pure: it reads the injected {@link Clock},
 * never performs I/O, and answers every {@link Event} with a list of {@link Effect}s.
 *
 * <p>Decisions are level-triggered: after every event {@link #evaluate()} looks at what the node
 * now knows (its mode, the peer's last heartbeat, its lease) and moves at most as far as that
 * knowledge allows. See {@code package-info.java} for the state diagram and the safety argument.
 */
public final class Node {

    /** What to do once the services have stopped. */
    enum AfterStop { STOP, REJOIN, HANDOVER, RESTART_HERE, GIVE_UP }

    final CoreConfig cfg;
    final Clock clock;
    final long incarnation;
    final PeerView peer;
    final Authority auth = new Authority();
    final ResourceHealth health;
    final FlapGuard flaps;
    final StartGuard starts;

    Mode mode = Mode.BOOTING;
    /** Why the mode last changed; {@link #movedThisStep} says whether it changed in this step. */
    Reason lastReason;
    boolean movedThisStep;
    /** What the decision functions (Joiner, Takeover, Runner, Commands) see of this node: read-only. */
    final NodeView view = new LiveView(this);
    NodeState shown;
    String reason = "not booted";
    boolean blocked;
    long epoch;
    long dataEpoch;
    SyncStatus sync = SyncStatus.NOT_CONFIGURED;
    boolean synchronous;
    long partnerDownSinceMs = -1;
    long grantedEpoch;
    boolean forced;
    BootMode bootMode = BootMode.KEEP;
    boolean failoverEnabled = true;
    boolean detectionSuspended;
    boolean checkersRunning = true;
    ServicesPhase services = ServicesPhase.IDLE;
    long servicesSinceMs;
    AfterStop afterStop;
    long handoverEpoch;
    boolean stopImmediate;
    boolean swapRequested;
    boolean swapWithoutSync;
    long swapRequestedAtMs;
    long seq;
    long nextHeartbeatAtMs;
    long nextLeaseAtMs;
    long watchdogDeadline = -1;
    boolean heartbeatDue;
    String lastAlarm = "";
    /** Why the node stopped trying to start the services (see {@link StartGuard}). */
    String giveUpReason = "";
    /** Why this node did not take over when it lost its peer (shown until the peer is heard again). */
    String noTakeoverCause;
    private List<Effect> out = new ArrayList<>();

    public Node(CoreConfig cfg, Clock clock, RandomGenerator random) {
        this(cfg, clock, random.nextLong() & Long.MAX_VALUE | 1);
    }

    /**
     * @param incarnation positive, and greater than every earlier start of this node: the daemon
     *                    persists it, so replay protection can require it to only increase
     */
    public Node(CoreConfig cfg, Clock clock, long incarnation) {
        if (incarnation <= 0) {
            throw new IllegalArgumentException("incarnation must be positive, was " + incarnation);
        }
        this.cfg = cfg;
        this.clock = clock;
        this.incarnation = incarnation;
        this.peer = new PeerView(cfg.peerTimeoutMs(), Math.max(50, cfg.heartbeatIntervalMs() / 4));
        this.health = new ResourceHealth(cfg);
        this.flaps = new FlapGuard(cfg.flapMaxFailovers(), cfg.flapWindowMs());
        this.starts = new StartGuard(cfg.maxStartFailures(), cfg.flapWindowMs());
    }

    /** Feeds one event; returns the effects the driver must carry out, in order. */
    public List<Effect> step(Event event) {
        out = new ArrayList<>();
        movedThisStep = false;
        if (mode == Mode.BOOTING && !(event instanceof Event.Boot)) {
            if (event instanceof Event.OperatorCommand c) {
                reply(c.id(), false, "the node is still booting; try again in a moment");
            }
            return out;
        }
        if (event instanceof Event.Boot b) {
            boot(b.saved());
        } else if (event instanceof Event.Tick) {
            tick();
        } else if (event instanceof Event.HeartbeatReceived h) {
            heartbeat(h.heartbeat());
        } else if (event instanceof Event.ServicesStarted s) {
            servicesStarted(s.ok(), s.detail());
        } else if (event instanceof Event.ServicesStopped s) {
            servicesStopped(s.detail());
        } else if (event instanceof Event.ResourceFailed f) {
            resourceFailed(f.resource(), f.detail());
        } else if (event instanceof Event.ResourceRecovered r) {
            health.recovered(r.resource());
        } else if (event instanceof Event.SyncReported s) {
            syncReported(s.status());
        } else if (event instanceof Event.LeaseReply r) {
            leaseReply(r);
        } else if (event instanceof Event.LeaseUnreachable u) {
            auth.leaseAnswered(u.requestedAtMs());
            if (mode == Mode.ACQUIRING) {
                apply(Joiner.leaseUnreachable(view));
            }
        } else if (event instanceof Event.WatchdogFired) {
            watchdogFired();
        } else if (event instanceof Event.OperatorCommand c) {
            apply(Commands.handle(view, c));
        } else {
            throw new IllegalStateException("unhandled event " + event);
        }
        evaluate();
        publish();
        if (heartbeatDue) {
            // Sent after this step's decisions, never before: a node that has just fenced itself
            // must not tell its peer it still runs the services (seen after a SIGCONT).
            heartbeatDue = false;
            sendHeartbeat(clock.nowMs());
        }
        return out;
    }

    // ---------------------------------------------------------------- events

    private void boot(PersistedState saved) {
        if (mode != Mode.BOOTING) {
            return;
        }
        NodeState last = null;
        if (saved != null) {
            epoch = saved.epoch();
            dataEpoch = saved.dataEpoch();
            bootMode = saved.bootMode();
            failoverEnabled = saved.failoverEnabled();
            last = saved.lastState();
        }
        boolean stay = bootMode == BootMode.DISABLED || (bootMode == BootMode.KEEP && last == NodeState.STOP);
        moveTo(stay ? Mode.STOPPED : Mode.JOINING, Reason.BOOT, stay
                ? "boot: " + (bootMode == BootMode.DISABLED ? "start at boot is disabled" : "was stopped before restart")
                : "boot: joining the cluster");
        nextHeartbeatAtMs = clock.nowMs();
        info("boot incarnation=" + Long.toHexString(incarnation) + " epoch=" + epoch + " dataEpoch=" + dataEpoch
                + " bootMode=" + bootMode.name().toLowerCase() + " previousState=" + last);
        if (!cfg.witnessConfigured()) {
            out.add(new Effect.Log(Effect.Log.Level.ERROR, "WARNING: no witness configured: a network split between"
                    + " the nodes will run the services on both nodes. Configure a witness (SPEC §4)."));
        }
        out.add(new Effect.ReplicationRole(Effect.ReplicationRole.Role.NONE, false));
    }

    private void tick() {
        long now = clock.nowMs();
        if (peer.tick(now)) {
            Heartbeat last = peer.last();
            info("peer node" + peerId() + " lost: nothing heard for " + peer.silentMs() + " ms"
                    + (last == null ? "" : " (it was " + last.state() + ")"));
            auth.revokeGrant();
        }
        if (now >= nextHeartbeatAtMs) {
            // Fixed delay, never catch-up: a node that was paused sends one heartbeat, not a burst.
            nextHeartbeatAtMs = now + cfg.heartbeatIntervalMs();
            heartbeatDue = true;
        }
        if (swapRequested && now - swapRequestedAtMs > 10 * cfg.heartbeatIntervalMs()) {
            swapRequested = false;
            info("swap request expired: the peer did not hand over");
        }
    }

    private void heartbeat(Heartbeat hb) {
        long now = clock.nowMs();
        boolean back = peer.heard(hb, now);
        if (back) {
            info("peer node" + hb.from() + " present: state=" + hb.state() + " epoch=" + hb.epoch()
                    + " services=" + hb.services());
        }
        flaps.learn(hb.lastFailoverEpoch(), now);
        boolean grantsUs = hb.grantEpoch() > 0 && hb.grantEpoch() == epoch && hb.ackIncarnation() == incarnation;
        auth.peerGrant(grantsUs, hb.ackSeq(), cfg.grantValidityMs());
    }

    private void servicesStarted(boolean ok, String detail) {
        if (mode != Mode.STARTING) {
            return;
        }
        if (ok) {
            services = ServicesPhase.RUNNING;
            servicesSinceMs = clock.nowMs();
            moveTo(Mode.RUNNING, Reason.SERVICES_STARTED, "services running");
            health.reset();
            starts.reset();
        } else if (starts.failed(clock.nowMs(), detail)) {
            String cause = "the services failed to start " + starts.max() + " times on node" + cfg.nodeId()
                    + "; first error: " + starts.firstError();
            alarm("START_BLOCKED", cause + ". This node no longer tries: fix the cause, then run `vigil start`"
                    + " on node" + cfg.nodeId() + " (or `vigil prim --force` if node" + peerId() + " is gone)");
            giveUpReason = "gave up after " + starts.max() + " failed starts: " + starts.firstError()
                    + "; fix the cause, then run `vigil start` on this node";
            stopServices(Reason.START_BLOCKED, "start failed: " + detail, false, AfterStop.GIVE_UP);
        } else {
            alarm("START_FAILED", "services failed to start (" + starts.count(clock.nowMs()) + " of "
                    + starts.max() + " attempts): " + detail);
            stopServices(Reason.START_FAILED, "start failed: " + detail, false, AfterStop.REJOIN);
            reason = "services failed to start: " + detail;
        }
    }

    private void servicesStopped(String detail) {
        services = ServicesPhase.IDLE;
        health.reset();
        if (mode == Mode.STOPPING && afterStop == AfterStop.RESTART_HERE && restartHere()) {
            return;
        }
        synchronous = false;
        if (cfg.witnessConfigured()) {
            auth.dropLease();
            out.add(new Effect.ReleaseLease());
        }
        armWatchdog(-1);
        out.add(new Effect.ReplicationRole(Effect.ReplicationRole.Role.NONE, false));
        if (mode != Mode.STOPPING) {
            // Stopped behind our back (e.g. by the watchdog): treat as a fence.
            moveTo(Mode.JOINING, Reason.SERVICES_STOPPED_UNEXPECTEDLY, "services stopped unexpectedly: " + detail);
            return;
        }
        AfterStop next = afterStop == null ? AfterStop.REJOIN : afterStop;
        afterStop = null;
        switch (next) {
            case STOP -> moveTo(Mode.STOPPED, Reason.OPERATOR_STOP, "stopped by operator");
            case GIVE_UP -> {
                grantedEpoch = 0;
                moveTo(Mode.STOPPED, Reason.START_BLOCKED, giveUpReason);
            }
            case REJOIN, RESTART_HERE -> moveTo(Mode.JOINING, Reason.SERVICES_STOPPED);
            case HANDOVER -> {
                epoch = Math.max(epoch, handoverEpoch);
                grantedEpoch = handoverEpoch;
                moveTo(Mode.JOINING, Reason.HANDOVER,
                        "handing the services over to node" + peerId() + " (epoch " + handoverEpoch + ")");
                persist();
            }
        }
    }

    /**
     * Operator restart of a node running alone: start the services again under the lease (or
     * grant) it still holds. Not a failover, so it is not counted by the flapping protection.
     */
    private boolean restartHere() {
        long now = clock.nowMs();
        boolean permitted = forced || !cfg.witnessConfigured()
                || auth.leaseValid(now, cfg.fenceMarginMs()) || auth.grantValid(now, cfg.fenceMarginMs());
        if (!permitted || peer.live() != null && peer.live().services().claimed()) {
            return false;
        }
        afterStop = null;
        info("restarting the services in place");
        // Same epoch, so the replication mode must not change: going asynchronous here would let
        // a replica that is "up to date for this epoch" miss acknowledged writes.
        boolean wasSynchronous = synchronous;
        long downSince = partnerDownSinceMs;
        startServices(Reason.OPERATOR_RESTART, "restarted by operator", wasSynchronous);
        partnerDownSinceMs = downSince;
        return true;
    }

    private void resourceFailed(String resource, String detail) {
        if (detectionSuspended || services != ServicesPhase.RUNNING) {
            debug("ignored failure of " + resource + ": " + detail
                    + (detectionSuspended ? " (error detection suspended)" : ""));
            return;
        }
        if (health.failed(resource, detail, clock.nowMs())) {
            info("resource " + resource + " failed (" + detail + "): restarting it in place");
            out.add(new Effect.RestartResource(resource));
        } else {
            out.add(new Effect.Log(Effect.Log.Level.ERROR, "resource " + resource + " failed (" + detail
                    + ") and its local restarts are used up: failover in "
                    + cfg.serviceFailoverDelayMs() / 1000 + " s unless it recovers"));
        }
    }

    private void syncReported(SyncStatus status) {
        if (status != sync) {
            info("sync status " + sync.label() + " -> " + status.label());
            sync = status;
        }
    }

    private void leaseReply(Event.LeaseReply r) {
        auth.leaseAnswered(r.requestedAtMs());
        if (mode == Mode.ACQUIRING) {
            apply(Joiner.leaseAnswered(view, r));
            return;
        }
        if (!r.granted()) {
            debug("witness refused the lease (holder node" + r.holder() + ")");
            return;
        }
        if (services != ServicesPhase.IDLE) {
            boolean had = auth.leaseValid(clock.nowMs(), 0);
            auth.leaseGranted(r.requestedAtMs(), r.durationMs(), r.epoch());
            if (!had) {
                info("holding the witness lease (epoch " + r.epoch() + " registered)");
            }
        } else {
            out.add(new Effect.ReleaseLease());
        }
    }

    private void watchdogFired() {
        if (services == ServicesPhase.IDLE) {
            info("the watchdog fired after the services had already stopped");
            return;
        }
        alarm("FENCED", "the watchdog killed the services: this node lost both its peer and its witness lease");
        services = ServicesPhase.IDLE;
        servicesStopped("killed by the watchdog");
    }

    // ---------------------------------------------------------------- decisions

    long pendingLeaseEpoch;

    /** Moves the node as far as its current knowledge allows. */
    void evaluate() {
        long now = clock.nowMs();
        if (services != ServicesPhase.IDLE) {
            renewLease(now);
            if (!forced && cfg.witnessConfigured()) {
                fenceIfUnauthorised(now);
            }
        }
        switch (mode) {
            case BOOTING -> throw new IllegalStateException("evaluated before boot");
            case STOPPED -> blocked = true;
            case JOINING -> apply(Joiner.joining(view));
            case STANDBY -> apply(Joiner.standby(view));
            case ACQUIRING -> apply(Joiner.acquiring(view));
            case RUNNING -> apply(Runner.evaluate(view));
            case STARTING, STOPPING -> blocked = false;
        }
    }

    /** The peer grants us a newer epoch: start the services in it. */
    private void acceptGrant(long grant, long ackSeq) {
        epoch = grant;
        dataEpoch = grant;
        grantedEpoch = 0;
        // The grant that starts us is also the promise we run under until the lease is ours.
        auth.peerGrant(true, ackSeq, cfg.grantValidityMs());
        startServices(Reason.GRANTED, "granted by node" + peerId(), false);
    }

    /** Asks the witness for the lease at {@code requested}, to take over from the lost peer. */
    private void acquireLease(long requested) {
        long now = clock.nowMs();
        nextLeaseAtMs = now + cfg.heartbeatIntervalMs() / 2;
        auth.leaseRequested(now);
        out.add(new Effect.RequestLease(now, requested, true));
    }

    private void follow(Heartbeat p, Reason why) {
        moveTo(Mode.STANDBY, why, "following node" + peerId());
        grantedEpoch = 0;
        if (p.epoch() > epoch) {
            epoch = p.epoch();
        }
        // A report from before (re)following says nothing about the new stream.
        sync = SyncStatus.CONNECTION_ERROR;
        out.add(new Effect.ReplicationRole(Effect.ReplicationRole.Role.STANDBY, false));
        persist();
    }

    /**
     * Starts the services. Asynchronous replication is safe only in a new epoch (no replica can
     * claim its data yet); a restart in the same epoch passes the mode it had.
     */
    void startServices(Reason code, String why, boolean synchronousReplication) {
        moveTo(Mode.STARTING, code, "starting the services: " + why);
        services = ServicesPhase.STARTING;
        blocked = false;
        swapRequested = false;
        synchronous = synchronousReplication;
        partnerDownSinceMs = -1;
        out.add(new Effect.ReplicationRole(Effect.ReplicationRole.Role.PRIMARY, synchronousReplication));
        out.add(new Effect.StartServices(epoch));
        persist();
    }

    /** Promotion after the peer was lost (or after the witness confirmed it). */
    void takeOver(Reason code, String why, long witnessEpoch) {
        long now = clock.nowMs();
        epoch = Epochs.next(cfg.nodeId(), Math.max(epoch, witnessEpoch));
        dataEpoch = epoch;
        flaps.record(epoch, now);
        long detect = peer.lastHeardAtMs() < 0 ? 0 : now - peer.lastHeardAtMs();
        out.add(new Effect.FailoverPerformed(why, detect));
        info("failover: " + why + "; taking over the services at epoch " + epoch + " (peer silent " + detect + " ms)");
        startServices(code, "failover, " + why, false);
    }

    /** Stops the services here, then grants the peer the next epoch. */
    private void handOver(Reason code, String why) {
        handoverEpoch = Epochs.next(peerId(), epoch);
        stopServices(code, why, false, AfterStop.HANDOVER);
    }

    void stopServices(Reason code, String why, boolean immediate, AfterStop then) {
        afterStop = then;
        if (services == ServicesPhase.IDLE) {
            out.add(new Effect.StopServices(why, immediate));
            moveTo(Mode.STOPPING, code);
            return;
        }
        moveTo(Mode.STOPPING, code, "stopping the services: " + why);
        services = ServicesPhase.STOPPING;
        stopImmediate = immediate;
        out.add(new Effect.StopServices(why, immediate));
    }

    private void renewLease(long now) {
        if (!cfg.witnessConfigured() || now < nextLeaseAtMs || auth.leaseRequestPending(now, cfg.heartbeatIntervalMs())) {
            return;
        }
        nextLeaseAtMs = now + cfg.heartbeatIntervalMs();
        long target = pendingLeaseEpoch > epoch ? pendingLeaseEpoch : epoch;
        pendingLeaseEpoch = target;
        auth.leaseRequested(now);
        out.add(new Effect.RequestLease(now, target, false));
    }

    /**
     * Self-fencing (SPEC §4): without a valid lease or peer grant the peer may legitimately take
     * over, so the services must be gone before that can happen. The watchdog is the backstop
     * for a daemon too paused to get here.
     */
    private void fenceIfUnauthorised(long now) {
        long margin = cfg.fenceMarginMs();
        boolean ok = auth.leaseValid(now, margin) || auth.grantValid(now, margin);
        long until = auth.permittedUntil();
        armWatchdog(until == Long.MIN_VALUE ? now : until - margin / 2);
        if (ok) {
            return;
        }
        if (services == ServicesPhase.STOPPING) {
            if (!stopImmediate) {
                stopImmediate = true;
                out.add(new Effect.StopServices("fencing: no lease and no peer grant", true));
            }
            return;
        }
        alarm("FENCED", "no witness lease and no grant from node" + peerId()
                + ": stopping the services before the peer may take over");
        stopServices(Reason.FENCED, "fencing: lost the witness lease and the peer", true, AfterStop.REJOIN);
    }

    private void armWatchdog(long deadline) {
        if (!cfg.witnessConfigured() && deadline >= 0) {
            return;
        }
        if (forced) {
            deadline = -1;
        }
        if (deadline != watchdogDeadline) {
            watchdogDeadline = deadline;
            out.add(new Effect.ArmWatchdog(deadline));
        }
    }

    // ---------------------------------------------------------------- heartbeat out

    private void sendHeartbeat(long now) {
        seq++;
        auth.heartbeatSent(seq, now);
        Heartbeat last = peer.last();
        long grant = grantForPeer();
        out.add(new Effect.SendHeartbeat(new Heartbeat(cfg.nodeId(), incarnation, seq,
                last == null ? -1 : last.seq(), last == null ? 0 : last.incarnation(),
                shown == null ? NodeState.WAIT : shown, services,
                services == ServicesPhase.RUNNING ? Math.max(1, now - servicesSinceMs) : 0,
                epoch, dataEpoch, services.claimed() ? (synchronous ? SyncStatus.UPTODATE : SyncStatus.NOT_CONFIGURED) : sync,
                grant, swapRequested, swapWithoutSync, failoverEnabled, flaps.recent(now), flaps.latestEpoch(now))));
    }

    /** The grant (promise) this node gives the peer now; see {@link Heartbeat}. */
    private long grantForPeer() {
        Heartbeat p = peer.live();
        if (services != ServicesPhase.IDLE || p == null || mode == Mode.ACQUIRING) {
            return 0;
        }
        if (p.services().claimed()) {
            return p.epoch() >= epoch ? p.epoch() : 0;
        }
        if (p.services() != ServicesPhase.IDLE) {
            return 0;
        }
        if (grantedEpoch > 0 && p.epoch() >= grantedEpoch) {
            grantedEpoch = 0; // consumed: the peer took it (and may since have lost it)
        }
        if (grantedEpoch > 0) {
            return grantedEpoch;
        }
        if (Joiner.shouldPeerRun(view, p)) {
            grantedEpoch = Epochs.next(peerId(), Math.max(epoch, p.epoch()));
            epoch = grantedEpoch;
            info("granting node" + peerId() + " the services at epoch " + grantedEpoch);
            persist();
            return grantedEpoch;
        }
        return 0;
    }

    // ---------------------------------------------------------------- output helpers

    /**
     * The one place that changes the mode: refuses a move that {@link Transitions#LEGAL} does not
     * list (a bug in a decision), and remembers the reason for the published state change.
     */
    void moveTo(Mode next, Reason why, String detail) {
        moveTo(next, why);
        reason = detail;
    }

    /** As {@link #moveTo(Mode, Reason, String)}, keeping the current status detail. */
    void moveTo(Mode next, Reason why) {
        Transitions.check(mode, next, why);
        mode = next;
        lastReason = why;
        movedThisStep = true;
    }

    private void publish() {
        NodeState now = mode.shown(peerFollows());
        if (now != shown) {
            // Without a move in this step only RUNNING changes its face: the peer (stopped) following.
            Reason why = movedThisStep ? lastReason : now == NodeState.PRIM ? Reason.PEER_FOLLOWS : Reason.PEER_NOT_FOLLOWING;
            info("state=" + (shown == null ? "BOOT" : shown) + "->" + now + " reason=" + why + " epoch=" + epoch
                    + " (" + reason + ")");
            out.add(new Effect.StateChanged(shown, now, reason, epoch));
            shown = now;
            persist();
        }
    }

    boolean peerFollows() {
        Heartbeat p = peer.live();
        return p != null && p.state() == NodeState.SECOND;
    }

    void persist() {
        out.add(new Effect.Persist(new PersistedState(shown == null ? NodeState.WAIT : shown, epoch, dataEpoch,
                bootMode, failoverEnabled)));
    }

    void info(String message) {
        out.add(new Effect.Log(Effect.Log.Level.INFO, message));
    }

    void debug(String message) {
        out.add(new Effect.Log(Effect.Log.Level.DEBUG, message));
    }

    void alarm(String code, String message) {
        out.add(new Effect.Log(Effect.Log.Level.ERROR, code + ": " + message));
        out.add(new Effect.Alarm(code, message));
    }

    void reply(long id, boolean accepted, String message) {
        out.add(new Effect.Reply(id, accepted, message));
    }

    int peerId() {
        return 3 - cfg.nodeId();
    }

    // ---------------------------------------------------------------- applying decisions

    /** Carries out a decision of {@link Takeover}, {@link Runner} or {@link Commands}, in order. */
    private void apply(Decision d) {
        for (Decision.Action a : d.actions()) {
            if (a instanceof Decision.Move m) {
                moveTo(m.next(), m.reason());
                reason = m.detail() == null ? reason : m.detail();
            } else if (a instanceof Decision.Emit e) {
                out.add(e.effect());
            } else if (a instanceof Decision.Status st) {
                reason = st.reason() == null ? reason : st.reason();
                blocked = st.blocked() == null ? blocked : st.blocked();
                noTakeoverCause = st.noTakeoverCause() == null ? noTakeoverCause : st.noTakeoverCause();
            } else if (a instanceof Decision.Start st) {
                startServices(st.reason(), st.why(), st.synchronousReplication());
            } else if (a instanceof Decision.Stop st) {
                stopServices(st.reason(), st.why(), st.immediate(), st.then());
            } else if (a instanceof Decision.TakeOver t) {
                takeOver(t.reason(), t.why(), t.witnessEpoch());
            } else if (a instanceof Decision.HandOver h) {
                handOver(h.reason(), h.why());
            } else if (a instanceof Decision.Follow f) {
                follow(f.peer(), f.reason());
            } else if (a instanceof Decision.AcceptGrant g) {
                acceptGrant(g.epoch(), g.ackSeq());
            } else if (a instanceof Decision.AcquireLease l) {
                acquireLease(l.epoch());
            } else if (a instanceof Decision.HoldLease h) {
                auth.leaseGranted(h.requestedAtMs(), h.durationMs(), h.epoch());
            } else {
                applyFields(a);
            }
        }
    }

    private void applyFields(Decision.Action a) {
        if (a instanceof Decision.Epochs e) {
            epoch = e.epoch();
            dataEpoch = e.dataEpoch();
            grantedEpoch = e.grantedEpoch() == null ? grantedEpoch : e.grantedEpoch();
        } else if (a instanceof Decision.Replication r) {
            synchronous = r.synchronous();
            partnerDownSinceMs = r.partnerDownSinceMs();
            pendingLeaseEpoch = r.pendingLeaseEpoch() == null ? pendingLeaseEpoch : r.pendingLeaseEpoch();
        } else if (a instanceof Decision.Flags f) {
            bootMode = f.bootMode() == null ? bootMode : f.bootMode();
            failoverEnabled = f.failoverEnabled() == null ? failoverEnabled : f.failoverEnabled();
            detectionSuspended = f.detectionSuspended() == null ? detectionSuspended : f.detectionSuspended();
            checkersRunning = f.checkersRunning() == null ? checkersRunning : f.checkersRunning();
            forced = f.forced() == null ? forced : f.forced();
        } else if (a instanceof Decision.SwapRequest w) {
            swapRequested = true;
            swapWithoutSync = w.withoutSync();
            swapRequestedAtMs = w.atMs();
        } else if (a instanceof Decision.Bookkeeping b) {
            switch (b.kind()) {
                case RESET_START_FAILURES -> starts.reset();
                case POSTPONE_FAILOVER -> health.postpone(b.resource(), b.value());
                case RECORD_FAILOVER -> flaps.record(b.value(), clock.nowMs());
                case REMEMBER_ALARM -> lastAlarm = b.resource();
                case CLEAR_NO_TAKEOVER_CAUSE -> noTakeoverCause = null;
                case PERSIST -> persist();
            }
        } else {
            throw new IllegalStateException("unhandled decision action " + a);
        }
    }

    // ---------------------------------------------------------------- status

    public NodeState state() {
        return shown == null ? NodeState.WAIT : shown;
    }

    public ServicesPhase services() {
        return services;
    }

    public long epoch() {
        return epoch;
    }

    public NodeStatus status() {
        return StatusReport.of(this);
    }

    public Colour colour() {
        return switch (state()) {
            case PRIM, SECOND, ALONE -> Colour.GREEN;
            case STOP -> Colour.RED;
            case WAIT -> blocked ? Colour.RED : Colour.MAGENTA;
        };
    }
}
