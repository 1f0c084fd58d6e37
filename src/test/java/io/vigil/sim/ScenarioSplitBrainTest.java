package io.vigil.sim;

import io.vigil.core.Colour;
import io.vigil.core.Command;
import io.vigil.core.ServicesPhase;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static io.vigil.core.NodeState.ALONE;
import static io.vigil.core.NodeState.PRIM;
import static io.vigil.core.NodeState.SECOND;
import static io.vigil.core.NodeState.WAIT;
import static io.vigil.sim.ScenarioFailoverTest.running;
import static org.assertj.core.api.Assertions.assertThat;

/** SPEC §4: the witness lease, self-fencing, and what happens without a witness. */
class ScenarioSplitBrainTest {

    @Nested
    class WithAWitness {
        @Test
        void aCutLinkBetweenTheNodesLeavesExactlyTheLeaseHolderRunning() {
            Scenario s = running(Scenario.withWitness());
            s.partition(1, 2).tick(15_000);
            s.expect(1, ALONE).expectServicesRunningOn(1).expect(2, WAIT).expectNoServicesOn(2)
                    .expectReason(2, "lease is held by node1");
            s.heal(1, 2).within(10_000).expect(1, PRIM).expect(2, SECOND);
            assertThat(s.failovers(2)).isEmpty();
        }

        @Test
        void aPrimIsolatedFromPeerAndWitnessStopsItsServicesBeforeThePeerStartsThem() {
            Scenario s = running(Scenario.withWitness());
            long cut = s.now();
            s.isolate(1).within(15_000).expect(2, ALONE).expectServicesRunningOn(2).expectNoServicesOn(1);
            long stopped = s.firstServices(1, ServicesPhase.IDLE, cut);
            long started = s.firstServices(2, ServicesPhase.STARTING, cut);
            assertThat(stopped).as("node1 fenced itself").isPositive();
            assertThat(started).as("node2 took over").isPositive();
            assertThat(stopped).as("node1's services were gone before node2 started its own").isLessThan(started);
            s.expect(1, WAIT).expectAlarm(1, "FENCED");
            s.healAll().within(10_000).expect(2, PRIM).expect(1, SECOND);
        }

        @Test
        void aSecondIsolatedFromTheWitnessChangesNothing() {
            Scenario s = running(Scenario.withWitness());
            s.isolateFromWitness(2).tick(15_000).expect(1, PRIM).expect(2, SECOND).expectServicesRunningOn(1);
        }

        @Test
        void aPrimIsolatedFromTheWitnessOnlyKeepsRunningOnItsPeersGrant() {
            Scenario s = running(Scenario.withWitness());
            s.isolateFromWitness(1).tick(15_000).expect(1, PRIM).expect(2, SECOND).expectServicesRunningOn(1);
        }

        @Test
        void theWitnessGoingDownWhileBothNodesSeeEachOtherMovesNothing() {
            Scenario s = running(Scenario.withWitness());
            int mark = s.mark();
            s.witnessDown().tick(30_000);
            s.expect(1, PRIM).expect(2, SECOND).expectServicesRunningOn(1).expectNoServicesOn(2);
            assertThat(s.effectsSince(mark, 1, io.vigil.core.Effect.StopServices.class)).isEmpty();
            s.witnessUp().tick(5_000).expect(1, PRIM).expect(2, SECOND);
        }

        @Test
        void theWitnessDownAndThePeerLostStopsTheServicesEverywhereAndForceStartStillWorks() {
            Scenario s = running(Scenario.withWitness());
            s.witnessDown().tick(2_000).partition(1, 2).tick(15_000);
            s.expectNoServicesOn(1).expectNoServicesOn(2).expect(1, WAIT).expect(2, WAIT);
            s.expectAlarm(1, "FENCED");
            s.command(2, new Command.ForceStart()).expectAccepted();
            s.within(5_000).expect(2, ALONE).expectServicesRunningOn(2).tick(10_000).expect(2, ALONE);
            s.expectNoServicesOn(1);
            s.healAll().within(15_000).expect(2, PRIM).expect(1, SECOND);
        }

        @Test
        void aPrimPausedFortySecondsIsKilledByItsWatchdogAndComesBackSecond() {
            Scenario s = running(Scenario.withWitness());
            s.pause(1).within(15_000).expect(2, ALONE).expectServicesRunningOn(2);
            assertThat(s.servicesTruth(1)).as("the watchdog killed node1's services").isEqualTo(ServicesPhase.IDLE);
            s.tick(40_000 - 15_000).resume(1).within(15_000).expect(1, SECOND).expect(2, PRIM);
            s.expectNoServicesOn(1).expectServicesRunningOn(2);
        }

        @Test
        void aSecondPausedFortySecondsComesBackSecond() {
            Scenario s = running(Scenario.withWitness());
            s.pause(2).tick(40_000).expect(1, ALONE).resume(2).within(15_000).expect(1, PRIM).expect(2, SECOND);
        }
    }

    @Nested
    class WithoutAWitness {
        @Test
        void aCutLinkMakesBothNodesAloneAndHealingKeepsTheLongerRunnerAndAlarmsSplitBrain() {
            Scenario s = running(Scenario.withoutWitness());
            s.partition(1, 2).within(10_000).expect(1, ALONE).expect(2, ALONE);
            s.expectServicesRunningOn(1).expectServicesRunningOn(2).expectColour(1, Colour.GREEN);
            s.tick(10_000).heal(1, 2).within(15_000).expect(1, PRIM).expect(2, SECOND);
            s.expectServicesRunningOn(1).expectNoServicesOn(2);
            s.expectAlarm(2, "SPLIT_BRAIN"); // the node whose run is abandoned says so
            assertThat(s.alarms(2, "SPLIT_BRAIN").get(0).message()).contains("kept aside");
        }

        @Test
        void theNodeThatRanLongerStaysEvenWhenItIsNode2() {
            Scenario s = running(Scenario.withoutWitness());
            s.command(1, new Command.Swap(false)).expectAccepted();
            s.within(10_000).expect(2, PRIM).expect(1, SECOND).expectUpToDate(1).tick(1_500);
            s.partition(1, 2).within(10_000).expect(1, ALONE).expect(2, ALONE).tick(5_000);
            s.heal(1, 2).within(15_000).expect(2, PRIM).expect(1, SECOND).expectAlarm(2, "SPLIT_BRAIN");
        }

        @Test
        void theStatusWarnsThatASplitRunsTheServicesTwice() {
            Scenario s = running(Scenario.withoutWitness());
            assertThat(s.status(2).witnessConfigured()).isFalse();
            assertThat(s.status(2).warnings()).anyMatch(w -> w.contains("runs the services on both"));
        }
    }
}
