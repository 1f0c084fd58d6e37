package io.vigil.replication;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A postmaster killed with SIGKILL (the chaos run's "kill -9 of PostgreSQL") must not leave the
 * node believing its database runs: whether init reaps the dead process or leaves a zombie (as on
 * machines whose PID 1 does not reap orphans, like CI's), the instance reports itself stopped and
 * starts again, with every committed row. Real PostgreSQL.
 */
@Tag("postgres")
class DeadPostmasterTest {

    @Test
    void aKilledPostmasterIsSeenAsStoppedAndTheDatabaseStartsAgainWithItsData() throws Exception {
        try (PgFixture fx = new PgFixture()) {
            PgInstance pg = fx.instance("node1");
            pg.initdb();
            pg.start();
            try (Connection c = PgFixture.connect(pg); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (n int)");
                st.execute("INSERT INTO t VALUES (42)");
            }
            long pid = Long.parseLong(Files.readAllLines(pg.config().dataDir().resolve("postmaster.pid")).get(0).strip());
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            await("the postmaster is dead (gone or a zombie)").until(() -> DeadPostmaster.dead(pid));

            assertThat(pg.isRunning()).as("a dead postmaster's lock file does not make the database running").isFalse();
            assertThat(pg.config().dataDir().resolve("postmaster.pid")).doesNotExist();
            assertThat(DeadPostmaster.workingIn(pg.config().dataDir())).as("no orphan left in the data directory").isEmpty();
            pg.start();
            assertThat(pg.isRunning()).isTrue();
            try (Connection c = PgFixture.connect(pg); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT n FROM t")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
            pg.stop(PgInstance.StopMode.FAST);
        }
    }

    @Test
    void aLivePostmasterIsLeftAlone() throws Exception {
        try (PgFixture fx = new PgFixture()) {
            PgInstance pg = fx.instance("node1");
            pg.initdb();
            pg.start();
            long pid = Long.parseLong(Files.readAllLines(pg.config().dataDir().resolve("postmaster.pid")).get(0).strip());
            assertThat(DeadPostmaster.dead(pid)).isFalse();
            assertThat(DeadPostmaster.clearIfDead(pg.config(), Optional.of(pid))).isFalse();
            assertThat(pg.config().dataDir().resolve("postmaster.pid")).exists();
            assertThat(pg.isRunning()).isTrue();
            pg.stop(PgInstance.StopMode.FAST);
        }
    }

    @Test
    void theStatusLineAndTheProcessStateAreReadExactly() {
        assertThat(DeadPostmaster.statusPid(List.of("pg_ctl: server is running (PID: 4242)", "/usr/lib/postgresql/15/bin/postgres")))
                .contains(4242L);
        assertThat(DeadPostmaster.statusPid(List.of("pg_ctl: no server running"))).isEmpty();
        assertThat(DeadPostmaster.state(ProcessHandle.current().pid())).hasValueSatisfying(s -> assertThat("RSD").contains(String.valueOf(s)));
        assertThat(DeadPostmaster.dead(ProcessHandle.current().pid())).isFalse();
        assertThat(DeadPostmaster.dead(Integer.MAX_VALUE)).as("no such process").isTrue();
    }
}
