package io.vigil.daemon;

import io.vigil.config.VigilConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 15: what a node started as the vigil user (or as root) lacks, named before it starts. */
class PrivilegesTest {
    /** The vigil-node unit: CAP_NET_ADMIN (bit 12) and CAP_NET_RAW (bit 13) as ambient capabilities. */
    private static final long UNIT = (1L << 12) | (1L << 13);
    private static final String UNIT_STATUS = "CapEff:\t0000000000003000\n";
    private static final String NOTHING_STATUS = "CapEff:\t0000000000000000\n";

    @TempDir
    Path dir;

    private VigilConfig config(String vip, int consolePort, int databasePort) throws Exception {
        // The database user (root's tests run PostgreSQL as postgres) must pass through to its data.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        Path f = dir.resolve("vigil.yaml");
        Files.writeString(f, """
                cluster: {name: demo, key: "00112233445566778899aabbccddeeff0011223344556677"}
                node: {id: 1, dataDir: %s}
                peer: {hostName: node2, adminAddress: 10.0.0.2, adminPort: 6259}
                heartbeat:
                  networks: [{local: 10.0.0.1, peer: 10.0.0.2}]
                vip: {address: "%s", interface: eth0}
                console: {port: %d, password: "a long console password"}
                database: {mode: internal, port: %d, peerPort: 5432, listenAddress: 10.0.0.1, peerAddress: 10.0.0.2}
                """.formatted(dir.resolve("data"), vip, consolePort, databasePort));
        return VigilConfig.load(f);
    }

    @Test
    void theUnitsCapabilitiesAreEnoughForAVirtualIpAndPortsFrom1024Up() throws Exception {
        VigilConfig c = config("10.0.0.10/24", 8443, 5432);
        assertThat(Privileges.capabilityProblems(c, new Privileges.Process("vigil", UNIT), UNIT_STATUS)).isEmpty();
    }

    @Test
    void withoutThemTheNodeSaysWhichCapabilityIsMissingAndToUseTheUnitOrRoot() throws Exception {
        VigilConfig c = config("10.0.0.10/24", 8443, 5432);
        assertThat(Privileges.capabilityProblems(c, new Privileges.Process("alice", 0L), NOTHING_STATUS))
                .satisfiesExactly(
                        admin -> assertThat(admin).contains("cannot add the VIP", "CAP_NET_ADMIN",
                                "vigil-node unit", "as root"),
                        raw -> assertThat(raw).contains("cannot announce the VIP 10.0.0.10/24", "CAP_NET_RAW", "user alice",
                                "vigil-node unit", "as root"));
    }

    @Test
    void loopbackModeNeedsNoCapability() throws Exception {
        VigilConfig c = config("127.0.0.100/8", 8443, 5432);
        assertThat(Privileges.capabilityProblems(c, new Privileges.Process("alice", 0L), NOTHING_STATUS)).isEmpty();
    }

    @Test
    void aPortBelow1024NeedsNetBindServiceAndSaysHowToAddIt() throws Exception {
        VigilConfig c = config("127.0.0.100/8", 443, 543);
        assertThat(Privileges.capabilityProblems(c, new Privileges.Process("vigil", UNIT), UNIT_STATUS))
                .satisfiesExactly(
                        console -> assertThat(console).contains("console.port 443", "CAP_NET_BIND_SERVICE",
                                "systemctl edit vigil-node", "AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW CAP_NET_BIND_SERVICE"),
                        db -> assertThat(db).startsWith("database.port 543 is below 1024"));
        long withBind = UNIT | (1L << Privileges.CAP_NET_BIND_SERVICE);
        assertThat(Privileges.capabilityProblems(c, new Privileges.Process("vigil", withBind), UNIT_STATUS)).isEmpty();
        assertThat(Privileges.capabilityProblems(c, new Privileges.Process("root", null), "")).as("unknown mask")
                .isEmpty();
    }

    @Test
    void aNodeThatIsNotRootMustOwnItsFoldersAndIsToldTheChown() throws Exception {
        VigilConfig c = config("127.0.0.100/8", 8443, 5432);
        Files.createDirectories(c.node().dataDir());
        String me = Files.getOwner(c.node().dataDir()).getName();
        assertThat(Privileges.ownershipProblems(c, me)).isEmpty();
        assertThat(Privileges.ownershipProblems(c, "vigil")).first().asString().contains("node.dataDir "
                + c.node().dataDir() + " belongs to " + me + ", but the node runs as vigil",
                "chown -R vigil:vigil " + c.node().dataDir());
    }
}
