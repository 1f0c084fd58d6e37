package io.vigil.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What a decision function ({@link Joiner}, {@link Takeover}, {@link Runner}, {@link Commands},
 * {@link Lifecycle}, {@link Fencing}, {@link Heartbeats}) wants done: an ordered list of actions
 * that only {@code Node#apply} carries out. The functions read the node through {@link NodeView}
 * and never write it, so a decision can be inspected (next mode, reason, effects) before anything
 * changes; order is kept because effects leave in that order.
 *
 * <p>Start, Stop, TakeOver, HandOver, Follow, AcceptGrant and AcquireLease are compound: when
 * {@code Node#apply} reaches one, {@link Compound} expands it into the simple actions against the
 * node as it is by then (a start after new epochs starts the services in the new epoch).
 */
final class Decision {

    /** One thing to do; {@code Node#apply} handles every kind. */
    sealed interface Action permits Move, Emit, Status, Start, Stop, TakeOver, HandOver, Follow, AcceptGrant,
            AcquireLease, HoldLease, Epochs, Replication, Flags, SwapRequest, Bookkeeping, Services, StopPlan,
            Sync, PeerGrant, Watchdog, LeaseRequest, HeartbeatTimer, HeartbeatSent, ResourceFailure { }

    /** Change the mode ({@code Node#moveTo}); a null detail keeps the status text. */
    record Move(Mode next, Reason reason, String detail) implements Action { }

    record Emit(Effect effect) implements Action { }

    /** The status text and the red/magenta flag, without a move; a null field is left as it is. */
    record Status(String reason, Boolean blocked, String noTakeoverCause) implements Action { }

    record Start(Reason reason, String why, boolean synchronousReplication) implements Action { }

    record Stop(Reason reason, String why, boolean immediate, Node.AfterStop then) implements Action { }

    record TakeOver(Reason reason, String why, long witnessEpoch) implements Action { }

    /** Stop the services here, then grant the peer its next epoch. */
    record HandOver(Reason reason, String why) implements Action { }

    /** Follow the peer that runs the services (SECOND). */
    record Follow(Heartbeat peer, Reason reason) implements Action { }

    /** Start the services at the epoch the live peer grants us. */
    record AcceptGrant(long epoch, long ackSeq) implements Action { }

    /** Ask the witness for the lease, registering {@code epoch}, to take over. */
    record AcquireLease(long epoch) implements Action { }

    /** The witness granted the lease asked for at {@code requestedAtMs}, registering {@code epoch}. */
    record HoldLease(long requestedAtMs, long durationMs, long epoch) implements Action { }

    /** New epoch and data epoch; {@code grantedEpoch} null leaves the grant as it is. */
    record Epochs(long epoch, long dataEpoch, Long grantedEpoch) implements Action { }

    /** Replication mode; {@code pendingLeaseEpoch} null leaves it as it is. */
    record Replication(boolean synchronous, long partnerDownSinceMs, Long pendingLeaseEpoch) implements Action { }

    /** Operator switches; a null field is left as it is. */
    record Flags(BootMode bootMode, Boolean failoverEnabled, Boolean detectionSuspended, Boolean checkersRunning,
                 Boolean forced) implements Action { }

    record SwapRequest(boolean withoutSync, long atMs) implements Action { }

    /** Counters kept beside the node's state; {@code resource} carries the text of the kinds that need one. */
    record Bookkeeping(Kind kind, String resource, long value) implements Action {
        enum Kind { RESET_START_FAILURES, POSTPONE_FAILOVER, RECORD_FAILOVER, REMEMBER_ALARM, CLEAR_NO_TAKEOVER_CAUSE,
            PERSIST, RESET_HEALTH, RECORD_START_FAILURE, REMEMBER_GIVE_UP, HANDOVER_EPOCH, LEARN_FAILOVER,
            REVOKE_GRANT, DROP_LEASE, LEASE_ANSWERED, CLEAR_SWAP }
    }

    /** Where the services are, since when they run, whether their stop is a fencing kill; null: left as it is. */
    record Services(ServicesPhase phase, Long sinceMs, Boolean stopImmediate) implements Action { }

    /** What to do once the services have stopped (null: nothing planned). */
    record StopPlan(Node.AfterStop then) implements Action { }

    /** The replication layer's view of this node's data. */
    record Sync(SyncStatus status) implements Action { }

    /** The peer's heartbeat grants (or not) our epoch, acknowledging our heartbeat {@code ackSeq}. */
    record PeerGrant(boolean grantsUs, long ackSeq) implements Action { }

    /** Arm the fencing watchdog for {@code deadlineMs} (below 0: disarm it). */
    record Watchdog(long deadlineMs) implements Action { }

    /** A lease request leaves at {@code atMs}; the next not before {@code nextAtMs}. Null epoch: left as it is. */
    record LeaseRequest(long atMs, long nextAtMs, Long pendingEpoch) implements Action { }

    /** The next heartbeat leaves at {@code nextAtMs}; {@code dueNow}: one leaves at the end of this step. */
    record HeartbeatTimer(long nextAtMs, boolean dueNow) implements Action { }

    /** Heartbeat {@code seq} leaves at {@code atMs} (the peer's acknowledgement of it dates its grant). */
    record HeartbeatSent(long seq, long atMs) implements Action { }

    /** A resource failed: counted against its local restarts ({@link ResourceHealth#failed}). */
    record ResourceFailure(String resource, String detail) implements Action { }

    private final List<Action> actions = new ArrayList<>();

    List<Action> actions() {
        return List.copyOf(actions);
    }

    /** The mode this decision ends in, or null if it does not move the node. */
    Mode next() {
        Mode next = null;
        for (Action a : actions) {
            if (a instanceof Move m) {
                next = m.next();
            } else if (a instanceof Start || a instanceof TakeOver || a instanceof AcceptGrant) {
                next = Mode.STARTING;
            } else if (a instanceof Follow) {
                next = Mode.STANDBY;
            } else if (a instanceof Stop || a instanceof HandOver) {
                next = Mode.STOPPING;
            }
        }
        return next;
    }

    /** Why the node moves (the reason of the last move, start or stop), or null if it does not. */
    Reason reason() {
        Reason reason = null;
        for (Action a : actions) {
            if (a instanceof Move m) {
                reason = m.reason();
            } else if (a instanceof Start s) {
                reason = s.reason();
            } else if (a instanceof TakeOver t) {
                reason = t.reason();
            } else if (a instanceof Stop s) {
                reason = s.reason();
            } else if (a instanceof HandOver h) {
                reason = h.reason();
            } else if (a instanceof Follow f) {
                reason = f.reason();
            } else if (a instanceof AcceptGrant) {
                reason = Reason.GRANTED;
            }
        }
        return reason;
    }

    /** The effects this decision emits itself (those of starting or stopping come from the node). */
    List<Effect> effects() {
        return actions.stream().filter(Emit.class::isInstance).map(a -> ((Emit) a).effect()).toList();
    }

    Decision add(Action a) {
        actions.add(a);
        return this;
    }

    /** Appends the actions of {@code next}, after this decision's own. */
    Decision then(Decision next) {
        actions.addAll(next.actions);
        return this;
    }

    Decision bookkeeping(Bookkeeping.Kind kind) {
        return bookkeeping(kind, null, 0);
    }

    Decision move(Mode next, Reason reason, String detail) {
        return add(new Move(next, reason, detail));
    }

    Decision emit(Effect e) {
        return add(new Emit(e));
    }

    Decision debug(String message) {
        return emit(new Effect.Log(Effect.Log.Level.DEBUG, message));
    }

    Decision info(String message) {
        return emit(new Effect.Log(Effect.Log.Level.INFO, message));
    }

    Decision alarm(String code, String message) {
        emit(new Effect.Log(Effect.Log.Level.ERROR, code + ": " + message));
        return emit(new Effect.Alarm(code, message));
    }

    Decision status(String reason, Boolean blocked) {
        return add(new Status(reason, blocked, null));
    }

    Decision bookkeeping(Bookkeeping.Kind kind, String resource, long value) {
        return add(new Bookkeeping(kind, resource, value));
    }

    Decision persist() {
        return bookkeeping(Bookkeeping.Kind.PERSIST, null, 0);
    }
}
