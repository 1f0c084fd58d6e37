package io.vigil.vms.failover;

import io.vigil.vms.failover.Effect.CoverLost;
import io.vigil.vms.failover.Effect.HandBack;
import io.vigil.vms.failover.Effect.TakeOver;
import io.vigil.vms.failover.Effect.Uncovered;
import io.vigil.vms.failover.Observation.FailoverServerState;
import io.vigil.vms.failover.Topology.Route;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The takeover decision, table-style: each case sets the recording servers' liveness and the
 * failover servers' state, steps once (or a few times) and names the effects it expects.
 * Recording servers are 1-9, failover servers 11-19, groups 101-109.
 */
class TakeoverDeciderTest {
    private static final Instant T0 = Instant.parse("2026-12-07T17:00:00Z");
    private static final FailoverServerState READY = new FailoverServerState(true, true, false);
    private static final FailoverServerState BUSY = new FailoverServerState(true, true, true);
    private static final FailoverServerState DISABLED = new FailoverServerState(false, true, false);
    private static final FailoverServerState DOWN = new FailoverServerState(true, false, false);

    /** Groups 101 = [11, 12], 102 = [13]; rs 1 and 2 cold on 101 then 102; rs 3 hot on 14; rs 4 cold on 101 only. */
    private static final Topology SITE = new Topology(Map.of(
            1L, new Protection.Cold(101, 102L),
            2L, new Protection.Cold(101, 102L),
            3L, new Protection.Hot(14),
            4L, new Protection.Cold(101, null)),
            Map.of(101L, List.of(11L, 12L), 102L, List.of(13L)));

    private final TakeoverDecider decider = new TakeoverDecider(Clock.fixed(T0, ZoneOffset.UTC), 2);

    /** A world: every recording server alive and every failover server ready unless changed. */
    private static final class World {
        final Map<Long, Boolean> alive = new HashMap<>(Map.of(1L, true, 2L, true, 3L, true, 4L, true));
        final Map<Long, FailoverServerState> servers = new HashMap<>(Map.of(11L, READY, 12L, READY, 13L, READY, 14L, READY));

        World down(long... recordingServers) {
            for (long rs : recordingServers) {
                alive.put(rs, false);
            }
            return this;
        }

        World up(long rs) {
            alive.put(rs, true);
            return this;
        }

        World set(long failoverServer, FailoverServerState state) {
            servers.put(failoverServer, state);
            return this;
        }

        Observation seen() {
            return new Observation(alive, servers);
        }
    }

    private TakeoverDecider.Decision step(TakeoverDecider.State s, World w) {
        return decider.step(s, SITE, w.seen());
    }

    @Test
    void allAliveDoesNothing() {
        TakeoverDecider.Decision d = step(TakeoverDecider.State.EMPTY, new World());
        assertThat(d.effects()).isEmpty();
        assertThat(d.state()).isEqualTo(TakeoverDecider.State.EMPTY);
    }

    @Test
    void hotStandbyTakesOverAtOnce() {
        assertThat(step(TakeoverDecider.State.EMPTY, new World().down(3)).effects())
                .containsExactly(new TakeOver(3, 14, Route.HOT_STANDBY, T0));
    }

    @Test
    void coldStandbyTakesTheFirstOfThePrimaryGroupInSequence() {
        assertThat(step(TakeoverDecider.State.EMPTY, new World().down(1)).effects())
                .containsExactly(new TakeOver(1, 11, Route.PRIMARY_GROUP, T0));
    }

    @Test
    void aBusyServerIsSkipped() {
        assertThat(step(TakeoverDecider.State.EMPTY, new World().down(1).set(11, BUSY)).effects())
                .containsExactly(new TakeOver(1, 12, Route.PRIMARY_GROUP, T0));
    }

    @Test
    void aDisabledServerIsNeverUsedEvenWhenItIsTheOnlyOne() {
        assertThat(step(TakeoverDecider.State.EMPTY, new World().down(1).set(11, DISABLED)).effects())
                .containsExactly(new TakeOver(1, 12, Route.PRIMARY_GROUP, T0));
        World w = new World().down(3).set(14, DISABLED);
        assertThat(step(TakeoverDecider.State.EMPTY, w).effects())
                .containsExactly(new Uncovered(3, "no failover server available: failover server 14 is disabled"));
    }

    @Test
    void theSecondaryGroupIsUsedWhenThePrimaryGroupIsBusy() {
        assertThat(step(TakeoverDecider.State.EMPTY, new World().down(1).set(11, BUSY).set(12, DOWN)).effects())
                .containsExactly(new TakeOver(1, 13, Route.SECONDARY_GROUP, T0));
    }

    @Test
    void withoutASecondaryGroupABusyPrimaryGroupLeavesItUncovered() {
        assertThat(step(TakeoverDecider.State.EMPTY, new World().down(4).set(11, BUSY).set(12, BUSY)).effects())
                .containsExactly(new Uncovered(4, "no failover server available: failover server 11 is busy,"
                        + " failover server 12 is busy"));
    }

    @Test
    void twoFailuresWithOneColdServerCoverOneWhollyAndReportTheOther() {
        World w = new World().down(1, 2).set(12, DOWN).set(13, DOWN);
        TakeoverDecider.Decision d = step(TakeoverDecider.State.EMPTY, w);
        assertThat(d.effects()).containsExactly(new TakeOver(1, 11, Route.PRIMARY_GROUP, T0),
                new Uncovered(2, "no failover server available: failover server 11 covers another recording server,"
                        + " failover server 12 is down, failover server 13 is down"));
        assertThat(d.state().covers()).isEqualTo(Map.of(1L, 11L));

        TakeoverDecider.Decision again = step(d.state(), w);
        assertThat(again.effects()).as("reported once per outage, covers unchanged").isEmpty();
        assertThat(again.state()).isEqualTo(d.state());
    }

    @Test
    void theUncoveredOneIsCoveredWhenAServerFreesUp() {
        World w = new World().down(1, 2).set(12, DOWN).set(13, DOWN);
        TakeoverDecider.State s = step(TakeoverDecider.State.EMPTY, w).state();
        assertThat(step(s, w.set(13, READY)).effects()).containsExactly(new TakeOver(2, 13, Route.SECONDARY_GROUP, T0));
    }

    @Test
    void neverTwoFailoverServersForOneRecordingServer() {
        World w = new World().down(1);
        TakeoverDecider.State s = step(TakeoverDecider.State.EMPTY, w).state();
        TakeoverDecider.Decision d = step(s, w.set(11, BUSY)); // it now reports busy: it is, with our recording server
        assertThat(d.effects()).isEmpty();
        assertThat(d.state().covers()).isEqualTo(Map.of(1L, 11L));
    }

    @Test
    void handBackOnlyAfterTheRecordingServerIsSeenAliveTwiceInARow() {
        World w = new World().down(1);
        TakeoverDecider.State s = step(TakeoverDecider.State.EMPTY, w).state();
        s = step(s, w.up(1)).state();
        assertThat(s.covers()).as("one observation alive: still covered").containsEntry(1L, 11L);
        s = step(s, w.down(1)).state();
        s = step(s, w.up(1)).state();
        assertThat(s.covers()).as("a flap restarts the count").containsEntry(1L, 11L);
        TakeoverDecider.Decision d = step(s, w);
        assertThat(d.effects()).containsExactly(new HandBack(1, 11));
        assertThat(d.state()).isEqualTo(TakeoverDecider.State.EMPTY);
    }

    @Test
    void aCoveringServerThatDiesIsReplacedInTheSameStep() {
        World w = new World().down(1);
        TakeoverDecider.State s = step(TakeoverDecider.State.EMPTY, w).state();
        assertThat(step(s, w.set(11, DOWN)).effects())
                .containsExactly(new CoverLost(1, 11), new TakeOver(1, 12, Route.PRIMARY_GROUP, T0));
    }

    /** The simulation found it: removing from a TreeMap while iterating a copy of its live entries reported the wrong pair. */
    @Test
    void coverLostNamesThePairWhoseServerDiedAmongThreeCovers() {
        TakeoverDecider.State s = new TakeoverDecider.State(Map.of(1L, 12L, 2L, 11L, 4L, 13L),
                Map.of(1L, T0, 2L, T0, 4L, T0), Map.of(), java.util.Set.of());
        World w = new World().down(1, 2, 4).set(11, DOWN);
        assertThat(step(s, w).effects()).containsExactly(new CoverLost(2, 11),
                new Uncovered(2, "no failover server available: failover server 11 is down, failover server 12 covers"
                        + " another recording server, failover server 13 covers another recording server"));
    }

    @Test
    void disablingACoveringServerKeepsItRecordingUntilHandBack() {
        World w = new World().down(1);
        TakeoverDecider.State s = step(TakeoverDecider.State.EMPTY, w).state();
        TakeoverDecider.Decision d = step(s, w.set(11, DISABLED));
        assertThat(d.effects()).isEmpty();
        assertThat(d.state().covers()).isEqualTo(Map.of(1L, 11L));
    }

    @Test
    void aRecordingServerNoLongerWatchedIsReleased() {
        World w = new World().down(1);
        TakeoverDecider.State s = step(TakeoverDecider.State.EMPTY, w).state();
        w.alive.remove(1L);
        TakeoverDecider.Decision d = step(s, w);
        assertThat(d.effects()).containsExactly(new HandBack(1, 11));
        assertThat(d.state()).isEqualTo(TakeoverDecider.State.EMPTY);
    }

    @Test
    void theLongestDownIsServedFirst() {
        Instant[] now = {T0};
        Clock moving = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        TakeoverDecider d = new TakeoverDecider(moving, 1);
        World w = new World().down(2).set(11, BUSY).set(12, BUSY).set(13, BUSY);
        TakeoverDecider.State s = d.step(TakeoverDecider.State.EMPTY, SITE, w.seen()).state();
        now[0] = T0.plusSeconds(5);
        s = d.step(s, SITE, w.down(1).seen()).state();
        assertThat(d.step(s, SITE, w.set(13, READY).seen()).effects())
                .as("rs 2 has waited longer than rs 1, whose id is smaller")
                .containsExactly(new TakeOver(2, 13, Route.SECONDARY_GROUP, T0));
    }

    @Test
    void anUnprotectedRecordingServerIsReportedOnce() {
        World w = new World();
        w.alive.put(7L, false);
        TakeoverDecider.Decision d = step(TakeoverDecider.State.EMPTY, w);
        assertThat(d.effects()).containsExactly(new Uncovered(7, "no failover server or group is configured for it"));
        assertThat(step(d.state(), w).effects()).isEmpty();
    }

    @Test
    void handBackAfterBelowOneIsRefused() {
        assertThatThrownBy(() -> new TakeoverDecider(Clock.systemUTC(), 0)).hasMessageContaining("at least 1");
    }
}
