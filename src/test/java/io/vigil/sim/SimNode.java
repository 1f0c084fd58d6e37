package io.vigil.sim;

import io.vigil.core.CoreConfig;
import io.vigil.core.Effect;
import io.vigil.core.Event;
import io.vigil.core.Heartbeat;
import io.vigil.core.Node;
import io.vigil.core.PersistedState;
import io.vigil.core.ServicesPhase;
import io.vigil.core.SyncStatus;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;

/**
 * One simulated host: the unchanged production state machine plus everything around it that
 * the simulator plays — its clock (offset and drift), its disk (persisted state, database
 * log), the real phase of its services, its watchdog, and crash/pause.
 */
final class SimNode {
    final int id;
    final CoreConfig config;
    Node core;
    boolean crashed;
    boolean paused;
    /** What survives a crash: the saved state and the database contents. */
    PersistedState disk;
    BitSet log = new BitSet();
    /** The truth about the services, whatever the core believes. */
    ServicesPhase truth = ServicesPhase.IDLE;
    long servicesToken;
    Effect.ReplicationRole.Role role = Effect.ReplicationRole.Role.NONE;
    boolean synchronous;
    SyncStatus reportedSync;
    /** The replication stream to this node is broken while heartbeats still pass (scenario tests). */
    boolean replicationStalled;
    long watchdogDeadlineGlobal = -1;
    /** Global time at which the clock of the current incarnation started, and its drift. */
    long clockBase;
    long clockOffset;
    double drift;
    long lastSeenSeq = -1;
    long lastSeenIncarnation;
    final Deque<Event> pausedInbox = new ArrayDeque<>();

    SimNode(int id, CoreConfig config) {
        this.id = id;
        this.config = config;
    }

    long localNow(long global) {
        return clockOffset + (long) ((global - clockBase) * (1 + drift));
    }

    long globalAt(long local) {
        return clockBase + (long) Math.ceil((local - clockOffset) / (1 + drift));
    }

    /** The transport's replay guard: only newer heartbeats of the current incarnation pass. */
    boolean accept(Heartbeat hb) {
        if (hb.incarnation() != lastSeenIncarnation) {
            lastSeenIncarnation = hb.incarnation();
            lastSeenSeq = hb.seq();
            return true;
        }
        if (hb.seq() <= lastSeenSeq) {
            return false;
        }
        lastSeenSeq = hb.seq();
        return true;
    }

    boolean alive() {
        return !crashed && !paused && core != null; // never booted: not there yet
    }
}
