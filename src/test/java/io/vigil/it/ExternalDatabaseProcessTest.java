package io.vigil.it;

import io.vigil.core.NodeState;
import io.vigil.api.CommandResult;
import io.vigil.demo.LocalCluster;
import io.vigil.replication.PgAvailability;
import io.vigil.replication.PgConfig;
import io.vigil.replication.PgInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * External database mode (SPEC §3): a PostgreSQL outside the cluster, not replicated. Each
 * node's management server writes its activity into it; through kills and swaps the two nodes'
 * sessions never overlap in the database's own clock.
 */
@Tag("processes")
@Tag("postgres")
class ExternalDatabaseProcessTest extends ClusterProcessTest {
    private static final String PASSWORD = "external-db-Secret-42";
    private PgInstance external;

    private Path externalHome;

    @AfterEach
    void stopExternal() {
        if (external != null) {
            external.stop(PgInstance.StopMode.IMMEDIATE);
            io.vigil.replication.PgScratch.delete(externalHome);
        }
    }

    @Test
    void theTwoNodesNeverRunTheManagementServerAgainstTheDatabaseAtOnce(TestInfo info) throws Exception {
        PgAvailability.require();
        Path dir = Path.of("target/it/external-db").toAbsolutePath();
        LocalCluster.deleteTree(dir);
        Files.createDirectories(dir);
        // Not under target/: the checkout may sit where the postgres user cannot go (root's home, issue 16).
        externalHome = io.vigil.replication.PgScratch.create("external");
        external = new PgInstance(PgConfig.of(externalHome.resolve("pg/data"), Nodes.freeTcp(), "vigil_external",
                PASSWORD, PASSWORD));
        external.prepareHome();
        external.initdb();
        external.start();
        String url = "jdbc:postgresql://127.0.0.1:" + external.config().port() + "/postgres";
        try (Connection c = DriverManager.getConnection(url, external.config().adminUser(), PASSWORD);
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE activity (session text, node text, at timestamptz)");
        }
        Path passwordFile = dir.resolve("db-password");
        Files.writeString(passwordFile, PASSWORD + "\n");

        Nodes n = start(info, s -> s.withTimings(200, 1000).withoutEventServer().withMaxFailovers(100));
        n.close(); // written and started with the default services: add the database and its user, restart
        for (int id = 1; id <= 2; id++) {
            Files.writeString(n.cluster.config(id), "  - name: dbuser\n    start: [" + javaArgs("node" + id)
                    + "]\n    dependsOn: [mgmt]\n    stopTimeoutMs: 3000\n"
                    + "database:\n  mode: external\n  url: \"" + url + "\"\n  user: " + external.config().adminUser()
                    + "\n  passwordFile: " + passwordFile + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            n.cluster.start(id);
        }
        int prim = n.awaitPair();
        for (int round = 0; round < 4; round++) {
            int current = prim;
            await("activity of node" + current).atMost(Duration.ofSeconds(20)).until(() -> rowsOf(url, "node" + current) > 0);
            int other = 3 - prim;
            if (round % 2 == 0) {
                n.cluster.kill(prim);
                n.awaitState(other, NodeState.ALONE, 20);
                n.cluster.start(prim);
            } else {
                int from = prim;
                await("node" + from + " sees its SECOND up to date").atMost(Duration.ofSeconds(20))
                        .until(() -> n.status(from).node().peerSync() == io.vigil.core.SyncStatus.UPTODATE);
                CommandResult r = n.command(prim, "swap", null);
                assertThat(r.accepted()).as(r.message()).isTrue();
            }
            prim = n.awaitPair();
            assertThat(prim).isEqualTo(other);
        }
        int last = prim;
        await().atMost(Duration.ofSeconds(20)).until(() -> rowsOf(url, "node" + last) > 0);
        n.close();

        List<Session> sessions = sessions(url);
        assertThat(sessions.stream().map(Session::node).distinct()).containsExactlyInAnyOrder("node1", "node2");
        assertThat(sessions.size()).isGreaterThanOrEqualTo(5);
        for (int i = 1; i < sessions.size(); i++) {
            Session a = sessions.get(i - 1);
            Session b = sessions.get(i);
            if (!a.node().equals(b.node())) {
                assertThat(b.first()).as("%s started before %s ended: two management servers at once", b, a)
                        .isAfter(a.last());
            }
        }
    }

    private record Session(String node, java.time.Instant first, java.time.Instant last) {
    }

    private static List<Session> sessions(String url) throws Exception {
        List<Session> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "vigil_admin", PASSWORD); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT node, min(at), max(at) FROM activity GROUP BY session, node"
                     + " ORDER BY min(at)")) {
            while (rs.next()) {
                out.add(new Session(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant()));
            }
        }
        return out;
    }

    private static long rowsOf(String url, String node) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "vigil_admin", PASSWORD); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM activity WHERE node = '" + node + "'"
                     + " AND at > clock_timestamp() - interval '1 second'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String javaArgs(String node) {
        List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), DatabaseActivity.class.getName(), node));
        return String.join(", ", argv.stream().map(a -> "\"" + a + "\"").toList());
    }
}
