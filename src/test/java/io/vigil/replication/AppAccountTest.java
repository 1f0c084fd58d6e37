package io.vigil.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Issue 10 item 6: the protected services connect with an account that owns its database and nothing more. */
@Tag("postgres")
class AppAccountTest {
    private static final AppAccount APP = new AppAccount("vigil_app", "app-secret-Zq8", "vms");
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
    void theServicesAccountOwnsItsDatabaseAndCanDoNothingElse() throws Exception {
        PgInstance pg = fx.instance("node1");
        pg.prepareHome();
        pg.initdb();
        pg.start();
        pg.ensureApplicationAccount(APP);
        pg.ensureApplicationAccount(APP); // idempotent: runs at every promotion

        try (Connection c = as(pg, "vms", APP.user(), APP.password()); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE cameras (id int primary key, name text)");
            st.execute("INSERT INTO cameras VALUES (1, 'gate')");
            try (ResultSet rs = st.executeQuery("SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication"
                    + " FROM pg_roles WHERE rolname = current_user")) {
                rs.next();
                for (int i = 1; i <= 4; i++) {
                    assertThat(rs.getBoolean(i)).as("privilege %d", i).isFalse();
                }
            }
            assertThatThrownBy(() -> st.execute("SELECT pg_read_file('/etc/passwd')"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.execute("CREATE ROLE intruder SUPERUSER"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("must be superuser");
            assertThatThrownBy(() -> st.execute("CREATE ROLE intruder"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
        }
        assertThatThrownBy(() -> as(pg, "postgres", APP.user(), APP.password()).close())
                .as("no other database").isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
        // The replication role still reaches the postgres database (sync status, pg_rewind), the way
        // the peer connects: over TLS with its node certificate (issue 12).
        PgConfig c = pg.config();
        PgSql.replication(c, c).close();
    }

    private static Connection as(PgInstance pg, String db, String user, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.config().port() + "/" + db, user, password);
    }
}
