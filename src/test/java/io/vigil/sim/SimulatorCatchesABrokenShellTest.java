package io.vigil.sim;

import io.vigil.core.Effect;
import io.vigil.core.NodeState;
import io.vigil.heartbeat.HeartbeatRejected;
import io.vigil.heartbeat.ReplayGuard;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The simulator runs the production shell (issue 11): so a deliberately broken piece of it,
 * wrapped around the real one here in test code, must make the simulator report an invariant
 * violation that names its seed. If these pass with the breakage, the simulator is blind to it.
 */
class SimulatorCatchesABrokenShellTest {

    /** An EffectRunner that takes a lease request for a licence to start: it starts at once. */
    private static Consumer<Effect> startsWithoutTheLease(Consumer<Effect> real) {
        return effect -> {
            if (effect instanceof Effect.RequestLease r) {
                real.accept(new Effect.StartServices(r.epoch()));
            }
            real.accept(effect);
        };
    }

    /** A ReplayGuard that lets replays and old incarnations through: only sender checks remain. */
    private static SimHost.AdmissionWrapper admitsReplays() {
        return guard -> hb -> {
            try {
                return guard.admit(hb);
            } catch (HeartbeatRejected r) {
                if (r.reason() == HeartbeatRejected.Reason.REPLAYED) {
                    return ReplayGuard.Admission.NEW;
                }
                throw r;
            }
        };
    }

    @Test
    void anEffectRunnerThatStartsTheServicesWithoutTheLeaseIsCaughtWithItsSeed() {
        for (long seed = 1; seed <= 5; seed++) {
            SimWorld w = new SimWorld(seed, SimWorld.Options.defaults(true));
            w.effectSinkWrapper = SimulatorCatchesABrokenShellTest::startsWithoutTheLease;
            long s = seed;
            assertThatThrownBy(() -> partitionAfterFormingTheCluster(w))
                    .isInstanceOf(InvariantViolation.class)
                    .hasMessageContaining("seed=" + s)
                    .hasMessageContaining("both nodes run the services")
                    .hasMessageContaining("-Dsim.seed=" + s)
                    .satisfies(e -> assertThat(((InvariantViolation) e).seed()).isEqualTo(s));
        }
    }

    @Test
    void theSameScheduleWithTheRealEffectRunnerHoldsTheInvariants() {
        for (long seed = 1; seed <= 5; seed++) {
            SimWorld w = new SimWorld(seed, SimWorld.Options.defaults(true));
            partitionAfterFormingTheCluster(w);
            assertThat(w.state(1) == NodeState.PRIM || w.state(2) == NodeState.PRIM
                    || w.state(1) == NodeState.ALONE || w.state(2) == NodeState.ALONE)
                    .as("one side still runs the services after the partition").isTrue();
        }
    }

    private static void partitionAfterFormingTheCluster(SimWorld w) {
        w.boot(1);
        w.boot(2);
        w.runFor(8_000);
        w.trace("PARTITION node1<->node2");
        w.net.cutBoth(1, 2);
        w.runFor(15_000);
    }

    @Test
    void aReplayGuardThatAdmitsReplaysIsCaughtWithItsSeed() {
        for (long seed = 1; seed <= 5; seed++) {
            SimWorld w = new SimWorld(seed, SimWorld.Options.defaults(false));
            w.admission = admitsReplays();
            long s = seed;
            assertThatThrownBy(() -> crashThePrimWhileOldHeartbeatsAreReplayed(w))
                    .isInstanceOf(InvariantViolation.class)
                    .hasMessageContaining("seed=" + s)
                    .hasMessageContaining("does not run the services")
                    .hasMessageContaining("-Dsim.seed=" + s);
        }
    }

    @Test
    void theRealReplayGuardRefusesTheSameReplaysAndTheSurvivorTakesOver() {
        for (long seed = 1; seed <= 5; seed++) {
            SimWorld w = new SimWorld(seed, SimWorld.Options.defaults(false));
            crashThePrimWhileOldHeartbeatsAreReplayed(w);
            w.runFor(10_000); // the replays go on: the survivor keeps the services
            int survivor = w.state(1) == null ? 2 : 1;
            assertThat(w.rejected(survivor).get(HeartbeatRejected.Reason.REPLAYED))
                    .as("seed %d: the survivor refused the dead PRIM's replayed heartbeats", seed).isGreaterThan(3);
            assertThat(w.servicesTruth(survivor)).isEqualTo(io.vigil.core.ServicesPhase.RUNNING);
        }
    }

    /**
     * Someone keeps playing the PRIM's recorded heartbeats to the SECOND after the PRIM died: a
     * guard that believes them keeps the dead peer "present", and nobody takes over.
     */
    private static void crashThePrimWhileOldHeartbeatsAreReplayed(SimWorld w) {
        w.boot(1);
        w.boot(2);
        w.runFor(8_000);
        int prim = w.state(1) == NodeState.PRIM ? 1 : 2;
        w.trace("DATAGRAMS replay 1.0 of node" + prim);
        w.datagrams.replay = 1.0;
        w.datagrams.replayFrom = prim;
        w.crash(prim);
        w.awaitServicesOn(3 - prim, 15_000);
    }

    /**
     * Found by the byte-level nemesis, and fixed: node2 restarts with epoch-2 data after node1 ran
     * epoch 3 and died; one replayed heartbeat of node1 from epoch 1 made node2 follow it, lose
     * it, take the free lease at epoch 4 and run without node1's acknowledged writes, because the
     * witness answered with the highest epoch including node2's own new request. The witness now
     * answers with the highest epoch registered before the request, so node2 sees epoch 3 and
     * refuses to run with stale data (STALE_DATA), exactly as without the replay.
     */
    @Test
    void anOldHeartbeatReplayedToAFreshlyStartedStaleNodeNoLongerLosesAcknowledgedWrites() {
        SimWorld w = new SimWorld(7, SimWorld.Options.defaults(true));
        staleNodeRestartsAfterItsPeerDied(w, true);
        assertThat(w.servicesTruth(2)).isEqualTo(io.vigil.core.ServicesPhase.IDLE);
        assertThat(w.state(2)).isEqualTo(NodeState.WAIT);
    }

    @Test
    void withoutTheReplayTheRestartedStaleNodeWaitsForItsPeer() {
        SimWorld w = new SimWorld(7, SimWorld.Options.defaults(true));
        staleNodeRestartsAfterItsPeerDied(w, false);
        assertThat(w.state(2)).isEqualTo(NodeState.WAIT);
        assertThat(w.servicesTruth(2)).isEqualTo(io.vigil.core.ServicesPhase.IDLE);
    }

    private static void staleNodeRestartsAfterItsPeerDied(SimWorld w, boolean replayOnce) {
        w.boot(1);
        w.boot(2);
        w.runFor(8_000);
        byte[] recording = w.datagrams.latest(1); // node1 PRIM at epoch 1
        w.crash(1);
        w.awaitServicesOn(2, 15_000);             // node2 takes over: epoch 2
        w.boot(1);
        w.runFor(10_000);                         // node1 follows node2 and catches up
        w.crash(2);
        w.awaitServicesOn(1, 15_000);             // node1 takes over: epoch 3, writes node2 never sees
        w.runFor(3_000);
        w.crash(1);
        w.runFor(5_000);                          // node1's lease expires
        w.boot(2);                                // epoch-2 data, a fresh replay guard
        w.runFor(1_000);
        if (replayOnce) {
            w.injectDatagram(2, recording);
        }
        w.runFor(20_000);
    }
}
