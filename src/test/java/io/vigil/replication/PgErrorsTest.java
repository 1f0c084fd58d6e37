package io.vigil.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What an operator reads when the installation or the configuration is wrong. */
@Tag("postgres")
@Tag("slow")
class PgErrorsTest {

    private PgFixture fx;

    @BeforeEach
    void fixture() throws Exception {
        fx = new PgFixture();
    }

    @AfterEach
    void cleanUp() throws Exception {
        fx.close();
    }

    @Test
    void a_wrong_bin_dir_names_the_missing_tool_and_how_to_install_it() {
        PgInstance pg = new PgInstance(fx.config("node1", fx.freePort()).withBinDir(Path.of("/opt/no-postgres/bin")));

        assertThatThrownBy(pg::initdb).isInstanceOf(PgException.class)
                .hasMessageContaining("/opt/no-postgres/bin/initdb")
                .hasMessageContaining("apt-get install postgresql-15")
                .hasMessageContaining("binDir");
    }

    @Test
    void a_port_taken_by_another_program_is_named_with_what_to_do() throws Exception {
        PgInstance pg = fx.instance("node1");
        pg.initdb();
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            PgInstance onTakenPort = fx.track(new PgInstance(pg.config().withPort(other.getLocalPort())));

            assertThatThrownBy(onTakenPort::start).isInstanceOf(PgException.class)
                    .hasMessageContaining("port " + other.getLocalPort())
                    .hasMessageContaining("already in use")
                    .hasMessageContaining("what to do");
        }
        assertThat(pg.isRunning()).isFalse();
    }

    @Test
    void an_initdb_that_fails_half_way_leaves_no_database_behind_and_the_next_attempt_is_complete() throws Exception {
        // Issue 16: initdb succeeded, then the start that creates the replication role failed; the
        // next attempt found PG_VERSION, took the database as initialized, and no standby could follow.
        PgInstance free = fx.instance("node1");
        int port = free.config().port();
        free.prepareHome();
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThatThrownBy(free::initdb).isInstanceOf(PgException.class).hasMessageContaining("already in use");
            assertThat(free.config().dataDir().resolve("PG_VERSION")).doesNotExist();
            assertThat(free.config().dataDir().resolveSibling("node1.initializing")).doesNotExist();
            assertThat(((PgException) org.assertj.core.api.Assertions.catchThrowable(free::initdb)).summary())
                    .as("one line for the alarm").doesNotContain("\n").contains("port " + port);
        }
        free.initdb();
        free.start();
        try (var c = PgFixture.connect(free); var st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM pg_roles WHERE rolname = '"
                     + free.config().replicationUser() + "' AND rolreplication")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the replication role exists").isEqualTo(1);
        }
    }

    @Test
    void a_standby_of_an_unreachable_primary_fails_to_copy_and_keeps_its_data() throws Exception {
        PgInstance node1 = fx.instance("node1");
        PgInstance node2 = fx.instance("node2");
        node2.initdb();
        PgConfig absent = node1.config();

        assertThatThrownBy(() -> node2.basebackupFrom(absent, ProgressListener.NONE)).isInstanceOf(PgException.class)
                .hasMessageContaining("pg_basebackup failed")
                .hasMessageContaining("old data directory was put back")
                .hasMessageNotContaining(PgFixture.REPLICATION_PASSWORD)
                .hasMessageNotContaining(PgFixture.ADMIN_PASSWORD);
        assertThat(node2.config().dataDir().resolve("PG_VERSION")).exists();
    }
}
