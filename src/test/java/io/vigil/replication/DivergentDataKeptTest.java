package io.vigil.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.core.SyncStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4: after a split brain the losing node's divergent data is kept aside, never silently
 * discarded. Two real PostgreSQL instances both accept writes (a split brain without a witness);
 * node 1 loses and follows node 2 through {@link DatabaseNode}, as the daemon does.
 */
@Tag("postgres")
@Tag("slow")
class DivergentDataKeptTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern KEPT = Pattern.compile("kept aside in (\\S+)");

    private PgFixture fx;
    private PgInstance node1;
    private PgInstance node2;
    private final List<String> alarms = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    @BeforeEach
    void primaryAndStandby() throws Exception {
        fx = new PgFixture();
        node1 = fx.instance("node1");
        node2 = fx.instance("node2");
        node1.initdb();
        node1.start();
        sql(node1, "CREATE TABLE t (id int PRIMARY KEY, note text)");
        node2.basebackupFrom(node1.config(), ProgressListener.NONE);
        node2.start();
        await().atMost(WAIT).until(() -> node2.currentWalLsn().isAtLeast(node1.currentWalLsn()));
    }

    @AfterEach
    void cleanUp() throws Exception {
        fx.close();
    }

    @Test
    void a_row_committed_only_on_the_losing_side_is_readable_in_the_kept_copy_the_alarm_names() throws Exception {
        // The link is cut: node 2 is promoted while node 1 still accepts writes.
        node2.promote("vigil_node1");
        sql(node1, "INSERT INTO t VALUES (1, 'written on the losing side only')");
        sql(node2, "INSERT INTO t VALUES (2, 'written on the winning side')");
        node1.stop(PgInstance.StopMode.IMMEDIATE); // the loser stops its services (fencing)

        try (DatabaseNode db = new DatabaseNode(node1, node2.config(), false, listener(), 200)) {
            db.follow();
            await().atMost(WAIT).ignoreExceptions().until(() -> count(node1, "SELECT count(*) FROM t WHERE id = 2") == 1);
            assertThat(count(node1, "SELECT count(*) FROM t WHERE id = 1")).as("node 1 now holds node 2's data only")
                    .isZero();

            assertThat(alarms).as("one alarm says where the divergent data is").hasSize(1);
            String alarm = alarms.get(0);
            assertThat(alarm).contains("1 transaction").contains("pg_ctl -D");
            Matcher m = KEPT.matcher(alarm);
            assertThat(m.find()).as(alarm).isTrue();
            Path kept = Path.of(m.group(1));
            assertThat(kept.getFileName().toString()).startsWith("node1.diverged-");
            assertThat(lines).anyMatch(l -> l.contains(kept.toString()));

            PgInstance inspect = fx.track(new PgInstance(node1.config().withDataDir(kept).withPort(fx.freePort())));
            inspect.start();
            assertThat(text(inspect, "SELECT note FROM t WHERE id = 1")).isEqualTo("written on the losing side only");
            assertThat(count(inspect, "SELECT count(*) FROM t WHERE id = 2")).isZero();
        }
    }

    @Test
    void a_failback_without_divergent_commits_rewinds_and_keeps_nothing() throws Exception {
        // Node 1 dies; node 2 takes over and writes: node 1's WAL holds no commit node 2 lacks.
        node1.stop(PgInstance.StopMode.IMMEDIATE);
        node2.promote("vigil_node1");
        sql(node2, "INSERT INTO t VALUES (3, 'after the failover')");

        try (DatabaseNode db = new DatabaseNode(node1, node2.config(), false, listener(), 200)) {
            db.follow();
            await().atMost(WAIT).ignoreExceptions().until(() -> count(node1, "SELECT count(*) FROM t WHERE id = 3") == 1);
        }
        assertThat(alarms).isEmpty();
        try (var siblings = Files.list(node1.config().dataDir().getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("node1.diverged-") || n.startsWith("node1.before-resync-"));
        }
    }

    @Test
    void an_unacknowledged_commit_of_a_dead_synchronous_primary_is_rewound_with_its_wal_kept_aside() throws Exception {
        node1.configureAsPrimary(true, "vigil_node2");
        await().atMost(WAIT).until(() -> node1.replicationStatus().standby("vigil_node2")
                .map(st -> "sync".equals(st.syncState())).orElse(false));
        node2.stop(PgInstance.StopMode.FAST);
        java.util.concurrent.CompletableFuture<Void> waiting = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                sql(node1, "INSERT INTO t VALUES (4, 'never acknowledged')");
            } catch (SQLException e) {
                // expected: the primary dies while the commit waits for node 2
            }
        });
        await().atMost(WAIT).until(() -> count(node1,
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'") == 1);
        node1.stop(PgInstance.StopMode.IMMEDIATE);
        waiting.get(30, java.util.concurrent.TimeUnit.SECONDS);
        node2.start();
        node2.promote("vigil_node1");
        sql(node2, "INSERT INTO t VALUES (5, 'after the failover')");

        try (DatabaseNode db = new DatabaseNode(node1, node2.config(), false, listener(), 200)) {
            db.follow();
            await().atMost(WAIT).ignoreExceptions().until(() -> count(node1, "SELECT count(*) FROM t WHERE id = 5") == 1);
            assertThat(count(node1, "SELECT count(*) FROM t WHERE id = 4")).isZero();
        }
        assertThat(lines).anyMatch(l -> l.startsWith("incremental resync done"));
        assertThat(alarms).hasSize(1);
        assertThat(alarms.get(0)).contains("1 transaction").contains("never acknowledged");
        Matcher m = KEPT.matcher(alarms.get(0));
        assertThat(m.find()).as(alarms.get(0)).isTrue();
        Path wal = Path.of(m.group(1));
        assertThat(wal.getFileName().toString()).startsWith("node1.unacknowledged-wal-");
        try (var segments = Files.list(wal)) {
            assertThat(segments).isNotEmpty();
        }
    }

    private DatabaseNode.Listener listener() {
        return new DatabaseNode.Listener() {
            @Override
            public void syncStatus(SyncStatus status) {
            }

            @Override
            public void failed(String detail) {
            }

            @Override
            public void recovered() {
            }

            @Override
            public void info(String line) {
                lines.add(line);
            }

            @Override
            public void error(String line) {
                lines.add(line);
            }

            @Override
            public void alarm(String code, String message) {
                alarms.add(code + ": " + message);
            }
        };
    }

    private static void sql(PgInstance pg, String sql) throws SQLException {
        try (Connection c = PgFixture.connect(pg); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static long count(PgInstance pg, String sql) throws SQLException {
        return Long.parseLong(text(pg, sql));
    }

    private static String text(PgInstance pg, String sql) throws SQLException {
        try (Connection c = PgFixture.connect(pg); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
