package io.vigil.core;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The decision-making state machine of one node. Pure: it reads the injected {@link Clock},
 * never performs I/O, and answers every {@link Event} with a list of {@link Effect}s.
 *
 * <p>It holds the node's state and is the only class that writes it: each event is answered by a
 * decision function of the read-only {@link NodeView} ({@link Lifecycle}, {@link Heartbeats},
 * {@link Fencing}, {@link Commands}, then the mode's {@link Joiner} or {@link Runner}), and
 * {@code apply} carries the returned {@link Decision} out.
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
    /** What the decision functions (Joiner, Takeover, Runner, Commands, Lifecycle, ...) see of this node: read-only. */
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
    /** The epoch the next lease renewal registers (the next asynchronous epoch, before it is used). */
    long pendingLeaseEpoch;
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
            apply(Lifecycle.beforeBoot(event));
            return out;
        }
        apply(decide(event));
        evaluate();
        publish();
        if (heartbeatDue) {
            // Only now, after this step's decisions (see Heartbeats#send).
            heartbeatDue = false;
            apply(Heartbeats.send(view));
        }
        return out;
    }

    /**
     * The decision for one event. What the node observes (the failure detector's view of the
     * peer, a resource that answers again) is recorded first: that is its state, not a decision.
     */
    private Decision decide(Event event) {
        if (event instanceof Event.Boot b) {
            return Lifecycle.boot(view, b.saved());
        } else if (event instanceof Event.Tick) {
            return Heartbeats.tick(view, peer.tick(clock.nowMs()));
        } else if (event instanceof Event.HeartbeatReceived h) {
            return Heartbeats.received(view, h.heartbeat(), peer.heard(h.heartbeat(), clock.nowMs()));
        } else if (event instanceof Event.ServicesStarted s) {
            return Lifecycle.started(view, s.ok(), s.detail());
        } else if (event instanceof Event.ServicesStopped s) {
            return Lifecycle.stopped(view, s.detail());
        } else if (event instanceof Event.ResourceFailed f) {
            return Lifecycle.resourceFailed(view, f.resource(), f.detail());
        } else if (event instanceof Event.ResourceRecovered r) {
            health.recovered(r.resource());
            return new Decision();
        } else if (event instanceof Event.SyncReported s) {
            return Lifecycle.syncReported(view, s.status());
        } else if (event instanceof Event.LeaseReply r) {
            return Fencing.leaseReply(view, r);
        } else if (event instanceof Event.LeaseUnreachable u) {
            return Fencing.leaseUnreachable(view, u);
        } else if (event instanceof Event.WatchdogFired) {
            return Lifecycle.watchdogFired(view);
        } else if (event instanceof Event.OperatorCommand c) {
            return Commands.handle(view, c);
        }
        throw new IllegalStateException("unhandled event " + event);
    }

    /**
     * Moves the node as far as its current knowledge allows: fencing first, then the rules of
     * the mode it is in after that (decided only once the fencing decision is applied).
     */
    private void evaluate() {
        apply(Fencing.evaluate(view));
        apply(Lifecycle.inMode(view));
    }

    // ---------------------------------------------------------------- the mode and its publication

    /**
     * The one place that changes the mode: refuses a move that {@link Transitions#LEGAL} does not
     * list (a bug in a decision), and remembers the reason for the published state change.
     */
    void moveTo(Mode next, Reason why, String detail) {
        Transitions.check(mode, next, why);
        mode = next;
        lastReason = why;
        movedThisStep = true;
        reason = detail;
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

    private boolean peerFollows() {
        Heartbeat p = peer.live();
        return p != null && p.state() == NodeState.SECOND;
    }

    private void persist() {
        out.add(new Effect.Persist(new PersistedState(shown == null ? NodeState.WAIT : shown, epoch, dataEpoch,
                bootMode, failoverEnabled)));
    }

    private void info(String message) {
        out.add(new Effect.Log(Effect.Log.Level.INFO, message));
    }

    int peerId() {
        return 3 - cfg.nodeId();
    }

    // ---------------------------------------------------------------- applying decisions

    /**
     * Carries out a decision, in order. A compound action is expanded by {@link Compound} only
     * when it is reached, so it sees what the actions before it changed.
     */
    private void apply(Decision d) {
        for (Decision.Action a : d.actions()) {
            if (a instanceof Decision.Move m) {
                moveTo(m.next(), m.reason(), m.detail() == null ? reason : m.detail());
            } else if (a instanceof Decision.Emit e) {
                out.add(e.effect());
            } else if (a instanceof Decision.Start st) {
                apply(Compound.start(view, st));
            } else if (a instanceof Decision.Stop st) {
                apply(Compound.stop(view, st));
            } else if (a instanceof Decision.TakeOver t) {
                apply(Compound.takeOver(view, t));
            } else if (a instanceof Decision.HandOver h) {
                apply(Compound.handOver(view, h));
            } else if (a instanceof Decision.Follow f) {
                apply(Compound.follow(view, f));
            } else if (a instanceof Decision.AcceptGrant g) {
                apply(Compound.acceptGrant(view, g));
            } else if (a instanceof Decision.AcquireLease l) {
                apply(Compound.acquireLease(view, l));
            } else if (a instanceof Decision.Bookkeeping b) {
                keep(b);
            } else {
                applyFields(a);
            }
        }
    }

    private void applyFields(Decision.Action a) {
        if (a instanceof Decision.Status st) {
            reason = st.reason() == null ? reason : st.reason();
            blocked = st.blocked() == null ? blocked : st.blocked();
            noTakeoverCause = st.noTakeoverCause() == null ? noTakeoverCause : st.noTakeoverCause();
        } else if (a instanceof Decision.Epochs e) {
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
        } else if (a instanceof Decision.Services sv) {
            services = sv.phase() == null ? services : sv.phase();
            servicesSinceMs = sv.sinceMs() == null ? servicesSinceMs : sv.sinceMs();
            stopImmediate = sv.stopImmediate() == null ? stopImmediate : sv.stopImmediate();
        } else {
            applyChannels(a);
        }
    }

    /** The actions on the witness, the peer and the driver's timers. */
    private void applyChannels(Decision.Action a) {
        if (a instanceof Decision.SwapRequest w) {
            swapRequested = true;
            swapWithoutSync = w.withoutSync();
            swapRequestedAtMs = w.atMs();
        } else if (a instanceof Decision.StopPlan p) {
            afterStop = p.then();
        } else if (a instanceof Decision.Sync sy) {
            sync = sy.status();
        } else if (a instanceof Decision.HoldLease h) {
            auth.leaseGranted(h.requestedAtMs(), h.durationMs(), h.epoch());
        } else if (a instanceof Decision.PeerGrant g) {
            auth.peerGrant(g.grantsUs(), g.ackSeq(), cfg.grantValidityMs());
        } else if (a instanceof Decision.LeaseRequest l) {
            nextLeaseAtMs = l.nextAtMs();
            pendingLeaseEpoch = l.pendingEpoch() == null ? pendingLeaseEpoch : l.pendingEpoch();
            auth.leaseRequested(l.atMs());
        } else if (a instanceof Decision.Watchdog w) {
            watchdogDeadline = w.deadlineMs();
            out.add(new Effect.ArmWatchdog(w.deadlineMs()));
        } else if (a instanceof Decision.HeartbeatTimer t) {
            nextHeartbeatAtMs = t.nextAtMs();
            heartbeatDue |= t.dueNow();
        } else if (a instanceof Decision.HeartbeatSent hs) {
            seq = hs.seq();
            auth.heartbeatSent(hs.seq(), hs.atMs());
        } else if (a instanceof Decision.ResourceFailure f) {
            health.failed(f.resource(), f.detail(), clock.nowMs());
        } else {
            throw new IllegalStateException("unhandled decision action " + a);
        }
    }

    /** Counters kept beside the node's state. */
    private void keep(Decision.Bookkeeping b) {
        long now = clock.nowMs();
        switch (b.kind()) {
            case RESET_START_FAILURES -> starts.reset();
            case RECORD_START_FAILURE -> starts.failed(now, b.resource());
            case REMEMBER_GIVE_UP -> giveUpReason = b.resource();
            case RESET_HEALTH -> health.reset();
            case POSTPONE_FAILOVER -> health.postpone(b.resource(), b.value());
            case RECORD_FAILOVER -> flaps.record(b.value(), now);
            case LEARN_FAILOVER -> flaps.learn(b.value(), now);
            case HANDOVER_EPOCH -> handoverEpoch = b.value();
            case REMEMBER_ALARM -> lastAlarm = b.resource();
            case CLEAR_NO_TAKEOVER_CAUSE -> noTakeoverCause = null;
            case CLEAR_SWAP -> swapRequested = false;
            case REVOKE_GRANT -> auth.revokeGrant();
            case DROP_LEASE -> auth.dropLease();
            case LEASE_ANSWERED -> auth.leaseAnswered(b.value());
            case PERSIST -> persist();
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
