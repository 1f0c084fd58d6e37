package io.vigil.sim;

import io.vigil.core.CoreConfig;
import io.vigil.core.Effect;
import io.vigil.core.Node;
import io.vigil.core.PersistedState;
import io.vigil.core.ServicesPhase;
import io.vigil.core.SyncStatus;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;

/**
 * One simulated machine: its daemon ({@link SimHost}: the production state machine, event loop,
 * effect runner and heartbeat transport) plus everything around it that the simulator plays —
 * its clock (offset and drift), its disk (persisted state, incarnation, database log), the real
 * phase of its services, its watchdog, and crash/pause.
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
    /** The running daemon's incarnation (null when crashed or never booted). */
    SimHost host;
    /** The last incarnation number used: on the disk, so it only grows (see IncarnationStore). */
    long incarnation;
    /** What reached a paused daemon (events, datagrams), handled in order when it resumes. */
    final Deque<Runnable> pausedInbox = new ArrayDeque<>();

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

    boolean alive() {
        return !crashed && !paused && core != null; // never booted: not there yet
    }
}
