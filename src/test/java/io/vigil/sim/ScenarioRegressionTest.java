package io.vigil.sim;

import io.vigil.core.Command;
import org.junit.jupiter.api.Test;

import static io.vigil.core.NodeState.ALONE;
import static io.vigil.core.NodeState.PRIM;
import static io.vigil.core.NodeState.SECOND;
import static io.vigil.core.NodeState.WAIT;
import static io.vigil.sim.ScenarioFailoverTest.running;
import static org.assertj.core.api.Assertions.assertThat;

/** One scenario per bug the scenarios found, named after the bug. */
class ScenarioRegressionTest {

    /** The witness's highest epoch included the epoch it had just registered for the requester. */
    @Test
    void witnessEchoingOurOwnRequestedEpochWasMistakenForStaleDataSoNoFailoverEverHappened() {
        Scenario s = running(Scenario.withWitness());
        s.crash(1).within(10_000).expect(2, ALONE).expectServicesRunningOn(2).expectNoAlarm(2, "STALE_DATA");
    }

    /** The fix must keep the real stale-data refusal: the old PRIM ran on at a newer epoch without us. */
    @Test
    void aSecondWhosePeerRanOnAloneWithTheWitnessStillRefusesToTakeOverWithStaleData() {
        Scenario s = running(Scenario.withWitness());
        s.partition(1, 2).tick(10_000).expect(1, ALONE).expect(2, WAIT);
        assertThat(s.status(1).epoch()).as("node1 registered a newer epoch to replicate asynchronously")
                .isGreaterThan(s.status(2).dataEpoch());
        s.crash(1).tick(15_000);
        s.expect(2, WAIT).expectNoServicesOn(2).expectAlarm(2, "STALE_DATA").expectReason(2, "after this node's data");
    }

    /** Takeover's "no failover: failover is off" was replaced by a generic reason on the next step. */
    @Test
    void theReasonForNotTakingOverWasOverwrittenByTheNextStep() {
        Scenario s = running(Scenario.withWitness());
        s.command(2, new Command.SetFailover(false)).expectAccepted();
        s.crash(1).tick(30_000).expect(2, WAIT).expectReason(2, "failover is off").expectReason(2, "force start");
    }

    /** Restart of PRIM said "node2 takes over" but a tie of equal data gave node1 the services back. */
    @Test
    void restartOfPrimPromisedTheUpToDatePeerWouldTakeOverButTookTheServicesBack() {
        Scenario s = running(Scenario.withWitness());
        assertThat(s.command(1, new Command.Restart()).expectAccepted().message()).contains("node2 takes over");
        s.within(15_000).expect(2, PRIM).expect(1, SECOND);
    }

    /** The swap refusal read "not up to date (sync: uptodate)" while the peer had not yet confirmed the epoch. */
    @Test
    void swapRefusalSaidNotUpToDateWhileShowingSyncUptodate() {
        Scenario s = running(Scenario.withWitness());
        s.command(1, new Command.Swap(false)).expectAccepted();
        s.within(10_000).expect(2, PRIM).expect(1, SECOND).expectUpToDate(1);
        s.command(2, new Command.Swap(false)).expectRefused("node1 is not up to date", "data of epoch", "services at epoch");
    }

    /** Each node counted only the failovers it performed itself, in memory: a crash forgot them. */
    @Test
    void flappingCountWasForgottenByTheNodeThatCrashedAfterFailingOver() {
        Scenario s = running(Scenario.withWitness().flapMax(2));
        s.crash(1).within(10_000).expect(2, ALONE).restart(1).within(15_000).expect(1, SECOND).expect(2, PRIM)
                .expectUpToDate(1).tick(1_500);
        s.crash(2).within(10_000).expect(1, ALONE).restart(2).within(15_000).expect(2, SECOND).expect(1, PRIM)
                .expectUpToDate(2).tick(1_500);
        s.crash(1).tick(15_000).expect(2, WAIT).expectNoServicesOn(2).expectAlarm(2, "FLAPPING");
    }
}
