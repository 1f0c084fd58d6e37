package io.vigil.sim;

import io.vigil.core.Command;
import io.vigil.core.Effect;
import org.junit.jupiter.api.Test;

import static io.vigil.core.NodeState.ALONE;
import static io.vigil.core.NodeState.PRIM;
import static io.vigil.core.NodeState.SECOND;
import static io.vigil.core.NodeState.WAIT;
import static io.vigil.sim.ScenarioFailoverTest.running;
import static org.assertj.core.api.Assertions.assertThat;

/** SPEC §2 trigger (b), local restart before failover, and flapping protection. */
class ScenarioServiceFailureTest {
    private static final String MS = "management-server";

    @Test
    void aFailedResourceIsRestartedInPlaceUpToMaxRestartsThenHandedOverAfterTheFailoverDelay() {
        Scenario s = running(Scenario.withWitness().localRestarts(2, 300_000).serviceFailoverDelay(10_000));
        int mark = s.mark();
        s.failResource(1, MS).tick(1_000).failResource(1, MS).tick(1_000);
        assertThat(s.effectsSince(mark, 1, Effect.RestartResource.class))
                .containsExactly(new Effect.RestartResource(MS), new Effect.RestartResource(MS));
        s.failResource(1, MS);
        assertThat(s.effectsSince(mark, 1, Effect.RestartResource.class)).as("restarts used up").hasSize(2);
        long exhaustedAt = s.now();
        s.tick(9_000).expect(1, PRIM).expectServicesRunningOn(1);
        s.within(12_000).expect(2, PRIM).expect(1, SECOND).expectServicesRunningOn(2).expectNoServicesOn(1);
        assertThat(s.firstServices(1, io.vigil.core.ServicesPhase.STOPPING, exhaustedAt) - exhaustedAt)
                .as("failover after the delay").isBetween(10_000L, 11_000L);
        s.expectAlarm(1, "SERVICE_FAILOVER");
    }

    @Test
    void aResourceThatRecoversBeforeTheDelayDoesNotMoveTheServices() {
        Scenario s = running(Scenario.withWitness().localRestarts(1, 300_000).serviceFailoverDelay(10_000));
        s.failResource(1, MS).tick(500).failResource(1, MS).tick(5_000).recoverResource(1, MS).tick(20_000);
        s.expect(1, PRIM).expect(2, SECOND).expectServicesRunningOn(1).expectNoAlarm(1, "SERVICE_FAILOVER");
    }

    @Test
    void withoutAnUpToDateSecondTheFailedResourceKeepsBeingRestartedAndAnAlarmSaysWhy() {
        Scenario s = running(Scenario.withWitness().localRestarts(0, 300_000).serviceFailoverDelay(5_000));
        s.crash(2).within(6_000).expect(1, ALONE);
        int mark = s.mark();
        s.failResource(1, MS).tick(6_000);
        s.expect(1, ALONE).expectServicesRunningOn(1).expectAlarm(1, "SERVICE_DOWN");
        assertThat(s.alarms(1, "SERVICE_DOWN").get(0).message()).contains("node2 is absent");
        assertThat(s.effectsSince(mark, 1, Effect.RestartResource.class)).isNotEmpty();
    }

    @Test
    void withFailoverOffAFailedResourceDoesNotMoveTheServices() {
        Scenario s = running(Scenario.withWitness().localRestarts(0, 300_000).serviceFailoverDelay(5_000));
        s.command(1, new Command.SetFailover(false)).expectAccepted();
        s.failResource(1, MS).tick(12_000);
        s.expect(1, PRIM).expectServicesRunningOn(1).expectAlarm(1, "SERVICE_DOWN");
        assertThat(s.alarms(1, "SERVICE_DOWN").get(0).message()).contains("failover is off");
    }

    @Test
    void afterFlapMaxAutomaticFailoversInTheWindowTheServicesNoLongerMoveAndFlappingIsAlarmed() {
        Scenario s = running(Scenario.withWitness().flapMax(2).localRestarts(0, 300_000).serviceFailoverDelay(5_000));
        // failover 1 (node2 takes over from a crashed node1), failback as SECOND
        s.crash(1).within(10_000).expect(2, ALONE).restart(1).within(15_000).expect(1, SECOND).expect(2, PRIM)
                .expectUpToDate(1).tick(1_500);
        // failover 2 (node2's management server dies: the services go back to node1)
        s.failResource(2, MS).within(15_000).expect(1, PRIM).expect(2, SECOND).expectUpToDate(2).tick(1_500);
        // a third automatic move is refused
        s.crash(1).tick(15_000);
        s.expect(2, WAIT).expectNoServicesOn(2).expectAlarm(2, "FLAPPING").expectReason(2, "flapping protection");
        assertThat(s.failovers(2)).hasSize(1);
        assertThat(s.status(2).warnings()).anyMatch(w -> w.contains("flapping protection"));
        s.command(2, new Command.ForceStart()).expectAccepted();
        s.within(5_000).expect(2, ALONE);
    }

    @Test
    void flappingProtectionAlsoStopsServiceFailovers() {
        Scenario s = running(Scenario.withWitness().flapMax(1).localRestarts(0, 300_000).serviceFailoverDelay(5_000));
        s.failResource(1, MS).within(15_000).expect(2, PRIM).expect(1, SECOND).expectUpToDate(1).tick(1_500);
        s.failResource(2, MS).tick(15_000);
        s.expect(2, PRIM).expectServicesRunningOn(2).expectAlarm(2, "SERVICE_DOWN");
        assertThat(s.alarms(2, "SERVICE_DOWN").get(0).message()).contains("flapping protection");
    }
}
