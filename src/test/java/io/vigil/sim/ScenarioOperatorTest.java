package io.vigil.sim;

import io.vigil.core.BootMode;
import io.vigil.core.Colour;
import io.vigil.core.Command;
import io.vigil.core.Effect;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static io.vigil.core.NodeState.ALONE;
import static io.vigil.core.NodeState.PRIM;
import static io.vigil.core.NodeState.SECOND;
import static io.vigil.core.NodeState.STOP;
import static io.vigil.core.NodeState.WAIT;
import static io.vigil.sim.ScenarioFailoverTest.running;
import static org.assertj.core.api.Assertions.assertThat;

/** SPEC §2 operator actions: swap, start/stop/restart, boot behaviour, admin switches, colours. */
class ScenarioOperatorTest {

    @Nested
    class Swap {
        @Test
        void swapFromPrimExchangesTheRoles() {
            Scenario s = running(Scenario.withWitness());
            s.command(1, new Command.Swap(false)).expectAccepted();
            s.within(10_000).expect(2, PRIM).expect(1, SECOND).expectServicesRunningOn(2).expectNoServicesOn(1);
            assertThat(s.failovers(2)).as("a swap is not an automatic failover").isEmpty();
        }

        @Test
        void swapFromSecondExchangesTheRoles() {
            Scenario s = running(Scenario.withWitness());
            s.command(2, new Command.Swap(false)).expectAccepted();
            s.within(10_000).expect(2, PRIM).expect(1, SECOND).expectServicesRunningOn(2).expectNoServicesOn(1);
        }

        @Test
        void swappingTwiceBringsTheServicesBackToNode1() {
            Scenario s = running(Scenario.withWitness());
            s.command(1, new Command.Swap(false)).expectAccepted();
            s.within(10_000).expect(2, PRIM).expect(1, SECOND).expectUpToDate(1).tick(1_500);
            s.command(2, new Command.Swap(false)).expectAccepted();
            s.within(10_000).expect(1, PRIM).expect(2, SECOND).expectServicesRunningOn(1);
        }

        @Test
        void swapIsRefusedWhileThePeerIsDownWithAClearMessage() {
            Scenario s = running(Scenario.withWitness()).crash(2).within(6_000).expect(1, ALONE);
            s.command(1, new Command.Swap(false)).expectRefused("node2 is not reachable", "start node2");
            s.command(1, new Command.Swap(true)).expectRefused("not reachable");
            s.tick(2_000).expect(1, ALONE).expectServicesRunningOn(1);
        }

        @Test
        void swapIsRefusedWhileThePeerIsNotUpToDateAndAllowedWithoutSync() {
            Scenario s = running(Scenario.withWitness()).stallReplicationTo(2).tick(8_000);
            s.expect(1, PRIM).expect(2, SECOND);
            s.command(1, new Command.Swap(false)).expectRefused("node2 is not up to date", "--without-sync");
            s.command(2, new Command.Swap(false)).expectRefused("this node's data is not up to date");
            s.tick(3_000).expect(1, PRIM).expectServicesRunningOn(1);
            s.acceptDataLoss().command(1, new Command.Swap(true)).expectAccepted();
            s.resumeReplicationTo(2).within(10_000).expect(2, PRIM).expect(1, SECOND).expectServicesRunningOn(2);
        }

        @Test
        void swapWithoutSyncRequestedFromTheSecondIsAllowedToo() {
            Scenario s = running(Scenario.withWitness()).stallReplicationTo(2).tick(8_000);
            s.acceptDataLoss().command(2, new Command.Swap(true)).expectAccepted();
            s.resumeReplicationTo(2).within(10_000).expect(2, PRIM).expect(1, SECOND);
        }

        @Test
        void swapIsRefusedWhenNoNodeIsPrim() {
            Scenario s = running(Scenario.withWitness());
            s.command(2, new Command.Stop()).expectAccepted();
            s.within(3_000).expect(2, STOP);
            s.command(2, new Command.Swap(false)).expectRefused("a swap needs one node PRIM and the other SECOND");
        }
    }

    @Nested
    class StartStopRestart {
        @Test
        void stoppingPrimMakesThePeerTakeOverAloneAndTheStoppedNodeShowsStopInRed() {
            Scenario s = running(Scenario.withWitness());
            s.command(1, new Command.Stop()).expectAccepted();
            s.within(10_000).expect(1, STOP).expect(2, ALONE).expectServicesRunningOn(2).expectNoServicesOn(1);
            s.expectColour(1, Colour.RED).expectColour(2, Colour.GREEN);
            s.tick(10_000).expect(1, STOP).expect(2, ALONE);
        }

        @Test
        void startingTheStoppedNodeBringsItBackSecond() {
            Scenario s = running(Scenario.withWitness());
            s.command(1, new Command.Stop()).expectAccepted();
            s.within(10_000).expect(1, STOP).expect(2, ALONE);
            s.command(1, new Command.Start()).expectAccepted();
            s.within(10_000).expect(1, SECOND).expect(2, PRIM).expectServicesRunningOn(2);
        }

        @Test
        void stoppingTheSecondLeavesThePrimAlone() {
            Scenario s = running(Scenario.withWitness());
            s.command(2, new Command.Stop()).expectAccepted();
            s.within(10_000).expect(2, STOP).expect(1, ALONE).expectServicesRunningOn(1);
            s.command(2, new Command.Start()).expectAccepted();
            s.within(10_000).expect(2, SECOND).expect(1, PRIM);
        }

        @Test
        void startingAStartedNodeIsRefused() {
            Scenario s = running(Scenario.withWitness());
            s.command(1, new Command.Start()).expectRefused("already started", "restart");
        }

        @Test
        void stoppingTheWholeClusterStopsBothAndStartingItAgainGivesPrimAndSecond() {
            Scenario s = running(Scenario.withWitness());
            s.command(2, new Command.Stop()).expectAccepted();
            s.command(1, new Command.Stop()).expectAccepted();
            s.within(10_000).expect(1, STOP).expect(2, STOP).expectNoServicesOn(1).expectNoServicesOn(2);
            s.tick(5_000).expect(1, STOP).expect(2, STOP);
            s.command(1, new Command.Start()).expectAccepted();
            s.command(2, new Command.Start()).expectAccepted();
            s.within(10_000).expectPrimAndSecond(); // equal data: either may run
        }

        @Test
        void restartingTheSecondBringsItBackSecond() {
            Scenario s = running(Scenario.withWitness());
            s.command(2, new Command.Restart()).expectAccepted();
            s.within(10_000).expect(1, PRIM).expect(2, SECOND).expectServicesRunningOn(1);
        }

        @Test
        void restartingThePrimHandsTheServicesToItsUpToDatePeerAndRejoinsSecond() {
            Scenario s = running(Scenario.withWitness());
            s.command(1, new Command.Restart()).expectAccepted();
            s.within(15_000).expect(2, PRIM).expect(1, SECOND).expectServicesRunningOn(2);
        }

        @Test
        void restartingTheAloneNodeRestartsItsServicesWhenThePeerIsAbsent() {
            Scenario s = running(Scenario.withWitness()).crash(2).within(6_000).expect(1, ALONE);
            int mark = s.mark();
            s.command(1, new Command.Restart()).expectAccepted();
            s.within(3_000).expect(1, WAIT);
            s.within(10_000).expect(1, ALONE).expectServicesRunningOn(1);
            assertThat(s.effectsSince(mark, 1, Effect.StopServices.class)).as("the services were stopped").hasSize(1);
            assertThat(s.effectsSince(mark, 1, Effect.StartServices.class)).as("and started again").hasSize(1);
            assertThat(s.failovers(1)).as("a restart in place is not a failover").hasSize(0);
        }
    }

    @Nested
    class BootBehaviour {
        @Test
        void byDefaultARestartedSecondKeepsItsStateAndComesBackSecond() {
            Scenario s = running(Scenario.withWitness()).crash(2).tick(2_000).restart(2);
            s.within(10_000).expect(2, SECOND).expect(1, PRIM);
        }

        @Test
        void byDefaultAStoppedNodeStaysStoppedAfterItsMachineRestarts() {
            Scenario s = running(Scenario.withWitness());
            s.command(2, new Command.Stop()).expectAccepted();
            s.within(5_000).expect(2, STOP).crash(2).tick(1_000).restart(2).tick(10_000);
            s.expect(2, STOP).expectReason(2, "was stopped before restart").expect(1, ALONE);
        }

        @Test
        void bootDisabledComesUpStop() {
            Scenario s = running(Scenario.withWitness());
            s.command(2, new Command.SetBoot(BootMode.DISABLED)).expectAccepted();
            s.crash(2).tick(1_000).restart(2).tick(10_000);
            s.expect(2, STOP).expectColour(2, Colour.RED).expectReason(2, "disabled");
            assertThat(s.status(2).bootMode()).isEqualTo(BootMode.DISABLED);
            s.command(2, new Command.Start()).expectAccepted();
            s.within(10_000).expect(2, SECOND).expect(1, PRIM);
        }

        @Test
        void bootEnabledStartsANodeThatWasStopped() {
            Scenario s = running(Scenario.withWitness());
            s.command(2, new Command.SetBoot(BootMode.ENABLED)).expectAccepted();
            s.command(2, new Command.Stop()).expectAccepted();
            s.within(5_000).expect(2, STOP).crash(2).tick(1_000).restart(2);
            s.within(10_000).expect(2, SECOND).expect(1, PRIM);
        }
    }

    @Nested
    class Admin {
        @Test
        void withFailoverOffLosingThePrimMovesNothingAndTheSecondWaitsRedSayingWhy() {
            Scenario s = running(Scenario.withWitness());
            s.command(1, new Command.SetFailover(false)).expectAccepted();
            s.command(2, new Command.SetFailover(false)).expectAccepted();
            assertThat(s.status(2).warnings()).anyMatch(w -> w.contains("failover is off"));
            s.crash(1).tick(10_000);
            s.expect(2, WAIT).expectColour(2, Colour.RED).expectNoServicesOn(2).expectReason(2, "failover is off");
            assertThat(s.failovers(2)).isEmpty();
        }

        @Test
        void withFailoverOnAgainALostPrimFailsOverAgain() {
            Scenario s = running(Scenario.withWitness());
            s.command(2, new Command.SetFailover(false)).expectAccepted();
            s.crash(1).tick(10_000).expect(2, WAIT);
            s.restart(1).within(10_000).expect(1, PRIM).expect(2, SECOND).expectUpToDate(2);
            s.command(2, new Command.SetFailover(true)).expectAccepted();
            s.crash(1).within(10_000).expect(2, ALONE).expectServicesRunningOn(2);
        }

        @Test
        void failoverOffSurvivesARestartOfTheNode() {
            Scenario s = running(Scenario.withWitness());
            s.command(2, new Command.SetFailover(false)).expectAccepted();
            s.crash(2).tick(1_000).restart(2).within(10_000).expect(2, SECOND);
            assertThat(s.status(2).failoverEnabled()).isFalse();
        }

        @Test
        void withErrorDetectionSuspendedResourceFailuresAreIgnored() {
            Scenario s = running(Scenario.withWitness());
            s.command(1, new Command.SuspendErrorDetection(true)).expectAccepted();
            int mark = s.mark();
            for (int i = 0; i < 6; i++) {
                s.failResource(1, "management-server").tick(1_000);
            }
            s.tick(60_000).expect(1, PRIM).expect(2, SECOND).expectServicesRunningOn(1);
            assertThat(s.effectsSince(mark, 1, Effect.RestartResource.class)).isEmpty();
            assertThat(s.status(1).warnings()).anyMatch(w -> w.contains("error detection is suspended"));
            s.command(1, new Command.SuspendErrorDetection(false)).expectAccepted();
            s.failResource(1, "management-server");
            assertThat(s.effectsSince(mark, 1, Effect.RestartResource.class)).hasSize(1);
        }

        @Test
        void stoppingAndStartingTheCheckersTellsTheDriver() {
            Scenario s = running(Scenario.withWitness());
            int mark = s.mark();
            s.command(1, new Command.Checkers(false)).expectAccepted();
            assertThat(s.effectsSince(mark, 1, Effect.SetCheckers.class)).containsExactly(new Effect.SetCheckers(false));
            assertThat(s.status(1).checkersRunning()).isFalse();
            s.command(1, new Command.Checkers(true)).expectAccepted();
            assertThat(s.effectsSince(mark, 1, Effect.SetCheckers.class))
                    .containsExactly(new Effect.SetCheckers(false), new Effect.SetCheckers(true));
            assertThat(s.status(1).checkersRunning()).isTrue();
        }
    }

    @Nested
    class Colours {
        @Test
        void aNodeStartingTheServicesIsMagentaThenGreen() {
            Scenario s = Scenario.withWitness().bootBoth();
            s.awaitState(1, WAIT, 1).within(3_000).expectColour(1, Colour.MAGENTA);
            s.within(10_000).expect(1, PRIM).expectColour(1, Colour.GREEN).expect(2, SECOND).expectColour(2, Colour.GREEN);
        }

        @Test
        void aNodeWaitingForAnAbsentPeerIsRed() {
            Scenario s = Scenario.withWitness().boot(1).tick(3_000);
            s.expect(1, WAIT).expectColour(1, Colour.RED).expectReason(1, "waiting for node2");
        }

        @Test
        void aloneIsGreenAndStopIsRed() {
            Scenario s = running(Scenario.withWitness());
            s.command(2, new Command.Stop()).expectAccepted();
            s.within(5_000).expect(2, STOP).expectColour(2, Colour.RED).expect(1, ALONE).expectColour(1, Colour.GREEN);
        }
    }
}
