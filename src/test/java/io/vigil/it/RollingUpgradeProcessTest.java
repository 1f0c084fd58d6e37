package io.vigil.it;

import io.vigil.api.CommandResult;
import io.vigil.core.NodeState;
import io.vigil.core.SyncStatus;
import io.vigil.daemon.Databases;
import io.vigil.protocol.ProtocolVersion;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15: upgrade one node at a time while the cluster keeps serving. The "next version" is
 * this same build started with the test-only {@code -Dvigil.protocol.version}: N+1 talks to N
 * (heartbeats, witness, admin channel, replication), N+2 is refused by N both ways with a message
 * naming both versions. A client commits rows through the whole procedure; none is lost.
 */
@Tag("processes")
@Tag("postgres")
class RollingUpgradeProcessTest extends ClusterProcessTest {
    private static final int N = ProtocolVersion.current();

    @Test
    void theClusterKeepsServingThroughARollingUpgradeAndRefusesANodeTwoVersionsAhead(TestInfo info) throws Exception {
        io.vigil.replication.PgAvailability.require();
        int dbPort = Nodes.freeTcp();
        Nodes n = start(info, s -> s.withTimings(250, 3000).withoutEventServer().withWitness(1).withDatabase(dbPort));
        int first = n.awaitPair(180); // initdb and the first copy: slow on a loaded machine
        int second = 3 - first;
        try (DatabaseClient client = new DatabaseClient(n.cluster, Databases.adminPassword(n.cluster.keys()))) {
            client.createTable();
            client.startWriting();
            awaitCommits(client, 20);

            // An operator's mistake first: the SECOND comes back two versions ahead.
            n.cluster.stop(second);
            n.cluster.start(second, protocol(N + 2));
            await("node" + first + " shows why it refuses node" + second).atMost(Duration.ofSeconds(60))
                    .until(() -> n.status(first).node().warnings().stream().anyMatch(w -> w.contains(
                            "speaks protocol " + (N + 2) + ", this node " + N + ": more than one version apart")
                            && w.contains("upgrade this node from protocol " + N + " to " + (N + 1) + " first")));
            await("node" + second + " logs why it refuses node" + first).atMost(Duration.ofSeconds(30))
                    .until(() -> output(n, second).contains("speaks protocol " + N + ", this node " + (N + 2)
                            + ": more than one version apart (protocol " + (N + 2) + " talks to " + (N + 1) + ".."
                            + (N + 3) + "); upgrade the peer from protocol " + N + " to " + (N + 1) + " first"));
            // Refused heartbeats count as none: node1 is ALONE once its peer timeout has passed since
            // the stop (on a fast machine the refusal shows before that).
            await("node" + first + " serves on, alone").atMost(Duration.ofSeconds(30))
                    .until(() -> n.state(first) == NodeState.ALONE);
            awaitCommits(client, 20);

            // The procedure: SECOND to N+1, swap, then the other node.
            n.cluster.stop(second);
            n.cluster.start(second, protocol(N + 1));
            upToDatePair(n, first);
            assertThat(n.status(second).version()).endsWith("(protocol " + (N + 1) + ")");
            assertThat(n.status(first).version()).endsWith("(protocol " + N + ")");
            awaitCommits(client, 20);

            CommandResult swap = n.command(first, "swap", null);
            assertThat(swap.accepted()).as(swap.message()).isTrue();
            n.awaitState(second, NodeState.PRIM, 60);
            upToDatePair(n, second);
            awaitCommits(client, 20);

            n.cluster.stop(first);
            n.cluster.start(first, protocol(N + 1));
            upToDatePair(n, second);
            assertThat(n.status(first).version()).endsWith("(protocol " + (N + 1) + ")");
            awaitCommits(client, 20);

            client.close();
            Set<Long> acked = client.acked();
            assertThat(client.missingOn(second, acked)).as("acknowledged rows missing on the PRIM").isEmpty();
            await("node" + first + " caught up").ignoreExceptions().atMost(Duration.ofSeconds(60))
                    .until(() -> client.missingOn(first, acked).isEmpty());
        }
    }

    private static List<String> protocol(int version) {
        return List.of("-D" + ProtocolVersion.TEST_PROPERTY + "=" + version);
    }

    /** Waits for {@code prim} PRIM with an up-to-date SECOND that it sees as such (swap needs it). */
    private static void upToDatePair(Nodes n, int prim) {
        assertThat(n.awaitPair(120)).isEqualTo(prim);
        await("node" + prim + " sees its SECOND up to date").atMost(Duration.ofSeconds(60))
                .until(() -> n.status(prim).node().peerSync() == SyncStatus.UPTODATE);
    }

    private static void awaitCommits(DatabaseClient client, int more) {
        long before = client.ackedCount();
        await("the client commits").atMost(Duration.ofSeconds(60)).until(() -> client.ackedCount() >= before + more);
    }

    /** What node {@code id} printed and logged (the heartbeat refusal goes to both). */
    private static String output(Nodes n, int id) throws java.io.IOException {
        Path out = n.cluster.settings().dir().resolve("node" + id + ".out");
        return (Files.exists(out) ? Files.readString(out) : "") + n.moduleLog(id);
    }
}
