package io.vigil.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A copy of the peer's database (pg_basebackup) brings the peer's pg_hba.conf, written for the
 * peer's addresses. On two hosts (issue 12's namespace test) the copy then refused the node's own
 * connections to its server at its listen address ("no pg_hba.conf entry for host ... vigil_admin"),
 * so the standby was never seen streaming and was copied again and again. On one machine every
 * address is 127.0.0.1 and nothing shows, so the two instances here listen on two addresses,
 * 127.0.0.1 ("node1") and 127.0.0.2 ("node2"), each allowing the other for replication.
 */
@Tag("postgres")
class PgHbaAfterResyncTest {
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
    void aCopiedStandbyAcceptsItsOwnClientsAtItsOwnAddressNotThePeers() {
        PgInstance node1 = fx.track(new PgInstance(at(fx.config("node1", fx.freePort()), "127.0.0.1", "127.0.0.2/32")));
        PgInstance node2 = fx.track(new PgInstance(at(fx.config("node2", fx.freePort()), "127.0.0.2", "127.0.0.1/32")));
        node1.initdb();
        node1.start();
        node2.basebackupFrom(node1.config(), ProgressListener.NONE);

        List<String> hba = PgCommand.readOwned(node2.config(), node2.config().dataDir().resolve("pg_hba.conf"));
        assertThat(hba).as("node2's clients reach its server at node2's address")
                .contains("host all all 127.0.0.2/32 scram-sha-256");
        assertThat(hba).as("replication is accepted from the peer (node1), not from node2 itself")
                .noneMatch(l -> l.contains("vigil_replication 127.0.0.2/32"));
    }

    /** The same instance listening on {@code address}, accepting replication from {@code peerCidr}. */
    private static PgConfig at(PgConfig c, String address, String peerCidr) {
        return new PgConfig(c.binDir(), c.osUser(), c.dataDir(), c.port(), address, c.socketDir(), c.logFile(),
                c.passFile(), c.adminUser(), c.adminPassword(), c.replicationUser(), c.replicationPassword(),
                c.applicationName(), peerCidr, c.tls());
    }
}
