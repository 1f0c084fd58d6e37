package io.vigil.it;

import io.vigil.core.NodeState;
import io.vigil.core.SyncStatus;
import io.vigil.daemon.Databases;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two real nodes, each with a real PostgreSQL 15 managed by Vigil (SPEC §3): the database
 * follows the services, commits are synchronous to an up-to-date SECOND, and no acknowledged
 * commit is lost when the PRIM dies.
 */
@Tag("processes")
@Tag("postgres")
class DatabaseFailoverProcessTest extends ClusterProcessTest {

    private static final int KILLS = Integer.getInteger("db.kills", 20);

    private Nodes startWithDatabase(TestInfo info) throws Exception {
        io.vigil.replication.PgAvailability.require();
        int dbPort = Nodes.freeTcp();
        return start(info, s -> s.withTimings(200, 1000).withoutEventServer().withMaxFailovers(1000)
                .withDatabase(dbPort));
    }

    @Test
    void everyAcknowledgedRowSurvivesRepeatedKillsOfThePrim(TestInfo info) throws Exception {
        Nodes n = startWithDatabase(info);
        n.awaitPair();
        try (DatabaseClient client = new DatabaseClient(n.cluster, Databases.adminPassword(n.cluster.key()))) {
            client.createTable();
            client.startWriting();
            for (int round = 1; round <= KILLS; round++) {
                int prim = n.awaitPair();
                int other = 3 - prim;
                long before = client.ackedCount();
                await("commits flow on node" + prim).atMost(Duration.ofSeconds(30))
                        .until(() -> client.ackedCount() > before + 20);
                Thread.sleep(ThreadLocalRandom.current().nextInt(0, 700)); // a random moment within the writes
                n.cluster.kill(prim);
                Set<Long> acked = client.acked();
                n.awaitState(other, NodeState.ALONE, 30);
                await("node" + other + " accepts writes").atMost(Duration.ofSeconds(30))
                        .until(() -> client.ackedCount() > acked.size());
                assertThat(client.missingOn(other, acked))
                        .as("round %d: rows acknowledged before node%d was killed, missing on node%d", round, prim, other)
                        .isEmpty();
                n.cluster.start(prim);
            }
            int prim = n.awaitPair();
            int second = 3 - prim;
            client.close();
            Set<Long> all = client.acked();
            assertThat(all.size()).isGreaterThan(KILLS * 20);
            assertThat(client.missingOn(prim, all)).isEmpty();
            await("node" + second + " caught up").atMost(Duration.ofSeconds(30))
                    .until(() -> client.missingOn(second, all).isEmpty());
            assertThat(n.status(second).node().sync()).isEqualTo(SyncStatus.UPTODATE);
        }
    }
}
