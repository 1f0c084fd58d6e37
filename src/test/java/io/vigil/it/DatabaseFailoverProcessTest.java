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

    private static final int KILLS = Integer.getInteger("db.kills", 8);

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
        try (DatabaseClient client = new DatabaseClient(n.cluster, Databases.adminPassword(n.cluster.keys()))) {
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
            await("node" + second + " caught up").ignoreExceptions().atMost(Duration.ofSeconds(30))
                    .until(() -> client.missingOn(second, all).isEmpty());
            assertThat(n.status(second).node().sync()).isEqualTo(SyncStatus.UPTODATE);
            io.vigil.replication.ResyncEstimate estimate = n.admin(second).estimate();
            assertThat(estimate.method()).isEqualTo(io.vigil.replication.ResyncEstimate.Method.STREAMING);
            assertThat(estimate.bytes()).isNotNegative();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> n.admin(prim).estimate())
                    .hasMessageContaining("runs the primary database");
        }
    }

    /**
     * Divergence: the SECOND stops receiving, a commit on the PRIM reaches the PRIM's disk but
     * is never acknowledged (it waits for the SECOND), the PRIM dies, the SECOND takes over and
     * is written to. The old PRIM comes back: pg_rewind moves only what differs, the
     * unacknowledged commit disappears, everything written on the other node arrives.
     */
    @Test
    void theOldPrimRejoinsAfterDivergenceWithAnIncrementalResync(TestInfo info) throws Exception {
        Nodes n = startWithDatabase(info);
        int prim = n.awaitPair();
        int other = 3 - prim;
        try (DatabaseClient client = new DatabaseClient(n.cluster, Databases.adminPassword(n.cluster.keys()))) {
            client.createTable();
            client.execute(prim, "CREATE TABLE big AS SELECT g AS id, repeat('x', 200) AS pad"
                    + " FROM generate_series(1, 400000) g");
            long dbBytes = client.queryLong(prim, "SELECT pg_database_size('postgres')");
            client.execute(prim, "CHECKPOINT");
            n.awaitPair();
            // As in a failover at least 30 s after the primary's last checkpoint: the SECOND has
            // made its restartpoint there (PgFiles), so the bulk load before it is history that a
            // rewind needs neither from the SECOND's pg_wal nor copies.
            String redo = "SELECT pg_wal_lsn_diff(redo_lsn, '0/0')::bigint FROM pg_control_checkpoint()";
            long checkpoint = client.queryLong(prim, redo);
            await("node" + other + "'s restartpoint at node" + prim + "'s checkpoint").ignoreExceptions()
                    .atMost(Duration.ofSeconds(90)).until(() -> client.queryLong(other, redo) >= checkpoint);

            long receiver = walReceiverPid(n, other);
            signal("-STOP", receiver);
            java.util.concurrent.CompletableFuture<Void> unacknowledged = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    client.execute(prim, "INSERT INTO rows (id) VALUES (-1)");
                } catch (java.sql.SQLException e) {
                    // expected: the node dies while the commit waits for the SECOND
                }
            });
            await("the commit waits for the SECOND").ignoreExceptions().atMost(Duration.ofSeconds(20)).until(() ->
                    client.queryLong(prim, "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'") == 1);
            n.cluster.kill(prim);
            signal("-CONT", receiver);
            assertThat(unacknowledged).succeedsWithin(Duration.ofSeconds(30));

            n.awaitState(other, NodeState.ALONE, 30);
            for (long id = 1; id <= 50; id++) {
                client.execute(other, "INSERT INTO rows (id) VALUES (" + id + ")");
            }
            // A hundred of the table's blocks change, found by tuple id: a full scan of the table
            // would set hint bits in every block, which the WAL (wal_log_hints) holds as full-page
            // images, so the resync would rightly move the whole table.
            client.execute(other, "UPDATE big SET pad = 'y' WHERE ctid = ANY (ARRAY(SELECT format('(%s,1)', b)::tid"
                    + " FROM generate_series(0, 9900, 100) b))");
            n.cluster.start(prim);
            n.awaitState(prim, NodeState.SECOND, 60);
            await("node" + prim + " caught up").ignoreExceptions().atMost(Duration.ofSeconds(60))
                    .until(() -> client.missingOn(prim, Set.of(1L, 50L)).isEmpty());

            assertThat(client.count(prim)).as("rows on the rejoined node").isEqualTo(50);
            String log = n.moduleLog(prim);
            assertThat(log).doesNotContain("full resync");
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("incremental resync done: (\\d+) bytes copied of (\\d+)").matcher(log);
            assertThat(m.find()).as("the rejoined node reports the bytes moved:\n%s", log).isTrue();
            long copied = Long.parseLong(m.group(1));
            System.err.printf("failback after divergence: pg_rewind copied %d bytes, database %d bytes, data directory %s%n",
                    copied, dbBytes, m.group(2));
            assertThat(copied).as("bytes pg_rewind copied, against the database's %d", dbBytes)
                    .isPositive().isLessThan(dbBytes / 4);
        }
    }

    /** The SECOND dies while a client writes: the PRIM stops waiting for it and commits go on. */
    @Test
    void commitsContinueWhenTheSecondIsLost(TestInfo info) throws Exception {
        Nodes n = startWithDatabase(info);
        int prim = n.awaitPair();
        int other = 3 - prim;
        try (DatabaseClient client = new DatabaseClient(n.cluster, Databases.adminPassword(n.cluster.keys()))) {
            client.createTable();
            client.startWriting();
            await().atMost(Duration.ofSeconds(20)).until(() -> client.ackedCount() > 50);
            assertThat(n.status(prim).node().synchronousReplication()).isTrue();

            n.cluster.kill(other);
            long killed = client.ackedCount();
            n.awaitState(prim, NodeState.ALONE, 20);
            await("commits acknowledged without node" + other).atMost(Duration.ofSeconds(10))
                    .until(() -> client.ackedCount() > killed + 50);
            assertThat(n.status(prim).node().synchronousReplication()).isFalse();
            assertThat(client.missingOn(prim, client.acked())).isEmpty();
        }
    }

    private static long walReceiverPid(Nodes n, int id) throws Exception {
        long postmaster = n.cluster.databasePid(id);
        Process ps = new ProcessBuilder("ps", "-o", "pid=,args=", "--ppid", Long.toString(postmaster)).start();
        String out = new String(ps.getInputStream().readAllBytes());
        ps.waitFor();
        return out.lines().filter(l -> l.contains("walreceiver")).map(l -> Long.parseLong(l.strip().split("\\s+")[0]))
                .findFirst().orElseThrow(() -> new AssertionError("no walreceiver under postmaster " + postmaster + ":\n" + out));
    }

    private static void signal(String sig, long pid) throws Exception {
        new ProcessBuilder("kill", sig, Long.toString(pid)).start().waitFor();
    }
}
