package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The replication section: defaults, both directory forms, and one test per mistake. */
class ReplicationConfigTest extends ConfigFixture {

    private static final String SECTION = """
            replication:
              directories:
                - /etc/vms/certs
                - {name: config, path: /srv/node2/config}
            """;

    @Test
    void defaultsFollowTheNodeIdAndTheFirstHeartbeatNetwork() throws Exception {
        ReplicationSection r = load(MINIMAL + SECTION).replication();
        assertThat(r.port()).isEqualTo(5605);       // node 2: 5600 + 1 + 4
        assertThat(r.peerPort()).isEqualTo(5601);
        assertThat(r.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(r.peerAddress()).isEqualTo("127.0.0.1");
        assertThat(r.intervalMs()).isEqualTo(2000);
        assertThat(r.directories()).containsExactly(
                new ReplicationSection.Directory("/etc/vms/certs", Path.of("/etc/vms/certs")),
                new ReplicationSection.Directory("config", Path.of("/srv/node2/config")));
    }

    @Test
    void noSectionMeansNoReplication() throws Exception {
        assertThat(load(MINIMAL).replication()).isNull();
    }

    @Test
    void theSectionSurvivesShowConfiguration() throws Exception {
        VigilConfig c = load(MINIMAL + SECTION);
        VigilConfig again = load(c.toYaml().replace("<redacted>", "\"" + KEY + "\""));
        assertThat(again.replication()).isEqualTo(c.replication());
    }

    @Test
    void anEmptyListIsRefused() {
        assertThat(error(MINIMAL + "replication:\n  directories: []\n", "replication.directories"))
                .contains("no directory is listed");
    }

    @Test
    void aRelativePathIsRefused() {
        assertThat(error(MINIMAL + SECTION.replace("/etc/vms/certs", "certs"), "replication.directories[0].path"))
                .contains("must be an absolute path");
    }

    @Test
    void nestedDirectoriesAreRefused() {
        assertThat(error(MINIMAL + SECTION.replace("/srv/node2/config", "/etc/vms/certs/sub"),
                "replication.directories[1].path")).contains("overlaps replication.directories[0]");
    }

    @Test
    void vigilsOwnDataDirectoryCannotBeReplicated() {
        assertThat(error(MINIMAL + SECTION.replace("/srv/node2/config", "/var/lib/vigil"),
                "replication.directories[1].path")).contains("overlaps Vigil's own data or log directory");
    }

    @Test
    void duplicateNamesAreRefused() {
        String yaml = MINIMAL + SECTION.replace("name: config, path: /srv/node2/config",
                "name: /etc/vms/certs, path: /srv/x");
        assertThat(error(yaml, "replication.directories[1].name")).contains("duplicate name");
    }

    @Test
    void aTooShortIntervalIsRefused() {
        assertThat(error(MINIMAL + SECTION.replace("replication:\n", "replication:\n  intervalMs: 10\n"),
                "replication.intervalMs")).contains("at least 100");
    }

    @Test
    void aBadPortAndAMisspelledKeyAreNamed() {
        assertThat(error(MINIMAL + SECTION.replace("replication:\n", "replication:\n  port: 70000\n"),
                "replication.port")).contains("between 1 and 65535");
        assertThat(error(MINIMAL + SECTION.replace("replication:\n", "replication:\n  peerAdress: 10.0.0.2\n"),
                "replication.peerAdress")).contains("Did you mean 'peerAddress'");
    }

    @Test
    void anIpv6PeerIsRefused() {
        assertThat(error(MINIMAL + SECTION.replace("replication:\n", "replication:\n  peerAddress: \"fe80::1\"\n"),
                "replication.peerAddress")).contains("IPv6");
    }
}
