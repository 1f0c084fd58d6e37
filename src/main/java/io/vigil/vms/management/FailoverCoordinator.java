package io.vigil.vms.management;

import io.vigil.vms.failover.Effect;
import io.vigil.vms.failover.Observation;
import io.vigil.vms.failover.TakeoverDecider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Runs the recording-server failover (issue 14, SPEC §9): watches the protected recording servers
 * and the failover servers ({@link FailoverWatch}), feeds what it sees to the pure {@link
 * TakeoverDecider} and executes its {@link Effect}s. It is part of the management server, so it runs
 * on the one cluster node that runs the services and moves with it: never two coordinators.
 *
 * <p>Covers live in the management database ({@code failover_covers}), written with their event in
 * one transaction; a coordinator that starts (after a management-server failover) reads them back,
 * and the failover servers, which never depend on the coordinator to keep recording, go on. Each
 * round also reconciles: a failover server that does not report the cover the decision holds is
 * told again, one that covers what the decision does not hold is told to hand back.
 *
 * <p>One thread: a round every {@code roundMs}, or at once when a watch sees a server go up or down.
 */
public final class FailoverCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverCoordinator.class);

    /**
     * @param token the bearer token of the servers' {@code --coordinator-token-file}
     * @param beatMs how often a watched server sends a beat
     * @param missedBeats beats in a row missing before a silent server is down (machine or link death)
     * @param handBackAfter rounds in a row a returned recording server must be seen up before hand-back
     * @param roundMs the longest time between two rounds
     */
    public record Options(String token, int beatMs, int missedBeats, int handBackAfter, long roundMs) {
        public static Options defaults(String token) {
            return new Options(token, 250, 8, 8, 250);
        }

        @Override
        public String toString() {
            return "Options[beatMs=" + beatMs + ", missedBeats=" + missedBeats + ", handBackAfter=" + handBackAfter
                    + ", roundMs=" + roundMs + "]"; // never the token
        }
    }

    private final Store store;
    private final Options options;
    private final TakeoverDecider decider;
    private final FailoverCommands commands;
    private final Map<String, FailoverWatch> watches = new HashMap<>();
    private final Thread thread;
    private final Object wake = new Object();
    private boolean woken;
    private volatile boolean running = true;
    private TakeoverDecider.State state;

    private FailoverCoordinator(Store store, Options options, Clock clock) {
        this.store = store;
        this.options = options;
        this.decider = new TakeoverDecider(clock, options.handBackAfter());
        this.commands = new FailoverCommands(options.token());
        this.thread = new Thread(this::run, "failover-coordinator");
        this.thread.setDaemon(true);
    }

    public static FailoverCoordinator start(Store store, Options options) {
        FailoverCoordinator c = new FailoverCoordinator(store, options, Clock.systemUTC());
        c.thread.start();
        LOG.info("failover coordinator started ({})", options);
        return c;
    }

    private void run() {
        while (running) {
            try {
                round();
            } catch (SQLException e) {
                state = null; // an effect may be half written: the database's covers are the truth again
                LOG.warn("failover coordinator: the management database does not answer ({}); the failover"
                        + " servers keep what they do, next round in {} ms", e.getMessage(), options.roundMs());
            } catch (RuntimeException e) {
                LOG.error("failover coordinator: a round failed; the next one starts afresh", e);
            }
            await();
        }
    }

    private void round() throws SQLException {
        if (state == null) {
            state = store.read(FailoverLedger::decisionState);
            LOG.info("failover coordinator: {} cover(s) read back from the database: {}", state.covers().size(),
                    state.covers());
        }
        FailoverWorld world = store.read(FailoverWorld::read);
        watch(world);
        TakeoverDecider.Decision d = decider.step(state, world.topology(), observe(world));
        state = d.state();
        boolean agreed = true;
        for (Effect e : d.effects()) {
            agreed &= execute(e, world);
        }
        if (agreed) {
            reconcile(world);
        } else {
            state = null; // the database refused a cover: decide again from what it holds, tell nobody meanwhile
        }
    }

    /** Opens a watch for every server to watch, closes those no longer needed (or whose address changed). */
    private void watch(FailoverWorld world) {
        Map<String, URI> wanted = new HashMap<>();
        world.recordingServers().forEach((id, uri) -> wanted.put("recording-server-" + id, uri));
        world.failoverServers().keySet().forEach(id -> wanted.put("failover-server-" + id,
                world.failoverServerAddress(id)));
        for (String key : Set.copyOf(watches.keySet())) {
            if (!watches.get(key).base().equals(wanted.get(key))) {
                watches.remove(key).close();
            }
        }
        wanted.forEach((key, uri) -> watches.computeIfAbsent(key, k -> new FailoverWatch(k, uri, options.token(),
                options.beatMs(), options.missedBeats(), this::wake)));
    }

    /**
     * A server not reached yet keeps the state the decision holds: a covered recording server stays
     * down and the failover server covering it stays up (a new coordinator hands nothing back and
     * takes nothing over before it has seen them); any other failover server is not chosen yet.
     */
    private Observation observe(FailoverWorld world) {
        Map<Long, Boolean> recording = new HashMap<>();
        for (long id : world.recordingServers().keySet()) {
            FailoverWatch.Seen s = watches.get("recording-server-" + id).seen();
            recording.put(id, s == FailoverWatch.Seen.UNKNOWN ? !state.covers().containsKey(id) : s == FailoverWatch.Seen.UP);
        }
        Map<Long, Observation.FailoverServerState> failover = new HashMap<>();
        world.failoverServers().forEach((id, f) -> {
            FailoverWatch.Seen s = watches.get("failover-server-" + id).seen();
            boolean alive = s == FailoverWatch.Seen.UP || s == FailoverWatch.Seen.UNKNOWN && state.covers().containsValue(id);
            failover.put(id, new Observation.FailoverServerState(f.enabled(), alive, false));
        });
        return new Observation(recording, failover);
    }

    /** Executes one effect; false when the database refused the cover it writes. */
    private boolean execute(Effect effect, FailoverWorld world) throws SQLException {
        LOG.info("failover: {}", effect);
        if (effect instanceof Effect.TakeOver t) {
            if (!store.write(c -> FailoverLedger.takeOver(c, t))) {
                return false;
            }
            commands.cover(world.failoverServerAddress(t.failoverServer()),
                    store.read(c -> FailoverLedger.coverOrder(c, t.recordingServer())));
        } else if (effect instanceof Effect.HandBack h) {
            commands.handBack(world.failoverServerAddress(h.failoverServer()));
            FailoverLedger.Ended was = store.write(c -> FailoverLedger.handBack(c, h));
            URI rs = world.recordingServers().get(h.recordingServer());
            if (was != null && rs != null) {
                commands.startMerge(rs, world.failoverServerAddress(h.failoverServer()),
                        store.read(c -> FailoverLedger.recordedDevices(c, h.recordingServer())),
                        was.sinceMillis(), Instant.now().toEpochMilli());
            }
        } else if (effect instanceof Effect.CoverLost l) {
            store.write(c -> FailoverLedger.coverLost(c, l));
        } else if (effect instanceof Effect.Uncovered u) {
            store.write(c -> FailoverLedger.uncovered(c, u));
        }
        return true;
    }

    /** Tells each failover server that is up what the decision holds, when it reports otherwise. */
    private void reconcile(FailoverWorld world) throws SQLException {
        Map<Long, Long> coveredBy = new HashMap<>();
        state.covers().forEach((rs, fs) -> coveredBy.put(fs, rs));
        for (long fs : world.failoverServers().keySet()) {
            FailoverWatch w = watches.get("failover-server-" + fs);
            if (w.seen() != FailoverWatch.Seen.UP) {
                continue;
            }
            Long should = coveredBy.get(fs);
            Long does = w.covering();
            if (does != null && !does.equals(should)) {
                commands.handBack(w.base());
                does = null;
            }
            if (should != null && !should.equals(does)) {
                commands.cover(w.base(), store.read(c -> FailoverLedger.coverOrder(c, should)));
            }
        }
    }

    private void wake() {
        synchronized (wake) {
            woken = true;
            wake.notifyAll();
        }
    }

    private void await() {
        synchronized (wake) {
            try {
                if (!woken) {
                    wake.wait(options.roundMs());
                }
            } catch (InterruptedException e) {
                running = false;
            }
            woken = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watches.values().forEach(FailoverWatch::close);
    }
}
