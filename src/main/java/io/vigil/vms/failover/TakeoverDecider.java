package io.vigil.vms.failover;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Decides which failover server covers which recording server (SPEC §9, issue 14): a pure,
 * deterministic {@code step(state, topology, observation) -> (state', effects)}, with no I/O; the
 * coordinator observes the servers, calls {@link #step} and executes the {@link Effect}s.
 *
 * <p>Each step, in this order: covers whose failover server died are dropped ({@link
 * Effect.CoverLost}); a covered recording server seen alive in {@code handBackAfter} consecutive
 * observations is handed back (counting observations, not comparing timestamps, so a clock jump
 * hands nothing back early); then every down, uncovered recording server, longest down first,
 * takes the first available candidate of {@link Topology#candidates}: its hot standby, else the
 * primary group in sequence order, else the secondary group. A failover server covering one
 * recording server is busy for all others, so one failover server never covers two, and a
 * recording server is covered by one whole failover server or reported {@link
 * Effect.Uncovered}, never shared. A disabled server is never chosen; disabling a server that is
 * covering does not drop the video it is recording: it is released at hand-back.
 */
public final class TakeoverDecider {
    private final Clock clock;
    private final int handBackAfter;

    /**
     * What the decision remembers between steps: {@code covers} recording server → failover server;
     * when each down recording server was first seen down; how many consecutive observations each
     * covered one has been seen alive; which uncovered ones were already reported.
     */
    public record State(Map<Long, Long> covers, Map<Long, Instant> downSince, Map<Long, Integer> aliveStreak,
                        Set<Long> reportedUncovered) {
        public static final State EMPTY = new State(Map.of(), Map.of(), Map.of(), Set.of());

        public State {
            covers = Map.copyOf(covers);
            downSince = Map.copyOf(downSince);
            aliveStreak = Map.copyOf(aliveStreak);
            reportedUncovered = Set.copyOf(reportedUncovered);
        }
    }

    /** The next state and the effects to execute, in order. */
    public record Decision(State state, List<Effect> effects) {
        public Decision {
            effects = List.copyOf(effects);
        }
    }

    /** @param handBackAfter consecutive observations a returned recording server must be seen alive (≥ 1) */
    public TakeoverDecider(Clock clock, int handBackAfter) {
        if (handBackAfter < 1) {
            throw new IllegalArgumentException("handBackAfter must be at least 1 observation, not " + handBackAfter);
        }
        this.clock = clock;
        this.handBackAfter = handBackAfter;
    }

    public Decision step(State state, Topology topology, Observation seen) {
        Step s = new Step(state);
        dropLostCovers(s, seen);
        handBackReturned(s, seen);
        coverDown(s, topology, seen, clock.instant());
        return new Decision(new State(s.covers, s.downSince, s.aliveStreak, s.reported), s.effects);
    }

    /** The mutable working copy of one step; sorted maps keep the effects' order deterministic. */
    private static final class Step {
        final Map<Long, Long> covers;
        final Map<Long, Instant> downSince;
        final Map<Long, Integer> aliveStreak;
        final Set<Long> reported;
        final List<Effect> effects = new ArrayList<>();

        Step(State s) {
            covers = new TreeMap<>(s.covers());
            downSince = new TreeMap<>(s.downSince());
            aliveStreak = new TreeMap<>(s.aliveStreak());
            reported = new TreeSet<>(s.reportedUncovered());
        }

        void forget(long recordingServer) {
            downSince.remove(recordingServer);
            aliveStreak.remove(recordingServer);
            reported.remove(recordingServer);
        }
    }

    private static void dropLostCovers(Step s, Observation seen) {
        // Iterate over a copy of the keys: a TreeMap's entries are not snapshots (removing one
        // may rewrite another in place), which the simulation caught as a CoverLost for the wrong pair.
        for (long rs : List.copyOf(s.covers.keySet())) {
            long failoverServer = s.covers.get(rs);
            if (!seen.failoverServerAlive(failoverServer)) {
                s.covers.remove(rs);
                s.aliveStreak.remove(rs);
                s.effects.add(new Effect.CoverLost(rs, failoverServer));
            }
        }
    }

    private void handBackReturned(Step s, Observation seen) {
        for (long rs : List.copyOf(s.covers.keySet())) {
            long failoverServer = s.covers.get(rs);
            if (!seen.watched(rs)) {
                release(s, rs, failoverServer); // deleted or disabled meanwhile: nothing left to cover
            } else if (seen.alive(rs)) {
                int streak = s.aliveStreak.getOrDefault(rs, 0) + 1;
                s.aliveStreak.put(rs, streak);
                if (streak >= handBackAfter) {
                    release(s, rs, failoverServer);
                }
            } else {
                s.aliveStreak.remove(rs); // a flap restarts the count
            }
        }
        // Uncovered servers that are back (or no longer watched) start afresh.
        for (Long rs : List.copyOf(s.downSince.keySet())) {
            if (!s.covers.containsKey(rs) && (!seen.watched(rs) || seen.alive(rs))) {
                s.forget(rs);
            }
        }
    }

    private static void release(Step s, long recordingServer, long failoverServer) {
        s.covers.remove(recordingServer);
        s.forget(recordingServer);
        s.effects.add(new Effect.HandBack(recordingServer, failoverServer));
    }

    private static void coverDown(Step s, Topology topology, Observation seen, Instant now) {
        for (Map.Entry<Long, Boolean> rs : seen.recordingServersAlive().entrySet()) {
            if (!rs.getValue()) {
                s.downSince.putIfAbsent(rs.getKey(), now);
            }
        }
        List<Long> waiting = s.downSince.keySet().stream().filter(rs -> !s.covers.containsKey(rs))
                .sorted(Comparator.comparing((Long rs) -> s.downSince.get(rs)).thenComparing(rs -> rs)).toList();
        for (long rs : waiting) {
            Topology.Candidate chosen = firstAvailable(s, topology.candidates(rs), seen);
            if (chosen != null) {
                s.covers.put(rs, chosen.failoverServer());
                s.reported.remove(rs);
                s.effects.add(new Effect.TakeOver(rs, chosen.failoverServer(), chosen.route(), s.downSince.get(rs)));
            } else if (s.reported.add(rs)) {
                s.effects.add(new Effect.Uncovered(rs, whyUncovered(topology.candidates(rs), seen, s)));
            }
        }
    }

    private static Topology.Candidate firstAvailable(Step s, List<Topology.Candidate> candidates, Observation seen) {
        for (Topology.Candidate c : candidates) {
            if (seen.available(c.failoverServer()) && !s.covers.containsValue(c.failoverServer())) {
                return c;
            }
        }
        return null;
    }

    private static String whyUncovered(List<Topology.Candidate> candidates, Observation seen, Step s) {
        if (candidates.isEmpty()) {
            return "no failover server or group is configured for it";
        }
        return "no failover server available: " + candidates.stream().map(c -> "failover server " + c.failoverServer()
                + " " + state(c.failoverServer(), seen, s)).collect(Collectors.joining(", "));
    }

    private static String state(long failoverServer, Observation seen, Step s) {
        Observation.FailoverServerState f = seen.failoverServers().get(failoverServer);
        if (f == null || !f.alive()) {
            return "is down";
        }
        if (!f.enabled()) {
            return "is disabled";
        }
        return s.covers.containsValue(failoverServer) ? "covers another recording server" : "is busy";
    }
}
