package io.vigil.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A copy of the peer's database (pg_basebackup, and pg_rewind likewise) brings the peer's
 * pg_hba.conf, which admits the peer's own address. On two hosts node 2's daemon and services
 * connect to node 2's listen address: its start must write node 2's rules, as it writes its port.
 * (On one machine both listen on 127.0.0.1 and the difference never showed; ChaosTest found it
 * with the nodes in network namespaces.)
 */
@Tag("postgres")
class CopiedAccessRulesTest {

    @Test
    void a_copied_database_admits_this_nodes_own_listen_address_once_started() throws Exception {
        try (PgFixture fx = PgFixture.plaintext()) {
            PgInstance node1 = fx.instance("node1");
            node1.initdb();
            node1.start();
            PgConfig c = fx.config("node2", fx.freePort());
            PgConfig onItsOwnAddress = new PgConfig(c.binDir(), c.osUser(), c.dataDir(), c.port(), "127.0.0.2",
                    c.socketDir(), c.logFile(), c.passFile(), c.adminUser(), c.adminPassword(), c.replicationUser(),
                    c.replicationPassword(), c.applicationName(), c.clientCidr(), c.tls());
            PgInstance node2 = fx.track(new PgInstance(onItsOwnAddress));
            node2.prepareHome();
            node2.basebackupFrom(node1.config(), ProgressListener.NONE);
            // The copy brought node 1's rules; the resync rewrites them with node 2's own right after
            // copying (PgHbaAfterResyncTest), and every start writes them again (below).
            assertThat(Files.readString(c.dataDir().resolve("pg_hba.conf"))).as("node 2's rules after the copy")
                    .contains("host all all 127.0.0.2/32");
            Files.writeString(c.dataDir().resolve("pg_hba.conf"), Files.readString(c.dataDir().resolve("pg_hba.conf"))
                    .replace("host all all 127.0.0.2/32", "host all all 127.0.0.1/32")); // as a copy brings them

            node2.start();

            assertThat(Files.readString(c.dataDir().resolve("pg_hba.conf"))).contains("host all all 127.0.0.2/32");
            assertThat(node2.isInRecovery()).as("node 2's own admin connection, to 127.0.0.2").isTrue();
        }
    }
}
