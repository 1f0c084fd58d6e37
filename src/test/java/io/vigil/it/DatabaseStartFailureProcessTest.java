package io.vigil.it;

import io.vigil.core.CoreConfig;
import io.vigil.core.NodeState;
import io.vigil.api.CommandResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 16: a database that cannot start on either node must not make the cluster loop (grant,
 * fail, grant again every second). Both nodes' database ports are taken by another program, a
 * cause that does not go away by itself: the cluster tries a bounded number of times, stops with
 * one alarm naming the cause, says so in its status, and comes up once the cause is fixed and the
 * operator starts the node again.
 */
@Tag("processes")
@Tag("postgres")
class DatabaseStartFailureProcessTest extends ClusterProcessTest {

    @Test
    void aDatabaseThatCannotStartOnEitherNodeIsTriedABoundedNumberOfTimesThenTheOperatorBringsItUp(TestInfo info)
            throws Exception {
        io.vigil.replication.PgAvailability.require();
        int dbPort = Nodes.freeTcp();
        List<ServerSocket> squatters = new ArrayList<>();
        try {
            for (int port : List.of(dbPort, dbPort + 1)) {
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                squatters.add(s);
            }
            Nodes n = start(info, s -> s.withTimings(200, 1000).withoutEventServer().withDatabase(dbPort));
            int max = CoreConfig.DEFAULT_MAX_START_FAILURES;

            n.awaitState(1, NodeState.STOP, 90);
            String reason = n.status(1).node().reason();
            assertThat(reason).contains("gave up after " + max + " failed starts").contains("port " + dbPort)
                    .contains("already in use").contains("vigil start");
            // Node1 may have written before a later step failed: node2 does not run on older data.
            await("node2 explains why it waits").atMost(Duration.ofSeconds(10))
                    .until(() -> n.status(2).node().reason().contains("node1 is stopped and holds newer data"));
            assertThat(n.state(2)).isEqualTo(NodeState.WAIT);

            // Nothing more is tried, on either node, for a span in which the old loop retried five times.
            await("no further start attempts").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                    .until(() -> count(n.moduleLog(2), "granting node1 the services") == max
                            && n.state(1) == NodeState.STOP);
            String log1 = n.moduleLog(1);
            String log2 = n.moduleLog(2);
            assertThat(count(log1, "ALARM START_FAILED")).isEqualTo(max - 1);
            assertThat(count(log1, "ALARM START_BLOCKED")).isEqualTo(1);
            assertThat(count(log2, "ALARM START_")).isZero();
            assertThat(count(log2, "granting node1 the services")).isEqualTo(max);
            assertThat(log1).contains("ALARM START_BLOCKED: the services failed to start " + max + " times on node1;"
                    + " first error: database: cannot start PostgreSQL: port " + dbPort);

            // The operator fixes the cause (stops the program on the ports) and starts node1 again.
            for (ServerSocket s : squatters) {
                s.close();
            }
            CommandResult r = n.command(1, "start", null);
            assertThat(r.accepted()).as(r.message()).isTrue();
            assertThat(n.awaitPair()).isEqualTo(1);
        } finally {
            for (ServerSocket s : squatters) {
                s.close();
            }
        }
    }

    private static int count(String text, String fragment) {
        int c = 0;
        for (int i = text.indexOf(fragment); i >= 0; i = text.indexOf(fragment, i + 1)) {
            c++;
        }
        return c;
    }
}
