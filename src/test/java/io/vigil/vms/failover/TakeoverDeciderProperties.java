package io.vigil.vms.failover;

import io.vigil.vms.failover.Observation.FailoverServerState;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded simulation of the takeover decision: from one seed, a random site (recording servers
 * 1-6, failover servers 11-16 in two groups or as hot standbys) and 60 random events (recording
 * servers die and return, failover servers die, are disabled, become busy; time passes). After
 * every step the invariants of SPEC §9 hold; a failure names the seed and the step.
 */
class TakeoverDeciderProperties {
    private static final int HAND_BACK_AFTER = 2;

    /** A clock the simulation moves by hand. */
    private static final class SimClock extends Clock {
        Instant now = Instant.parse("2026-12-07T17:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Property(tries = 200)
    void invariantsHoldAfterEveryStep(@ForAll long seed) {
        Random r = new Random(seed);
        Topology topology = site(r);
        SimClock clock = new SimClock();
        TakeoverDecider decider = new TakeoverDecider(clock, HAND_BACK_AFTER);
        Map<Long, Boolean> alive = new HashMap<>();
        topology.protections().keySet().forEach(rs -> alive.put(rs, true));
        alive.put(6L, true); // one unprotected recording server
        Map<Long, FailoverServerState> servers = new HashMap<>();
        for (long f = 11; f <= 16; f++) {
            servers.put(f, new FailoverServerState(true, true, false));
        }
        TakeoverDecider.State state = TakeoverDecider.State.EMPTY;
        for (int step = 0; step < 60; step++) {
            perturb(r, alive, servers, clock);
            Observation seen = new Observation(alive, servers);
            TakeoverDecider.Decision d = decider.step(state, topology, seen);
            TakeoverDecider.State before = state;
            int at = step;
            // Built only when an assertion fails: formatting every step would dominate the run time.
            Supplier<String> where = () -> "seed " + seed + ", step " + at + ", seen " + seen + ", before " + before
                    + ", after " + d;
            check(topology, seen, state, d, where);
            state = d.state();
        }
    }

    /** Groups 101 and 102 of the failover servers that are not hot standbys, in a random sequence. */
    private static Topology site(Random r) {
        Map<Long, List<Long>> groups = new HashMap<>(Map.of(101L, new ArrayList<>(), 102L, new ArrayList<>()));
        Map<Long, Protection> protections = new HashMap<>();
        List<Long> spare = new ArrayList<>();
        for (long f = 11; f <= 16; f++) {
            spare.add(f);
        }
        java.util.Collections.shuffle(spare, r);
        for (long rs = 1; rs <= 5; rs++) {
            if (r.nextInt(4) == 0 && !spare.isEmpty()) {
                protections.put(rs, new Protection.Hot(spare.remove(0)));
            } else {
                long primary = r.nextBoolean() ? 101 : 102;
                Long secondary = r.nextBoolean() ? Long.valueOf(203 - primary) : null;
                protections.put(rs, new Protection.Cold(primary, secondary));
            }
        }
        for (long f : spare) {
            int where = r.nextInt(3); // 0: group 101, 1: group 102, 2: in no group
            if (where < 2) {
                groups.get(101L + where).add(f);
            }
        }
        return new Topology(protections, groups);
    }

    private static void perturb(Random r, Map<Long, Boolean> alive, Map<Long, FailoverServerState> servers, SimClock clock) {
        clock.now = clock.now.plusMillis(r.nextInt(3000));
        int events = r.nextInt(3);
        for (int i = 0; i < events; i++) {
            if (r.nextBoolean()) {
                long rs = 1 + r.nextInt(6);
                alive.put(rs, r.nextInt(3) > 0 ? !alive.get(rs) : alive.get(rs));
            } else {
                long f = 11 + r.nextInt(6);
                FailoverServerState s = servers.get(f);
                servers.put(f, switch (r.nextInt(3)) {
                    case 0 -> new FailoverServerState(!s.enabled(), s.alive(), s.busy());
                    case 1 -> new FailoverServerState(s.enabled(), !s.alive(), s.busy());
                    default -> new FailoverServerState(s.enabled(), s.alive(), !s.busy());
                });
            }
        }
    }

    private static void check(Topology t, Observation seen, TakeoverDecider.State before, TakeoverDecider.Decision d,
                              Supplier<String> where) {
        Map<Long, Long> covers = d.state().covers();
        assertThat(new HashSet<>(covers.values())).as(() -> "one failover server covers one recording server; " + where.get())
                .hasSize(covers.size());
        covers.forEach((rs, f) -> {
            assertThat(t.candidates(rs).stream().map(Topology.Candidate::failoverServer)).as(() -> "eligible; " + where.get()).contains(f);
            assertThat(seen.failoverServerAlive(f)).as(() -> "covering server alive; " + where.get()).isTrue();
            assertThat(!seen.alive(rs) || d.state().aliveStreak().getOrDefault(rs, 0) < HAND_BACK_AFTER)
                    .as(() -> "covered only while down or not yet stable; " + where.get()).isTrue();
        });
        for (Effect e : d.effects()) {
            if (e instanceof Effect.TakeOver take) {
                assertThat(seen.available(take.failoverServer())).as(() -> "enabled, alive, not busy; " + where.get()).isTrue();
                for (Topology.Candidate c : t.candidates(take.recordingServer())) {
                    if (c.failoverServer() == take.failoverServer()) {
                        break;
                    }
                    assertThat(taken(c.failoverServer(), seen, covers)).as(() -> "first available in sequence; " + where.get()).isTrue();
                }
            } else if (e instanceof Effect.HandBack back) {
                assertThat(!seen.watched(back.recordingServer()) || seen.alive(back.recordingServer()))
                        .as(() -> "hand back only to a returned server; " + where.get()).isTrue();
            } else if (e instanceof Effect.Uncovered u) {
                assertThat(before.reportedUncovered()).as(() -> "reported once per outage; " + where.get()).doesNotContain(u.recordingServer());
            }
        }
        for (Map.Entry<Long, Boolean> rs : seen.recordingServersAlive().entrySet()) {
            if (!rs.getValue() && !covers.containsKey(rs.getKey())) {
                for (Topology.Candidate c : t.candidates(rs.getKey())) {
                    assertThat(taken(c.failoverServer(), seen, covers)).as(() -> "no usable server left idle; " + where.get()).isTrue();
                }
                assertThat(d.state().reportedUncovered()).as(() -> "the uncovered are reported; " + where.get()).contains(rs.getKey());
            }
        }
        assertThat(replay(before.covers(), d.effects(), where)).as(() -> "the effects say exactly how the covers changed; " + where.get())
                .isEqualTo(covers);
    }

    private static boolean taken(long f, Observation seen, Map<Long, Long> covers) {
        return !seen.available(f) || covers.containsValue(f);
    }

    private static Map<Long, Long> replay(Map<Long, Long> covers, List<Effect> effects, Supplier<String> where) {
        Map<Long, Long> out = new HashMap<>(covers);
        Set<Long> seenTake = new HashSet<>();
        for (Effect e : effects) {
            if (e instanceof Effect.TakeOver t) {
                assertThat(seenTake.add(t.recordingServer())).as(where).isTrue();
                assertThat(out.put(t.recordingServer(), t.failoverServer())).as(where).isNull();
            } else if (e instanceof Effect.HandBack h) {
                assertThat(out.remove(h.recordingServer())).as(where).isEqualTo(h.failoverServer());
            } else if (e instanceof Effect.CoverLost l) {
                assertThat(out.remove(l.recordingServer())).as(where).isEqualTo(l.failoverServer());
            } else if (e instanceof Effect.Uncovered u) {
                assertThat(out).as(where).doesNotContainKey(u.recordingServer());
            }
        }
        return out;
    }
}
