package io.vigil.sim;

import io.vigil.core.Colour;
import io.vigil.core.Command;
import io.vigil.core.Effect;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static io.vigil.core.NodeState.ALONE;
import static io.vigil.core.NodeState.PRIM;
import static io.vigil.core.NodeState.SECOND;
import static io.vigil.core.NodeState.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** SPEC §2: first start, automatic failover on peer loss, failback, total power loss, force start. */
class ScenarioFailoverTest {

    static Scenario running(Scenario s) {
        return s.bootBoth().within(10_000).expect(1, PRIM).expect(2, SECOND).expectServicesRunningOn(1)
                .expectNoServicesOn(2).expectUpToDate(2).tick(1_500); // node1 hears that node2 is up to date
    }

    @Nested
    class FirstStart {
        @Test
        void bothNodesStartingTogetherGiveNode1PrimAndNode2SecondWhenTheirDataIsEqual() {
            Scenario s = running(Scenario.withWitness());
            s.expectColour(1, Colour.GREEN).expectColour(2, Colour.GREEN);
            assertThat(s.status(1).synchronousReplication()).isTrue();
        }

        @Test
        void withoutAWitnessTheFirstStartIsTheSameAndTheStatusWarnsLoudly() {
            Scenario s = running(Scenario.withoutWitness());
            assertThat(s.status(1).warnings()).anyMatch(w -> w.contains("no witness"));
            assertThat(s.effects(1, Effect.Log.class))
                    .anyMatch(l -> l.level() == Effect.Log.Level.ERROR && l.message().contains("no witness configured"));
        }

        @Test
        void node2StartedAloneLaterStillComesUpSecond() {
            Scenario s = Scenario.withWitness().boot(1).tick(5_000).expect(1, WAIT).boot(2);
            s.within(10_000).expect(1, PRIM).expect(2, SECOND);
        }
    }

    @Nested
    class PeerLost {
        @Test
        void aSecondThatLosesItsPeerBecomesAloneWithAWitnessAfterAboutThreeHeartbeats() {
            Scenario s = running(Scenario.withWitness()).tick(3_000);
            long crashedAt = s.now();
            s.crash(1).within(10_000).expect(2, ALONE).expectServicesRunningOn(2);
            assertThat(s.failovers(2)).hasSize(1);
            long detect = s.failovers(2).get(0).detectMs();
            assertThat(detect).as("detection time").isBetween(2_500L, 4_500L);
            assertThat(s.enteredAt(2, ALONE) - crashedAt).as("failover time").isLessThan(5_500L);
        }

        @Test
        void aSecondThatLosesItsPeerBecomesAloneWithoutAWitnessAfterAboutThreeHeartbeats() {
            Scenario s = running(Scenario.withoutWitness()).tick(3_000);
            s.crash(1).within(10_000).expect(2, ALONE).expectServicesRunningOn(2);
            assertThat(s.failovers(2)).singleElement()
                    .satisfies(f -> assertThat(f.detectMs()).isBetween(2_500L, 4_500L));
        }

        @Test
        void theKilledPrimComesBackSecondAndTheAloneNodeBecomesPrimWithoutMovingTheServices() {
            Scenario s = running(Scenario.withWitness()).tick(2_000);
            s.crash(1).within(10_000).expect(2, ALONE).tick(5_000);
            int mark = s.mark();
            s.restart(1).within(15_000).expect(1, SECOND).expect(2, PRIM);
            s.tick(3_000).expect(1, SECOND).expect(2, PRIM).expectNoServicesOn(1).expectServicesRunningOn(2);
            assertThat(s.effectsSince(mark, 2, Effect.StopServices.class)).as("services stay where they are").isEmpty();
            assertThat(s.status(1).dataEpoch()).as("node1 resynchronised").isEqualTo(s.status(2).epoch());
        }
    }

    @Nested
    class BothNodesLosePower {
        @Test
        void theFirstNodeBackWaitsRedWithoutRunningTheServicesUntilThePeerReturns() {
            Scenario s = running(Scenario.withWitness()).tick(2_000);
            s.crash(1).crash(2).tick(1_000).restart(2).tick(20_000);
            s.expect(2, WAIT).expectColour(2, Colour.RED).expectNoServicesOn(2).expectReason(2, "force start");
            s.restart(1).within(15_000).expect(1, PRIM).expect(2, SECOND);
        }

        @Test
        void whenBothComeBackTheNodeWithNewerDataBecomesPrim() {
            Scenario s = running(Scenario.withWitness()).tick(2_000);
            s.crash(1).within(10_000).expect(2, ALONE).tick(3_000);
            s.crash(2).tick(1_000).restart(1).tick(20_000);
            s.expect(1, WAIT).expectColour(1, Colour.RED).expectNoServicesOn(1);
            s.restart(2).within(15_000).expect(2, PRIM).expect(1, SECOND);
        }

        @Test
        void withoutAWitnessTheFirstNodeBackAlsoWaits() {
            Scenario s = running(Scenario.withoutWitness()).tick(2_000);
            s.crash(1).within(10_000).expect(2, ALONE).tick(3_000);
            s.crash(2).tick(1_000).restart(1).tick(20_000).expect(1, WAIT).expectNoServicesOn(1);
            s.restart(2).within(15_000).expect(2, PRIM).expect(1, SECOND);
        }
    }

    @Nested
    class ForceStart {
        @Test
        void aNodeWaitingForAPeerThatIsGoneForGoodCanBeForceStarted() {
            Scenario s = running(Scenario.withWitness()).tick(2_000);
            s.crash(1).crash(2).restart(2).tick(10_000).expect(2, WAIT);
            s.command(2, new Command.ForceStart()).expectAccepted();
            s.within(5_000).expect(2, ALONE).expectServicesRunningOn(2).expectAlarm(2, "FORCE_START");
            assertThat(s.status(2).forced()).isTrue();
            s.tick(10_000).expect(2, ALONE);
        }

        @Test
        void theForceStartedNodeStaysPrimWhenTheOldPeerReturnsAndThePeerFollows() {
            Scenario s = running(Scenario.withWitness()).tick(2_000);
            s.crash(1).crash(2).restart(2).tick(10_000);
            s.command(2, new Command.ForceStart()).expectAccepted();
            s.within(5_000).expect(2, ALONE).restart(1).within(15_000).expect(2, PRIM).expect(1, SECOND);
            assertThat(s.status(2).forced()).as("normal rules again once the peer follows").isFalse();
        }

        @Test
        void forceStartIsRefusedWhileThePeerRunsTheServices() {
            Scenario s = running(Scenario.withWitness());
            s.command(2, new Command.ForceStart()).expectRefused("node1 runs the services", "swap");
            s.tick(3_000).expect(1, PRIM).expect(2, SECOND);
        }
    }
}
