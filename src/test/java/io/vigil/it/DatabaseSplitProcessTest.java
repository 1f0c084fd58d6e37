package io.vigil.it;

import io.vigil.core.NodeState;
import io.vigil.daemon.Databases;
import io.vigil.it.net.NetLab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §3's careful case, with real processes: the heartbeats between the nodes are cut while
 * the witness stays reachable. The PRIM may stop waiting for its SECOND only because it holds
 * the witness lease, so the cut-off SECOND is never promoted while the PRIM acknowledges commits
 * it never received; after the heal it catches up and nothing acknowledged is missing.
 */
@Tag("processes")
@Tag("postgres")
@Tag("root")
class DatabaseSplitProcessTest extends ClusterProcessTest {
    private static final String TABLE = "vigil_test_split";

    @AfterEach
    void heal() throws Exception {
        nft("delete table inet " + TABLE);
    }

    @Test
    void aCutOffSecondIsNeverPromotedWhileThePrimCommitsAlone(TestInfo info) throws Exception {
        NetLab.requireRoot();
        io.vigil.replication.PgAvailability.require();
        int dbPort = Nodes.freeTcp();
        Nodes n = start(info, s -> s.withTimings(200, 1000).withoutEventServer().withWitness(1).withDatabase(dbPort));
        int prim = n.awaitPair();
        int second = 3 - prim;
        try (DatabaseClient client = new DatabaseClient(n.cluster, Databases.adminPassword(n.cluster.keys()))) {
            client.createTable();
            client.startWriting();
            await().atMost(Duration.ofSeconds(20)).until(() -> client.ackedCount() > 50);
            assertThat(n.status(prim).node().synchronousReplication()).isTrue();

            int hb = n.cluster.settings().basePort();
            nft("add table inet " + TABLE);
            nft("add chain inet " + TABLE + " input { type filter hook input priority -10 ; }");
            nft("add rule inet " + TABLE + " input udp dport { " + hb + ", " + (hb + 1) + " } drop");
            long cut = client.ackedCount();

            // For longer than a takeover would take, the SECOND's database must stay a standby
            // while the PRIM goes on acknowledging commits the SECOND does not receive.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (System.nanoTime() < until) {
                assertThat(client.queryLong(second, "SELECT pg_is_in_recovery()::int"))
                        .as("node%d's database was promoted while cut off from node%d", second, prim).isEqualTo(1);
                assertThat(n.status(second).node().services().claimed()).as("node%d claims the services", second)
                        .isFalse();
                Thread.sleep(100);
            }
            assertThat(client.ackedCount()).as("commits acknowledged by node%d alone", prim).isGreaterThan(cut + 50);
            assertThat(n.status(prim).node().synchronousReplication()).isFalse();

            nft("delete table inet " + TABLE);
            n.awaitPair();
            client.close();
            Set<Long> acked = client.acked();
            assertThat(client.missingOn(prim, acked)).isEmpty();
            await("node" + second + " caught up").ignoreExceptions().atMost(Duration.ofSeconds(60))
                    .until(() -> client.missingOn(second, acked).isEmpty());
            assertThat(n.state(second)).isEqualTo(NodeState.SECOND);
        }
    }

    private static void nft(String rule) throws Exception {
        Process p = new ProcessBuilder(java.util.List.of("sh", "-c", "nft '" + rule.replace("'", "") + "'"))
                .redirectErrorStream(true).start();
        p.waitFor(10, TimeUnit.SECONDS);
    }
}
