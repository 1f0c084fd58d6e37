package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.core.BootMode;
import io.vigil.core.CoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VigilConfigTest extends ConfigFixture {

    @Test
    void aFullFileLoadsWithItsValues() throws Exception {
        VigilConfig c = load(FULL);
        assertThat(c.cluster().name()).isEqualTo("demo");
        assertThat(c.clusterKey()).hasSize(24).startsWith(0x00, 0x11);
        assertThat(c.node().dataDir()).isEqualTo(dir.resolve("data/node1").toAbsolutePath());
        assertThat(c.node().logDir()).isEqualTo(dir.resolve("data/node1/log").toAbsolutePath());
        assertThat(c.peer()).isEqualTo(new PeerSection("node2", "127.0.0.1", 6260));
        assertThat(c.heartbeat().networks()).containsExactly(new HeartbeatSection.Network("127.0.0.1", "127.0.0.1"),
                new HeartbeatSection.Network("10.0.0.1", "10.0.0.2"));
        assertThat(c.heartbeat().port(2)).isEqualTo(8889);
        assertThat(c.witness()).isEqualTo(new WitnessSection("10.0.0.3", 4850));
        assertThat(c.boot()).isEqualTo(BootMode.DISABLED);
        ResourceSection mgmt = c.resources().get(1);
        assertThat(mgmt.start()).containsExactly("sh", "-c", "java -jar mgmt.jar");
        assertThat(mgmt.dependsOn()).containsExactly("db");
        assertThat(mgmt.env()).isEqualTo(Map.of("JAVA_OPTS", "-Xmx1g"));
        assertThat(mgmt.workDir()).isEqualTo(Path.of("/opt/mgmt"));
        assertThat(mgmt.checkers()).extracting(CheckerSection::type)
                .containsExactly(CheckerSection.Type.HTTP, CheckerSection.Type.PROCESS);
        assertThat(c.resources().get(0).checkers().get(0).port()).isEqualTo(5432);
        assertThat(c.warnings()).isEmpty();

        CoreConfig core = c.toCoreConfig();
        assertThat(core.nodeId()).isEqualTo(1);
        assertThat(core.heartbeatIntervalMs()).isEqualTo(500);
        assertThat(core.leaseMs()).isEqualTo(2000);
        assertThat(core.witnessConfigured()).isTrue();
        assertThat(core.serviceFailoverDelayMs()).isEqualTo(20_000);
        assertThat(core.flapMaxFailovers()).isEqualTo(3);
        assertThat(core.restartPolicy("db")).isEqualTo(new CoreConfig.RestartPolicy(4, 60_000));
        assertThat(core.restartPolicy("mgmt")).isEqualTo(new CoreConfig.RestartPolicy(1, 1000));
    }

    /** Issue 12: the TCP admin channel is the peer's, so it listens where the peer dials by default. */
    @Test
    void theAdminChannelListensOnTheFirstHeartbeatNetworkAndTheCliSocketIsInTheDataDirectory() throws Exception {
        VigilConfig c = load(MINIMAL.replace("local: 127.0.0.1", "local: 10.0.0.2")
                .replace("peer: 127.0.0.1", "peer: 10.0.0.1"));
        assertThat(c.admin()).isEqualTo(new AdminSection("10.0.0.2", 6259));
        assertThat(c.peer().adminAddress()).isEqualTo("10.0.0.1");
        assertThat(c.admin().socketPath(c.node().dataDir())).isEqualTo(Path.of("/var/lib/vigil/node2/admin.sock"));
        VigilConfig custom = load(MINIMAL + "admin:\n  socket: /run/vigil/admin.sock\n");
        assertThat(custom.admin().socketPath(custom.node().dataDir())).isEqualTo(Path.of("/run/vigil/admin.sock"));
    }

    @Test
    void aMinimalFileGetsTheSpecDefaults() throws Exception {
        VigilConfig c = load(MINIMAL);
        assertThat(c.admin()).isEqualTo(new AdminSection("127.0.0.1", 6259));
        assertThat(c.peer()).isEqualTo(new PeerSection("node1", "127.0.0.1", 6259));
        assertThat(c.heartbeat().intervalMs()).isEqualTo(1000);
        assertThat(c.heartbeat().timeoutMs()).isEqualTo(3000);
        assertThat(c.heartbeat().basePort()).isEqualTo(8888);
        assertThat(c.witness()).isNull();
        assertThat(c.warnings()).singleElement().asString().contains("witness");
        assertThat(c.failover()).isEqualTo(new FailoverSection(true, 30_000, 2, 21_600_000, 500));
        assertThat(c.boot()).isEqualTo(BootMode.KEEP);
        assertThat(c.restart()).isEqualTo(new RestartSection(3, 300_000));
        assertThat(c.resources()).isEmpty();
        assertThat(c.logs()).isEqualTo(new LogsSection(10_485_760, 5));
        assertThat(c.node().hostName()).isNotBlank();
        assertThat(c.toCoreConfig()).isEqualTo(CoreConfig.defaults(2, false));
    }

    @Test
    void checkerDefaults() throws Exception {
        CheckerSection k = load(FULL).resources().get(1).checkers().get(0);
        assertThat(k).isEqualTo(new CheckerSection(CheckerSection.Type.HTTP, "127.0.0.1", 0,
                "http://127.0.0.1:8081/health", 200, List.of(), 1000, 1000, 3, 2, 5000));
    }

    @Test
    void theKeyNeverAppearsInToStringOrYaml() throws Exception {
        VigilConfig c = load(FULL);
        assertThat(c.toString()).doesNotContain(KEY).contains("<redacted>");
        assertThat(c.cluster().toString()).doesNotContain(KEY);
        assertThat(c.toYaml()).doesNotContain(KEY).contains("key: <redacted>");
    }

    @Test
    void toYamlReloadsToTheSameTree() throws Exception {
        VigilConfig c = load(FULL);
        VigilConfig again = load(c.toYaml().replace("<redacted>", "\"" + KEY + "\""));
        assertThat(again).isEqualTo(c);
    }

    @Test
    void keyFileIsReadRelativeToTheConfigFile() throws Exception {
        Files.writeString(dir.resolve("cluster.key"), KEY + "\n");
        VigilConfig c = load(MINIMAL.replace("key: \"" + KEY + "\"", "keyFile: cluster.key"));
        assertThat(c.cluster().keyFile()).isEqualTo(dir.resolve("cluster.key").toAbsolutePath());
        assertThat(c.clusterKey()).hasSize(24);
    }

    @Test
    void anUnreadableKeyFileIsAClearError() throws Exception {
        VigilConfig c = load(MINIMAL.replace("key: \"" + KEY + "\"", "keyFile: missing.key"));
        assertThatThrownBy(c::clusterKey).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.keyFile").hasMessageContaining("missing.key");
    }

    @Test
    void aShortKeyFileIsAClearError() throws Exception {
        Files.writeString(dir.resolve("cluster.key"), "abcd");
        VigilConfig c = load(MINIMAL.replace("key: \"" + KEY + "\"", "keyFile: cluster.key"));
        assertThatThrownBy(c::clusterKey).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster.keyFile").hasMessageContaining("too short")
                .hasMessageNotContaining("abcd");
    }
}
