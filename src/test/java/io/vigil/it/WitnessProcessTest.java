package io.vigil.it;

import io.vigil.core.Colour;
import io.vigil.core.NodeState;
import io.vigil.api.CommandResult;
import io.vigil.resource.Phase;
import io.vigil.resource.ResourceStatus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two real nodes and a real `vigil witness` on loopback: leases, self-fencing, the watchdog. */
@Tag("processes")
class WitnessProcessTest extends ClusterProcessTest {

    private Nodes start(TestInfo info) throws Exception {
        return start(info, s -> s.withWitness(1)); // witnessPort 1 asks the harness for a free port
    }

    @Test
    void withAWitnessKillingThePrimStillMovesTheServicesOnceItsLeaseHasExpired(TestInfo info) throws Exception {
        Nodes n = start(info);
        int prim = n.awaitPair();
        int other = 3 - prim;
        await("PRIM holds the lease").atMost(Duration.ofSeconds(15))
                .until(() -> n.status(prim).node().leaseRemainingMs() > 0);
        n.cluster.kill(prim);
        n.awaitState(other, NodeState.ALONE, 20);
        await().atMost(Duration.ofSeconds(10)).until(() -> n.servedBy().equals("node" + other));
        assertThat(n.status(other).node().warnings()).noneMatch(w -> w.contains("no witness"));
    }

    @Test
    void whenOnlyTheWitnessIsDownNothingMoves(TestInfo info) throws Exception {
        Nodes n = start(info);
        int prim = n.awaitPair();
        n.cluster.kill(0);
        await("nothing moves").during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10))
                .until(() -> n.state(prim) == NodeState.PRIM && n.state(3 - prim) == NodeState.SECOND
                        && n.servedBy().equals("node" + prim));
    }

    @Test
    void whenTheWitnessAndThePrimAreLostTheServicesStopUntilTheOperatorForcesAStart(TestInfo info) throws Exception {
        Nodes n = start(info);
        int prim = n.awaitPair();
        int other = 3 - prim;
        n.cluster.kill(0);
        n.cluster.kill(prim);
        n.awaitState(other, NodeState.WAIT, 15);
        await("the SECOND does not take over without the lease").during(Duration.ofSeconds(6))
                .atMost(Duration.ofSeconds(8)).until(() -> n.state(other) == NodeState.WAIT && n.servedBy().isEmpty());
        assertThat(n.status(other).node().colour()).isEqualTo(Colour.RED);
        assertThat(n.status(other).node().reason()).contains("witness does not answer");

        CommandResult r = n.command(other, "force-start", null);
        assertThat(r.accepted()).as(r.message()).isTrue();
        n.awaitState(other, NodeState.ALONE, 20);
        await().atMost(Duration.ofSeconds(10)).until(() -> n.servedBy().equals("node" + other));
    }

    @Test
    void aPausedPrimIsFencedByItsWatchdogBeforeThePeerTakesOverAndRejoinsAsSecond(TestInfo info) throws Exception {
        Nodes n = start(info);
        int prim = n.awaitPair();
        int other = 3 - prim;
        await("PRIM holds the lease").atMost(Duration.ofSeconds(15))
                .until(() -> n.status(prim).node().leaseRemainingMs() > 0);
        long oldService = n.resource(prim, "mgmt").pid();
        n.cluster.pauseDaemon(prim, true);

        AtomicReference<String> overlap = new AtomicReference<>();
        await("the other node runs the services").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    ResourceStatus r = n.resource(other, "mgmt");
                    boolean otherRuns = r != null && r.phase() != Phase.STOPPED;
                    boolean oldAlive = running(oldService);
                    if (otherRuns && oldAlive) {
                        overlap.set("node" + other + " mgmt " + r.phase() + " while paused node" + prim
                                + "'s service " + oldService + " was alive");
                    }
                    return r != null && r.phase() == Phase.RUNNING;
                });
        assertThat(overlap.get()).as("never two management servers").isNull();
        assertThat(running(oldService))
                .as("the watchdog killed the paused node's service").isFalse();

        n.cluster.pauseDaemon(prim, false);
        n.awaitState(prim, NodeState.SECOND, 30);
        assertThat(n.moduleLog(prim)).contains("watchdog");
        // One HTTP probe can time out on a loaded machine: the services must answer from the other node.
        await("served by node" + other).atMost(Duration.ofSeconds(10)).until(() -> n.servedBy().equals("node" + other));
    }

    /**
     * A killed child of a paused daemon stays a zombie until the daemon reaps it: dead (its port is
     * free) but still listed, and {@link ProcessHandle#isAlive()} says true. Read the state instead.
     */
    private static boolean running(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
