package io.vigil.it;

import io.vigil.core.NodeState;
import io.vigil.api.CommandResult;
import io.vigil.resource.ResourceStatus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two real `vigil node` processes on loopback, each in its own process group, protecting the
 * sample management server (and an event server that depends on it).
 */
@Tag("processes")
class TwoNodeProcessTest extends ClusterProcessTest {

    @Test
    void killingThePrimMakesTheOtherNodeAloneAndRestartingItBringsItBackAsSecond(TestInfo info) throws Exception {
        Nodes n = start(info, s -> s);
        int prim = n.awaitPair();
        int other = 3 - prim;
        await().atMost(Duration.ofSeconds(10)).until(() -> n.servedBy().equals("node" + prim));

        n.cluster.kill(prim);
        n.awaitState(other, NodeState.ALONE, 20);
        await("service from node" + other).atMost(Duration.ofSeconds(20))
                .until(() -> n.servedBy().equals("node" + other));
        assertThat(n.moduleLog(other)).contains("failover: node" + prim + " lost");

        n.cluster.start(prim);
        n.awaitState(prim, NodeState.SECOND, 30);
        n.awaitState(other, NodeState.PRIM, 10);
        assertThat(n.servedBy()).as("the services stay where they are after failback").isEqualTo("node" + other);
    }

    @Test
    void swapExchangesTheRolesAndMovesTheService(TestInfo info) throws Exception {
        Nodes n = start(info, s -> s);
        int prim = n.awaitPair();
        int other = 3 - prim;
        await("PRIM sees its SECOND up to date").atMost(Duration.ofSeconds(10))
                .until(() -> n.status(prim).node().peerSync() == io.vigil.core.SyncStatus.UPTODATE);

        CommandResult r = n.command(prim, "swap", null);
        assertThat(r.accepted()).as(r.message()).isTrue();
        n.awaitState(other, NodeState.PRIM, 30);
        n.awaitState(prim, NodeState.SECOND, 10);
        await().atMost(Duration.ofSeconds(10)).until(() -> n.servedBy().equals("node" + other));
        assertThat(n.cluster.dataDir(prim).resolve("log/commands.log")).content().contains("swap").contains("accepted");
    }

    /**
     * Issue 12: the CLI on one machine reaches the other node through its own node, which relays
     * over the TLS admin channel with its cluster certificate; the CLI holds no key.
     */
    @Test
    void theCliReachesThePeerThroughItsOwnNodeOverTls(TestInfo info) throws Exception {
        Nodes n = start(info, s -> s);
        int prim = n.awaitPair();
        int other = 3 - prim;
        // The CLI's own timeout for relayed requests: the relay's first TLS handshake is in a cold JVM.
        io.vigil.admin.AdminClient cli = io.vigil.admin.AdminClient.local(n.cluster.adminSocket(other), 25_000);
        assertThat(cli.toPeer().status().node().nodeId()).isEqualTo(prim);
        CommandResult r = cli.toPeer().command("boot", "keep", "it-test");
        assertThat(r.accepted()).as(r.message()).isTrue();
        assertThat(n.cluster.dataDir(prim).resolve("log/commands.log")).content()
                .contains("it-test from local user " + System.getProperty("user.name") + " from 127.0.0.1 (CN=localhost,"
                        + "O=Vigil) | boot keep | accepted");
    }

    @Test
    void swapIsRefusedWithAReasonWhileThePeerIsDown(TestInfo info) throws Exception {
        Nodes n = start(info, s -> s);
        int prim = n.awaitPair();
        n.cluster.kill(3 - prim);
        n.awaitState(prim, NodeState.ALONE, 20);
        CommandResult r = n.command(prim, "swap", null);
        assertThat(r.accepted()).isFalse();
        assertThat(r.message()).contains("not reachable").contains("start node" + (3 - prim));
    }

    @Test
    void aCrashedServiceIsRestartedInPlaceAndAfterTooManyCrashesTheNodeFailsOver(TestInfo info) throws Exception {
        Nodes n = start(info, s -> s.withServiceFailover(2000, 2));
        int prim = n.awaitPair();
        int other = 3 - prim;
        await("PRIM sees its SECOND up to date").atMost(Duration.ofSeconds(10))
                .until(() -> n.status(prim).node().peerSync() == io.vigil.core.SyncStatus.UPTODATE);

        long firstPid = runningPid(n, prim);
        ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();
        await("restarted in place").atMost(Duration.ofSeconds(20))
                .until(() -> runningPid(n, prim) > 0 && runningPid(n, prim) != firstPid);
        assertThat(n.state(prim)).as("a local restart moves nothing").isEqualTo(NodeState.PRIM);
        // RUNNING comes with the new process; its HTTP port opens a moment later.
        await("served again by node" + prim).atMost(Duration.ofSeconds(10))
                .until(() -> n.servedBy().equals("node" + prim));

        // Two restarts are allowed in the window: the third crash exhausts them.
        for (int crash = 2; crash <= 3; crash++) {
            long pid = runningPid(n, prim);
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            if (crash < 3) {
                await("restart " + crash).atMost(Duration.ofSeconds(20))
                        .until(() -> runningPid(n, prim) > 0 && runningPid(n, prim) != pid);
            }
        }
        n.awaitState(other, NodeState.PRIM, 40);
        await("service from node" + other).atMost(Duration.ofSeconds(20))
                .until(() -> n.servedBy().equals("node" + other));
        assertThat(n.moduleLog(prim)).contains("SERVICE_FAILOVER");
        n.awaitState(prim, NodeState.SECOND, 20);
    }

    @Test
    void withFailoverOffKillingThePrimMovesNothing(TestInfo info) throws Exception {
        Nodes n = start(info, s -> s);
        int prim = n.awaitPair();
        int other = 3 - prim;
        assertThat(n.command(other, "failover", "off").accepted()).isTrue();
        assertThat(n.status(other).node().failoverEnabled()).isFalse();

        n.cluster.kill(prim);
        n.awaitState(other, NodeState.WAIT, 20);
        await("nothing moves").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                .until(() -> n.state(other) == NodeState.WAIT && n.servedBy().isEmpty());
        assertThat(n.status(other).node().reason()).contains("failover is off");
        assertThat(n.status(other).node().colour()).isEqualTo(io.vigil.core.Colour.RED);
    }

    private static long runningPid(Nodes n, int id) {
        ResourceStatus r = n.resource(id, "mgmt");
        return r != null && r.phase() == io.vigil.resource.Phase.RUNNING ? r.pid() : -1;
    }
}
