package io.vigil.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.core.SyncStatus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 5, upgrade: a database made by the previous version has passwords derived from
 * the cluster key; the node must take it over with the ones derived from the db-superuser key.
 */
@Tag("postgres")
class PasswordUpgradeTest {
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
    void aDatabaseOfThePreviousVersionGetsTheNewPasswordsOnceAndOnlyThem() throws Exception {
        PgInstance old = fx.instance("node1"); // made with PgFixture's passwords: the "previous" ones
        old.prepareHome();
        old.initdb();
        old.start();
        PgConfig was = old.config();
        PgConfig now = PgConfig.of(was.dataDir(), was.port(), was.applicationName(), "new-admin-Kp2", "new-repl-Hs5")
                .withTls(was.tls());
        assertThatThrownBy(() -> PgSql.admin(now).close()).as("before: the new password is refused")
                .hasMessageContaining("28P01");

        assertThat(PasswordUpgrade.adopt(now, PgFixture.ADMIN_PASSWORD)).isTrue();

        PgSql.admin(now).close();
        PgSql.replication(now, now).close();
        assertThat(accepts(now, now.adminUser(), PgFixture.ADMIN_PASSWORD)).as("old superuser password").isFalse();
        assertThat(accepts(now, now.replicationUser(), PgFixture.REPLICATION_PASSWORD)).as("old replication one")
                .isFalse();
        assertThat(PasswordUpgrade.adopt(now, PgFixture.ADMIN_PASSWORD)).as("every later start: nothing to do")
                .isFalse();
        PgConfig stranger = PgConfig.of(was.dataDir(), was.port(), was.applicationName(), "other-Zz1", "other-Zz2");
        assertThatThrownBy(() -> PasswordUpgrade.adopt(stranger, "not-it")).isInstanceOf(PgException.class)
                .hasMessageContaining("refuses the password of vigil_admin derived from this cluster key")
                .hasMessageContaining("check that cluster.key is the key this database was made with");
    }

    /** The node's side: becoming primary on such a database works only with the upgrade, and says so. */
    @Test
    void aNodeBecomingPrimaryOnADatabaseOfThePreviousVersionTakesItOver() throws Exception {
        PgInstance old = fx.instance("node1");
        old.prepareHome();
        old.initdb();
        PgConfig was = old.config();
        PgConfig now = PgConfig.of(was.dataDir(), was.port(), was.applicationName(), "new-admin-Kp2", "new-repl-Hs5")
                .withTls(was.tls());
        PgConfig peer = fx.config("node2", fx.freePort());
        List<String> info = new CopyOnWriteArrayList<>();
        DatabaseNode.Listener listener = new DatabaseNode.Listener() {
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
                info.add(line);
            }

            @Override
            public void error(String line) {
            }
        };
        DatabaseNode withoutUpgrade = new DatabaseNode(fx.track(new PgInstance(now)), peer, true, listener, 500);
        try {
            assertThatThrownBy(() -> withoutUpgrade.primary(false).get(60, TimeUnit.SECONDS))
                    .as("the previous version's database refuses the new password").hasMessageContaining("28P01");
            withoutUpgrade.stopPrimary(false).get(60, TimeUnit.SECONDS);
        } finally {
            withoutUpgrade.close();
        }

        DatabaseNode node = new DatabaseNode(fx.track(new PgInstance(now)), peer, true, listener, 500);
        try {
            node.upgradePasswordsFrom(PgFixture.ADMIN_PASSWORD);
            node.primary(false).get(60, TimeUnit.SECONDS);
            PgSql.admin(now).close();
            assertThat(info).anyMatch(l -> l.startsWith("database: the superuser and replication passwords now derive"
                    + " from the db-superuser key"));
        } finally {
            node.close();
        }
    }

    /** Whether the server takes this password: over TLS, which the replication user needs anyway. */
    private static boolean accepts(PgConfig c, String user, String password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        PgTlsSocketFactory.configure(p, c.tls());
        try (Connection conn = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.port() + "/postgres", p)) {
            return true;
        } catch (SQLException e) {
            assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("28P01"); // refused for the password, not TLS
            return false;
        }
    }
}
